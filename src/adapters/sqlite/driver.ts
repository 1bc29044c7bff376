// better-sqlite3, loaded for the shortest start (it is on the path of every command that opens the database):
// - through require, not import: importing a CommonJS package from ESM runs Node's export lexer over it;
// - with the path of its native addon when it is where npm builds it, so better-sqlite3 does not load the
//   `bindings` package to search a dozen candidate paths. Anywhere else the default search still applies.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as typeof BetterSqlite3;

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
