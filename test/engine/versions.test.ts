// Persisted snapshots record the xstate version they were written with, and restore refuses any other: the
// constant must be the installed xstate, and package.json must pin exactly that version (no ^ or ~), or an
// install could silently change the persisted format under every stored migration.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { XSTATE_VERSION } from '../../src/core/machine-types.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const readJson = (file: string) =>
  JSON.parse(readFileSync(file, 'utf8')) as { version?: string; dependencies?: Record<string, string> };

describe('xstate version pin', () => {
  it('XSTATE_VERSION is the installed xstate', () => {
    const require = createRequire(path.join(root, 'package.json'));
    const installed = readJson(path.join(path.dirname(require.resolve('xstate/package.json')), 'package.json')).version;
    expect(XSTATE_VERSION).toBe(installed);
  });

  it('package.json pins xstate to exactly that version', () => {
    const pinned = readJson(path.join(root, 'package.json')).dependencies?.xstate;
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pinned).toBe(XSTATE_VERSION);
  });
});
