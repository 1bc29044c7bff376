// The analysis of bench/pg-fleet.mjs: the lease journal a trigger keeps on the team store, each worker's drive
// log (BENCH_FLEET_TRACE lines of bench/fleet-watch-child.mjs), and from both, the double drives.
import { maxPerWindow } from './lib.mjs';

/**
 * Installs a journal of the store's lease rows (bench-owned, in the public schema): every acquire (insert),
 * release (delete) and change of holder (update to another nonce: an expired lease taken by another runner, or
 * a dead holder's taken over), stamped with the server's clock at the write. Heartbeats are not logged.
 */
export async function installLeaseLog(client) {
  await client.query(`
    CREATE TABLE public.bench_lease_log (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT clock_timestamp(), op text NOT NULL, migration_id text NOT NULL,
      old_nonce text, old_holder text, new_nonce text, new_holder text);
    CREATE FUNCTION public.bench_log_lease() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO public.bench_lease_log (op, migration_id, new_nonce, new_holder)
        VALUES ('acquire', NEW.migration_id, NEW.nonce, NEW.holder);
      ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO public.bench_lease_log (op, migration_id, old_nonce, old_holder)
        VALUES ('release', OLD.migration_id, OLD.nonce, OLD.holder);
      ELSE
        INSERT INTO public.bench_lease_log (op, migration_id, old_nonce, old_holder, new_nonce, new_holder)
        VALUES ('replace', NEW.migration_id, OLD.nonce, OLD.holder, NEW.nonce, NEW.holder);
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER bench_lease_log AFTER INSERT OR DELETE ON cutover.leases
      FOR EACH ROW EXECUTE FUNCTION public.bench_log_lease();
    CREATE TRIGGER bench_lease_replace AFTER UPDATE ON cutover.leases
      FOR EACH ROW WHEN (OLD.nonce IS DISTINCT FROM NEW.nonce) EXECUTE FUNCTION public.bench_log_lease();`);
}

export async function readLeaseLog(client) {
  const { rows } = await client.query(`SELECT seq, (extract(epoch FROM at) * 1000)::float8 AS at, op, migration_id,
    old_nonce, old_holder, new_nonce, new_holder FROM public.bench_lease_log ORDER BY seq`);
  return rows;
}

const pidOf = (holder) => Number(/:(\d+)$/.exec(holder ?? '')?.[1]);

/**
 * One worker's drives from its trace lines, in order: {id, start, end, state}; `end` is null for a drive that
 * did not finish (refused by a lease another worker held, failed, or stopped with the worker).
 */
export function workerDrives(stderr) {
  const drives = [];
  const open = new Map();
  for (const line of stderr.split('\n')) {
    const m = /^TRACE (\d+) (started|finished) (\S+) ?(\S*)/.exec(line);
    if (!m) continue;
    const [, at, kind, id, state] = m;
    if (kind === 'started') {
      const d = { id, start: Number(at), end: null, state: null };
      drives.push(d);
      open.set(id, d);
    } else if (open.has(id)) {
      Object.assign(open.get(id), { end: Number(at), state });
      open.delete(id);
    }
  }
  return drives;
}

/**
 * The double drives, from the lease journal: a lease row of one migration that changed hands while its holder
 * was still driving. A release deletes the holder's own row (primary key: one row per migration), so two
 * holds can only overlap through a change of holder; each is a double drive unless the previous holder's
 * worker had finished that drive before (its lease row was merely left behind), or had exited (a dead holder's
 * lease taken over). Conservative: a drive whose end its live worker did not log counts as still running.
 */
export function doubleDrives(log, workers) {
  const byPid = new Map(workers.map((w) => [w.pid, w.drives]));
  const acquiredAt = new Map();
  const holds = new Map(workers.map((w) => [w.pid, 0]));
  const changes = [];
  const doubles = [];
  for (const row of log) {
    if (row.op === 'release') continue;
    if (row.op === 'replace') changes.push(row);
    acquiredAt.set(row.new_nonce, row.at);
    const pid = pidOf(row.new_holder);
    holds.set(pid, (holds.get(pid) ?? 0) + 1);
  }
  for (const c of changes) {
    const since = acquiredAt.get(c.old_nonce) ?? -Infinity;
    const drives = (byPid.get(pidOf(c.old_holder)) ?? []).filter((d) => d.id === c.migration_id && d.start <= since);
    const last = drives.at(-1);
    // A drive whose worker died (killed) ended by the worker's exit at the latest.
    const end = last?.end ?? workers.find((w) => w.pid === pidOf(c.old_holder))?.exitedAt ?? null;
    if (!last || end === null || end > c.at) doubles.push(c);
  }
  return { holds, changes: changes.length, doubles };
}

