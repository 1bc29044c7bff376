// The baseline of the report benchmark: the same figures as `cutover report` (count; per figure count, max,
// total, nearest-rank median and p95; downtime histogram) computed by one raw SQL pass through better-sqlite3,
// with no JavaScript in the loop (business days are left out: they need the calendar). With --rows it also
// reads every migration's pivoted marks row (what the JSON report lists), without rendering them.
//
//   node bench/raw-aggregate.mjs FILE [--rows]
import Database from 'better-sqlite3';

const [file, flag] = process.argv.slice(2);
const db = new Database(file, { readonly: true });
db.pragma('busy_timeout = 5000');
const MARKS = {
  ticket_filed: 'f',
  legacy_stopped: 's',
  resolution_detected: 'd',
  connection_established: 'c',
  first_data: 'x',
};
const joins = Object.entries(MARKS)
  .map(([n, a]) => `LEFT JOIN marks ${a} ON ${a}.migration_id = m.id AND ${a}.name = '${n}'`)
  .join('\n');
const d = (from, to) => `CAST(ROUND((julianday(${to}.at) - julianday(${from}.at)) * 86400000.0) AS INTEGER)`;
const figures = {
  downtime: d('s', 'c'),
  detectionLag: d('s', 'd'),
  executionTime: d('d', 'c'),
  dataGap: d('s', 'x'),
  turnaroundMs: d('f', 's'),
};
const t0 = performance.now();
db.exec('BEGIN');
db.exec(
  `CREATE TEMP TABLE measures AS SELECT m.status, ${Object.entries(figures)
    .map(([k, v]) => `${v} AS ${k}`)
    .join(', ')} FROM migrations m ${joins}`,
);
const stats = db
  .prepare(`SELECT count(*) AS count, sum(status = 'needs_attention') AS attention,
  ${Object.keys(figures)
    .map((f) => `count(${f}) AS ${f}_count, max(${f}) AS ${f}_max, sum(${f}) AS ${f}_total`)
    .join(', ')},
  sum(downtime < 0) AS neg, sum(downtime >= 0 AND downtime < 60000) AS b1, sum(downtime >= 60000 AND downtime < 300000) AS b2,
  sum(downtime >= 300000 AND downtime < 3600000) AS b3, sum(downtime >= 3600000) AS b4 FROM measures`)
  .get();
const q = {};
for (const f of Object.keys(figures)) {
  const n = stats[`${f}_count`];
  for (const [name, p] of [
    ['median', 0.5],
    ['p95', 0.95],
  ]) {
    q[`${f}_${name}`] =
      db
        .prepare(`SELECT ${f} AS v FROM measures WHERE ${f} IS NOT NULL ORDER BY ${f} LIMIT 1 OFFSET ?`)
        .get(Math.max(0, Math.ceil(p * n) - 1))?.v ?? null;
  }
}
let rows = 0;
if (flag === '--rows') {
  const cols = Object.values(MARKS)
    .map((a) => `${a}.at AS ${a}_at, ${a}.source AS ${a}_source`)
    .join(', ');
  for (const _ of db
    .prepare(
      `SELECT m.id, m.org_id, m.status, m.state, m.ticket_key, m.created_at, ${cols} FROM migrations m ${joins} ORDER BY m.created_at, m.id`,
    )
    .iterate())
    rows++;
}
db.exec('COMMIT');
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ ms, count: stats.count, rows, medianDowntime: q.downtime_median })}\n`);
