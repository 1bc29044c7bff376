// The durable step on the team store: PostgresStore.commitTransition (one statement: cutover.commit_transition,
// fenced, snapshot + summary + marks + journal rows) against a bare insert of the same bytes, in one statement,
// over the same connection (a pool of one). Both commit once per step with the server's default durability
// (fsync on, synchronous_commit on). Interleaved commit by commit; the ratio is taken per round, its median kept.
// Target: ≥ 0.5× the bare insert's throughput.
//
//   node bench/pg-durable-step.mjs [--rounds 7] [--commits 200]
import { argValue, check, finish, fromDist, machine, max, median, min, ratio } from './lib.mjs';
import { benchPostgres } from './pg-server.mjs';

const ROUNDS = Number(argValue('--rounds', 7));
const COMMITS = Number(argValue('--commits', 200));

const server = await benchPostgres();
if (!server) {
  console.log('pg-durable-step: no PostgreSQL server (install postgresql or set BENCH_PG_URL); not run');
  finish('pg-durable-step', { machine: machine(), figures: {}, checks: [] });
  process.exit(0);
}
try {
  const url = await server.createDatabase('durable');
  const { createPool } = await fromDist('adapters/postgres/connect.js');
  const { migrate } = await fromDist('adapters/postgres/migrator.js');
  const { PostgresStore } = await fromDist('adapters/postgres/store.js');
  const { realisticMigration, realisticTransition } = await import('./fixtures.mjs');
  const pool = await createPool(url, { max: 1 });
  const client = await pool.connect();
  await migrate(client);
  await client.query('CREATE TABLE blobs (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text NOT NULL)');
  client.release();
  const store = new PostgresStore(pool, 'bench');
  const { newMigration, persisted } = await realisticMigration('m-bench00001');
  await store.create(newMigration);
  const lease = await store.acquireLease({
    migrationId: newMigration.id,
    nonce: 'bench',
    holder: 'bench',
    ttlMs: 3_600_000,
  });
  if (!lease.ok) throw new Error('no lease');
  const fence = { nonce: 'bench' };
  const transitions = Array.from({ length: COMMITS }, (_, i) => realisticTransition(newMigration, i, persisted));
  const payloads = transitions.map((t) => [
    JSON.stringify(t.snapshot) +
      JSON.stringify({ state: t.state, status: t.status, at: t.at, ticketKey: t.ticketKey, lastError: t.lastError }),
    ...Object.entries(t.marks).map(([name, m]) => JSON.stringify({ name, ...m })),
    ...t.journal.map((j) => JSON.stringify(j)),
  ]);
  const bare = (bodies) => pool.query('INSERT INTO blobs (body) SELECT unnest($1::text[])', [bodies]);
  const bytesPerCommit = payloads[0].reduce((n, s) => n + Buffer.byteLength(s), 0);
  const storeRate = [];
  const bareRate = [];
  const ratios = [];
  for (let r = 0; r < ROUNDS + 1; r++) {
    let storeMs = 0;
    let bareMs = 0;
    for (let i = 0; i < COMMITS; i++) {
      let t0 = performance.now();
      await store.commitTransition(newMigration.id, transitions[i], fence);
      storeMs += performance.now() - t0;
      t0 = performance.now();
      await bare(payloads[i]);
      bareMs += performance.now() - t0;
    }
    if (r === 0) continue; // warm-up round
    storeRate.push((COMMITS * 1000) / storeMs);
    bareRate.push((COMMITS * 1000) / bareMs);
    ratios.push(bareMs / storeMs);
  }
  await store.close();
  console.log(
    `pg durable step: ${COMMITS} commits × ${ROUNDS} rounds, ~${bytesPerCommit} bytes per commit (snapshot + ${transitions[0].journal.length} journal rows + ${Object.keys(transitions[0].marks).length} marks), fenced`,
  );
  console.log(
    `  baseline  bare insert, same bytes, one statement, same connection: median ${median(bareRate).toFixed(0)} commits/s (min ${min(bareRate).toFixed(0)}, max ${max(bareRate).toFixed(0)})`,
  );
  console.log(
    `  measured  PostgresStore.commitTransition:                       median ${median(storeRate).toFixed(0)} commits/s (min ${min(storeRate).toFixed(0)}, max ${max(storeRate).toFixed(0)})`,
  );
  console.log(`  ratio per round: ${ratios.map((x) => x.toFixed(2)).join(', ')}`);
  const checks = [
    check('PostgreSQL commitTransition / bare insert', ratio(median(ratios)), '≥ 0.50×', median(ratios) >= 0.5),
  ];
  finish('pg-durable-step', {
    machine: machine(),
    figures: {
      commits: COMMITS,
      rounds: ROUNDS,
      bytesPerCommit,
      storeCommitsPerSec: median(storeRate),
      bareCommitsPerSec: median(bareRate),
      ratioMedian: median(ratios),
      ratios,
    },
    checks,
  });
} finally {
  await server.stop();
}
