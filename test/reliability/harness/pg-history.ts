// What the team store itself says about a run, for the PostgreSQL reliability tests: the history of every lease
// (a trigger the test installs on cutover.leases, stamped by the server, so a lease handed on while its
// holder's was still live shows up), the journal's row ids per migration (nothing written may disappear), and
// the journal's transitions (a second runner driving at once would record a step twice or out of order).
import type { PostgresStore } from '../../../src/adapters/postgres/store.js';

const LEASE_LOG = `
CREATE TABLE public.lease_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, op text NOT NULL, migration_id text NOT NULL,
  old_nonce text, old_expires_at text, new_nonce text, new_acquired_at text,
  at text NOT NULL DEFAULT cutover.iso(clock_timestamp()));
CREATE FUNCTION public.log_lease() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.lease_log (op, migration_id, old_nonce, old_expires_at, new_nonce, new_acquired_at)
  VALUES (TG_OP, COALESCE(NEW.migration_id, OLD.migration_id), OLD.nonce, OLD.expires_at, NEW.nonce,
    NEW.acquired_at);
  RETURN NULL;
END $$;
CREATE TRIGGER lease_log AFTER INSERT OR UPDATE OR DELETE ON cutover.leases
  FOR EACH ROW EXECUTE FUNCTION public.log_lease();`;

export async function installLeaseLog(store: PostgresStore): Promise<void> {
  await store.q(LEASE_LOG, []);
}

interface LeaseChange {
  migration_id: string;
  old_nonce: string;
  old_expires_at: string;
  new_nonce: string;
  new_acquired_at: string;
}

/**
 * Every time a migration's lease passed from one nonce to another while the old one was still live by the
 * server's clock and no TAKEOVER row names the old one: two runners could both have held it. Also the count of
 * lease grants seen, so a test can show the log recorded something.
 */
export async function leaseOverlaps(store: PostgresStore): Promise<{ grants: number; overlaps: string[] }> {
  const [count] = await store.q<{ n: number }>(
    "SELECT count(*)::integer AS n FROM public.lease_log WHERE op = 'INSERT' OR old_nonce <> new_nonce",
    [],
  );
  const changes = await store.q<LeaseChange>(
    `SELECT l.* FROM public.lease_log l WHERE l.op = 'UPDATE' AND l.old_nonce <> l.new_nonce
       AND l.old_expires_at > l.new_acquired_at
       AND NOT EXISTS (SELECT 1 FROM cutover.journal j WHERE j.migration_id = l.migration_id
         AND j.name = 'TAKEOVER' AND j.data->>'lockId' = l.old_nonce)`,
    [],
  );
  const overlaps = changes.map(
    (c) =>
      `${c.migration_id}: ${c.old_nonce} (live until ${c.old_expires_at}) → ${c.new_nonce} at ${c.new_acquired_at}`,
  );
  return { grants: count?.n ?? 0, overlaps };
}

/** The journal's row ids, per migration, in order. */
export async function journalSeqs(store: PostgresStore): Promise<Map<string, number[]>> {
  const rows = await store.q<{ migration_id: string; seqs: number[] }>(
    'SELECT migration_id, array_agg(seq ORDER BY seq) AS seqs FROM cutover.journal GROUP BY migration_id',
    [],
  );
  return new Map(rows.map((r) => [r.migration_id, r.seqs]));
}

/** Row ids of `before` missing from `after`, as "migration: seq" lines. */
export function lostRows(before: Map<string, number[]>, after: Map<string, number[]>): string[] {
  const lost: string[] = [];
  for (const [id, seqs] of before) {
    const now = new Set(after.get(id) ?? []);
    for (const seq of seqs) if (!now.has(seq)) lost.push(`${id}: ${seq}`);
  }
  return lost;
}

/**
 * Transitions that do not follow on from the one before (by top-level state) or repeat an earlier one: what a
 * second runner replaying a step, or one writing from a stale state, leaves behind.
 */
export async function transitionBreaks(store: PostgresStore): Promise<{ transitions: number; breaks: string[] }> {
  const rows = await store.q<{ migration_id: string; seq: number; data: string }>(
    "SELECT migration_id, seq, data FROM cutover.journal WHERE kind = 'transition' ORDER BY migration_id, seq",
    [],
  );
  const breaks: string[] = [];
  const last = new Map<string, string>();
  const seen = new Set<string>();
  for (const r of rows) {
    const { from, to } = JSON.parse(r.data) as { from: string; to: string };
    const top = (s: string) => s.split('.')[0];
    const prev = last.get(r.migration_id);
    if (prev !== undefined && top(from) !== top(prev)) breaks.push(`${r.migration_id}#${r.seq}: ${from} after ${prev}`);
    const key = `${r.migration_id} ${from} ${to}`;
    if (seen.has(key)) breaks.push(`${r.migration_id}#${r.seq}: ${from} → ${to} twice`);
    seen.add(key);
    last.set(r.migration_id, to);
  }
  return { transitions: rows.length, breaks };
}
