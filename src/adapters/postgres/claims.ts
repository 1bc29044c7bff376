// The fleet on the team store: the light listing every watch worker refreshes from (no snapshot; plans only for
// the ids the worker does not know yet), and the claim that shares the due migrations among the workers. A claim
// is one short transaction: it locks the requested migrations that are watched and free (no lease, or one
// expired by the server's clock) with FOR NO KEY UPDATE SKIP LOCKED, so a row another claimer is deciding on is
// skipped rather than waited for, then writes their leases in one upsert that keeps the acquire statement's rule
// (only over an absent, expired or own lease), so a lease taken meanwhile by a plain acquire is never stolen.
import type { PoolClient } from 'pg';
import type { ClaimRequest, Lease } from '../../ports.js';
import { type FleetRowData, toFleetMigration } from '../sql-rows.js';
import { type LeaseRowData, toLease } from '../sqlite/rows.js';
import type { LeaseHost } from './leases.js';

const WATCHED = "m.status IN ('active', 'waiting')";
const DEADLOCK = '40P01';
const NOW = 'COALESCE($3::timestamptz, now())';

const FLEET = `SELECT m.id, m.org_id, m.state, m.status, m.ticket_key, m.due_at,
    CASE WHEN m.id = ANY($2::text[]) THEN NULL ELSE m.plan END AS plan
  FROM cutover.migrations m WHERE ${WATCHED} AND ($1::text IS NULL OR m.org_id = $1)`;

/** The free ones of the requested ids, in the order asked, locked for this transaction (locked elsewhere: skipped). */
const LOCK_FREE = `SELECT m.id FROM cutover.migrations m LEFT JOIN cutover.leases l ON l.migration_id = m.id
  WHERE m.id = ANY($1::text[]) AND ${WATCHED}
    AND (l.migration_id IS NULL OR l.nonce = ($4::text[])[array_position($1::text[], m.id)]
      OR l.expires_at <= cutover.iso(${NOW}))
    AND (NOT ($5::boolean[])[array_position($1::text[], m.id)] OR m.due_at IS NULL
      OR m.due_at::timestamptz <= (($6::text[])[array_position($1::text[], m.id)])::timestamptz)
  ORDER BY array_position($1::text[], m.id) LIMIT $2
  FOR NO KEY UPDATE OF m SKIP LOCKED`;

/** ACQUIRE (sql.ts) for many rows at once: granted over no lease, an expired one, or this nonce's own. */
const GRANT = `WITH c AS (SELECT ${NOW} AS t),
  r AS (SELECT * FROM unnest($1::text[], $4::text[], $5::text[], $6::float8[]) AS r(id, nonce, holder, ttl)
    WHERE r.id = ANY($2::text[]))
  INSERT INTO cutover.leases AS l (migration_id, nonce, holder, acquired_at, heartbeat_at, expires_at)
  SELECT r.id, r.nonce, r.holder, cutover.iso(c.t), cutover.iso(c.t),
    cutover.iso(c.t + r.ttl * interval '1 millisecond')
  FROM r, c
  ON CONFLICT (migration_id) DO UPDATE SET nonce = excluded.nonce, holder = excluded.holder,
    acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at
  WHERE l.nonce = excluded.nonce OR l.expires_at <= excluded.acquired_at
  RETURNING *`;

export async function fleetOf(host: LeaseHost, orgId: string | undefined, known: ReadonlySet<string>) {
  return (await host.q<FleetRowData>(FLEET, [orgId ?? null, [...known]])).map(toFleetMigration);
}

export async function claimLeases(host: LeaseHost, requests: ClaimRequest[], limit: number): Promise<Lease[]> {
  for (const r of requests) {
    if (!Number.isInteger(r.ttlMs) || r.ttlMs <= 0) throw new RangeError(`a lease needs a positive ttlMs: ${r.ttlMs}`);
  }
  // One request per id (the first: the most urgent), as the statements index the arrays by id.
  requests = requests.filter((r, i) => requests.findIndex((o) => o.migrationId === r.migrationId) === i);
  if (requests.length === 0 || limit <= 0) return [];
  const ids = requests.map((r) => r.migrationId);
  const nonces = requests.map((r) => r.nonce);
  const clock = host.clock();
  return grantOrNothing(host, async (c) => {
    // The due-time guard of each request (core/due.ts notMovedLater): checked, and the due time its claimer saw.
    const checked = requests.map((r) => r.seenDueAt !== undefined);
    const seen = requests.map((r) => r.seenDueAt ?? null);
    const free = await c.query<{ id: string }>(LOCK_FREE, [ids, limit, clock, nonces, checked, seen]);
    if (free.rows.length === 0) return [];
    const granted = free.rows.map((r) => r.id);
    const params = [ids, granted, clock, nonces, requests.map((r) => r.holder), requests.map((r) => r.ttlMs)];
    const rows = (await c.query<LeaseRowData>(GRANT, params)).rows;
    const order = new Map(ids.map((id, i) => [id, i]));
    return rows.map(toLease).sort((a, b) => order.get(a.migrationId)! - order.get(b.migrationId)!);
  });
}

/**
 * The claim locks migration rows, then lease rows; a transition takes its lease row, then its migration row.
 * When the two meet over one migration (its lease expiring just as its runner writes), the server breaks the
 * deadlock by aborting one: if it is the claim, nothing was granted, and the next pass claims again.
 */
async function grantOrNothing(host: LeaseHost, claim: (c: PoolClient) => Promise<Lease[]>): Promise<Lease[]> {
  try {
    return await host.tx(claim);
  } catch (err) {
    if ((err as { code?: unknown } | null)?.code === DEADLOCK) return [];
    throw err;
  }
}
