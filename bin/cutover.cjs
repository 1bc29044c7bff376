#!/usr/bin/env node
// Thin launcher of the bundled CLI (dist/bundle/, built by `npm run build`; see rolldown.config.mjs). CommonJS
// on purpose: a CommonJS entry starts without Node's ESM loader, ~10 ms of every command.
'use strict';
require('../dist/bundle/cli.cjs')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