/**
 * Per worker: starts, finished drives, migrations driven, cut-overs driven (the drive during which the flow was
 * created: `established` maps a migration to its connection_established instant), starts in any one second.
 */
export function workerSplit(workers, established) {
  return workers.map((w) => {
    const finished = w.drives.filter((d) => d.end !== null);
    const cutOver = (d) => established.has(d.id) && d.start <= established.get(d.id) && established.get(d.id) <= d.end;
    return {
      pid: w.pid,
      starts: w.drives.length,
      finished: finished.length,
      migrations: new Set(finished.map((d) => d.id)).size,
      cutOvers: finished.filter(cutOver).length,
      maxStartsPerSecond: maxPerWindow(w.drives.map((d) => d.start)),
      locked: w.fleet?.summary?.locked ?? null,
      claimedElsewhere: w.fleet?.claimedElsewhere ?? null,
      failed: w.fleet?.summary?.failed ?? null,
      peakRssBytes: w.peakRss,
    };
  });
}

/** How many workers drove each migration at least once (finished drives): {1: n, 2: n, 3: n}. */
export function workersPerMigration(workers) {
  const seen = new Map();
  for (const w of workers)
    for (const d of w.drives) if (d.end !== null) seen.set(d.id, (seen.get(d.id) ?? new Set()).add(w.pid));
  const histogram = {};
  for (const pids of seen.values()) histogram[pids.size] = (histogram[pids.size] ?? 0) + 1;
  return histogram;
}

/**
 * A cross-check of the workers' own logs against the lease journal: each finished drive matched to the lease
 * its worker acquired last before its end (`unmatched`: none found), then the drives of one migration by two workers whose
 * spans overlap, a span taken from that acquire to the drive's logged end (its start event is earlier: a drive
 * waits for one of its worker's pooled connections before it asks for the lease). `rawCount`: the overlaps of
 * the logged spans alone, start event to end event, which that wait inflates. `afterRelease`: overlaps whose
 * later lease was acquired after the earlier one's release in the journal (a hand-over; the end event is logged
 * a moment after the release).
 */
export function logOverlaps(workers, log) {
  const acquires = new Map();
  const releases = new Map();
  for (const row of log) {
    if (row.op === 'release') {
      releases.set(row.old_nonce, row.at);
      continue;
    }
    if (row.op === 'replace') releases.set(row.old_nonce, row.at);
    const key = `${pidOf(row.new_holder)} ${row.migration_id}`;
    acquires.set(key, [...(acquires.get(key) ?? []), { at: row.at, nonce: row.new_nonce }]);
  }
  const spans = new Map();
  let unmatched = 0;
  for (const w of workers)
    for (const d of w.drives) {
      if (d.end === null) continue;
      // The worker's last acquire of this migration before the drive's end: inside the drive when the drive took
      // the lease itself, just before its start event when a claim took it for the drive.
      const hold = (acquires.get(`${w.pid} ${d.id}`) ?? []).findLast((a) => a.at <= d.end);
      if (hold === undefined) unmatched++;
      const released = hold ? (releases.get(hold.nonce) ?? Infinity) : Infinity;
      const span = { pid: w.pid, start: hold?.at ?? d.start, logged: d.start, end: d.end, released };
      spans.set(d.id, [...(spans.get(d.id) ?? []), span]);
    }
  const overlaps = (from) => {
    let count = 0;
    let afterRelease = 0;
    let longestMs = 0;
    for (const list of spans.values()) {
      list.sort((a, b) => from(a) - from(b));
      for (let i = 0; i < list.length; i++)
        for (let j = i + 1; j < list.length && from(list[j]) < list[i].end; j++) {
          if (list[j].pid === list[i].pid) continue;
          count++;
          if (list[j].start >= list[i].released) afterRelease++;
          longestMs = Math.max(longestMs, Math.min(list[i].end, list[j].end) - from(list[j]));
        }
    }
    return { count, afterRelease, longestMs };
  };
  const held = overlaps((x) => x.start);
  return { unmatched, ...held, rawCount: overlaps((x) => x.logged).count };
}
