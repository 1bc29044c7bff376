// Whether `watch` can reach its store, for /healthz. An open SQLite connection keeps reading a file whose
// folder was removed or made unreachable, so the check looks at the path as well as reading through the store.
import fs from 'node:fs';
import path from 'node:path';
import type { MigrationStore } from '../../ports.js';

export type Probe = () => Promise<{ ok: boolean; detail?: string }>;

export function storeProbe(dbPath: string, store: Pick<MigrationStore, 'summaries'>): Probe {
  return async () => {
    try {
      fs.accessSync(path.dirname(dbPath), fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
      fs.accessSync(dbPath, fs.constants.R_OK | fs.constants.W_OK);
      await store.summaries({}, 1);
      return { ok: true };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return {
        ok: false,
        detail: `the store at ${dbPath} cannot be reached${typeof code === 'string' ? ` (${code})` : ''}`,
      };
    }
  };
}
