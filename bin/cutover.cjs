#!/usr/bin/env node
// Thin launcher: everything lives in the built CLI so start-up loads only what a command needs.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
