// better-sqlite3, opened with the path of its native addon when it is where npm builds it, so that it does not
// load the `bindings` package to search a dozen candidate paths at every start (and so that its JavaScript can
// be bundled into the CLI: see rolldown.config.mjs). Anywhere else the default search still applies.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);

export type SqliteDatabase = BetterSqlite3.Database;

let addonPath: string | undefined | null = null;

function builtAddon(): string | undefined {
  if (addonPath === null) {
    const candidate = path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
    addonPath = fs.existsSync(candidate) ? candidate : undefined;
  }
  return addonPath;
}

export function openSqlite(file: string, options: BetterSqlite3.Options = {}): SqliteDatabase {
  return new Database(file, { nativeBinding: builtAddon(), ...options });
}
