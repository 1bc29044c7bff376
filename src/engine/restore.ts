// The one place a persisted snapshot becomes restorable: versions are checked here, and a snapshot from an
// older machine is migrated by code or refused whole, never half-loaded. (xstate's future `restoreActor`
// would replace the createActor call in engine.ts; this check stays.)
import type { MigrationContext } from '../core/machine-types.js';
import { MACHINE_VERSION, XSTATE_VERSION } from '../core/machine-types.js';
import { StoreError } from '../errors.js';
import type { MigrationRecord } from '../ports.js';

export interface PersistedMigration {
  value: unknown;
  context: MigrationContext;
  [key: string]: unknown;
}

/**
 * Code that upgrades a snapshot from machine version N to N+1, keyed by N.
 * 1 → 2 (rollback): `completed` is no longer a final state (a forced rollback may leave it), so a completed
 * snapshot's xstate status `done` becomes `active`; every other snapshot restores as it is (`rollback` is optional).
 */
const SNAPSHOT_UPGRADES: Record<string, (snapshot: PersistedMigration) => PersistedMigration> = {
  '1': (snapshot) => {
    if (snapshot.value !== 'completed' || snapshot.status !== 'done') return snapshot;
    const { output: _output, ...rest } = snapshot;
    return { ...rest, status: 'active' } as PersistedMigration;
  },
};

export function restoreSnapshot(record: MigrationRecord): PersistedMigration {
  if (!record.snapshot)
    throw new StoreError(
      `migration ${record.id} has no saved state`,
      'NO_SNAPSHOT',
      'import it again from its support bundle',
    );
  if (record.xstateVersion !== XSTATE_VERSION) {
    throw new StoreError(
      `migration ${record.id} was saved with xstate ${record.xstateVersion}; this cutover runs xstate ` +
        `${XSTATE_VERSION} and will not guess at a different persisted format`,
      'XSTATE_VERSION',
      'resume it with the cutover release that saved it (cutover export/import keeps the versions)',
    );
  }
  let snapshot = record.snapshot as PersistedMigration;
  for (let v = Number(record.machineVersion); v < Number(MACHINE_VERSION); v++) {
    const upgrade = SNAPSHOT_UPGRADES[String(v)];
    if (!upgrade) throw versionError(record);
    snapshot = upgrade(snapshot);
  }
  if (Number(record.machineVersion) > Number(MACHINE_VERSION)) throw versionError(record);
  return snapshot;
}

function versionError(record: MigrationRecord): StoreError {
  return new StoreError(
    `migration ${record.id} was saved by machine version ${record.machineVersion}; this cutover has machine version ` +
      `${MACHINE_VERSION}`,
    'MACHINE_VERSION',
    'upgrade cutover to the release that saved it',
  );
}
