// The baseline of the PostgreSQL report benchmark: the same figures as `cutover report` (count; per figure count,
// max, total, nearest-rank median and p95 (percentile_disc); downtime histogram) in raw SQL on the server, with no
// JavaScript in the loop (business days left out: they need the calendar), in one read-only transaction.
//
//   node bench/pg-raw-aggregate.mjs URL
import pg from 'pg';

const [url] = process.argv.slice(2);
const MARKS = {
  ticket_filed: 'f',
  legacy_stopped: 's',
  resolution_detected: 'd',
  connection_established: 'c',
  first_data: 'x',
};
const joins = Object.entries(MARKS)
  .map(([n, a]) => `LEFT JOIN cutover.marks ${a} ON ${a}.migration_id = m.id AND ${a}.name = '${n}'`)
  .join('\n');
const d = (from, to) => `round(extract(epoch FROM (${to}.at::timestamptz - ${from}.at::timestamptz)) * 1000)`;
const figures = {
  downtime: d('s', 'c'),
  detectionLag: d('s', 'd'),
  executionTime: d('d', 'c'),
  dataGap: d('s', 'x'),
  turnaroundMs: d('f', 's'),
};
const client = new pg.Client({ connectionString: url });
await client.connect();
const t0 = performance.now();
await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
const per = Object.keys(figures)
  .map(
    (f) => `count(${f}) AS ${f}_count, max(${f}) AS ${f}_max, sum(${f}) AS ${f}_total,
      percentile_disc(0.5) WITHIN GROUP (ORDER BY ${f}) AS ${f}_median,
      percentile_disc(0.95) WITHIN GROUP (ORDER BY ${f}) AS ${f}_p95`,
  )
  .join(',\n');
const { rows } = await client.query(`WITH measures AS (
    SELECT m.status, ${Object.entries(figures)
      .map(([k, v]) => `${v} AS ${k}`)
      .join(', ')} FROM cutover.migrations m ${joins})
  SELECT count(*) AS count, count(*) FILTER (WHERE status = 'needs_attention') AS attention, ${per},
    count(*) FILTER (WHERE downtime < 0) AS neg, count(*) FILTER (WHERE downtime >= 0 AND downtime < 60000) AS b1,
    count(*) FILTER (WHERE downtime >= 60000 AND downtime < 300000) AS b2,
    count(*) FILTER (WHERE downtime >= 300000 AND downtime < 3600000) AS b3,
    count(*) FILTER (WHERE downtime >= 3600000) AS b4
  FROM measures`);
await client.query('COMMIT');
const ms = performance.now() - t0;
await client.end();
process.stdout.write(
  `${JSON.stringify({ ms, count: Number(rows[0].count), medianDowntime: rows[0].downtime_median })}\n`,
);
