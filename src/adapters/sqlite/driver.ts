// better-sqlite3, opened with the path of its native addon when it is where npm builds it, so that it does not
// load the `bindings` package to search a dozen candidate paths at every start (and so that its JavaScript can
// be bundled into the CLI: see rolldown.config.mjs). Anywhere else the default search still applies.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';

export type SqliteDatabase = BetterSqlite3.Database;

const ADDON = path.join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
let addonPath: string | undefined | null = null;

/** The addon in the nearest node_modules above this module, as Node would resolve the package. */
function builtAddon(): string | undefined {
  if (addonPath !== null) return addonPath;
  addonPath = undefined;
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, ADDON);
    if (fs.existsSync(candidate)) {
      addonPath = candidate;
      return addonPath;
    }
    if (path.dirname(dir) === dir) return addonPath;
  }
}

/** `file` is a path, or a database image (a Buffer) to open in memory. */
export function openSqlite(file: string | Buffer, options: BetterSqlite3.Options = {}): SqliteDatabase {
  return new Database(file, { nativeBinding: builtAddon(), ...options });
}
