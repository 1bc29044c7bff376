// Service clients for one org and sandbox, built without opening the state database: the wizard, `plan` and
// `doctor` talk to the services long before (or without ever) writing a migration, and a plan that fails
// validation or preflight must leave the database untouched.
import type { PreflightFacts } from '../../core/preflight.js';
import type { Plan } from '../../core/types.js';
import type { EffectDeps } from '../../engine/index.js';
import { gatherFacts, legacyAudienceIds } from '../../engine/index.js';
import type { MigrationStore } from '../../ports.js';
import type { CliContext } from '../wiring/context.js';
import type { Connection } from '../wiring/org-clients.js';

export { connect, settingsFrom, type Connection } from '../wiring/org-clients.js';
export { legacyAudienceIds };

/** A store that refuses every use: proof that gathering preflight facts writes nothing anywhere. */
const NO_STORE = new Proxy({} as MigrationStore, {
  get(_target, property) {
    throw new Error(`preflight reads only; it must not use the store (${String(property)})`);
  },
});

/** gatherFacts needs only the services and settings; everything else in EffectDeps is refused. */
export function readOnlyDeps(ctx: CliContext, conn: Connection): EffectDeps {
  return {
    store: NO_STORE,
    services: conn.services,
    clock: ctx.clock,
    settings: conn.settings,
    env: ctx.env,
    flushed: async () => {},
  };
}

export function readFacts(
  ctx: CliContext,
  conn: Connection,
  plan: Plan,
  marker: string,
): Promise<PreflightFacts & { flowSpec: unknown }> {
  return gatherFacts(readOnlyDeps(ctx, conn), plan, marker);
}
