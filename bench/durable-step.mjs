// Benchmark 3, the durable step: persisting one transition (SqliteStore.commitTransition: snapshot, summary
// columns, marks and journal rows in one immediate transaction, WAL, synchronous=FULL) against a bare
// better-sqlite3 insert of the same bytes in one transaction on a file opened with the same pragmas.
// Target: commitTransition ≥ 0.5× the bare insert's throughput. The two are interleaved round by round so a
// noisy neighbour hits both alike (commit by commit); the ratio is taken per round and its median reported.
//
//   node bench/durable-step.mjs [--rounds 7] [--commits 200]
import path from 'node:path';
import { argValue, check, finish, fromDist, machine, median, min, max, ratio, removeDir, tempDir } from './lib.mjs';

const ROUNDS = Number(argValue('--rounds', 7));
const COMMITS = Number(argValue('--commits', 200));

const { openStore } = await fromDist('adapters/sqlite/store.js');
const { openDatabase } = await fromDist('adapters/sqlite/open.js');
const { realisticMigration, realisticTransition } = await import('./fixtures.mjs');

const dir = tempDir();
try {
  const store = openStore(path.join(dir, 'store.db'));
  const { newMigration, persisted } = await realisticMigration('m-bench00001');
  await store.create(newMigration);
  const transitions = Array.from({ length: COMMITS }, (_, i) => realisticTransition(newMigration, i, persisted));

  // The baseline: same open (0600, WAL, synchronous=FULL, foreign keys, busy timeout), one table, the same
  // bytes per commit: the snapshot JSON, the summary's JSON columns, each mark and each journal row's JSON.
  const bare = openDatabase(path.join(dir, 'bare.db'));
  bare.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = bare.prepare('INSERT INTO blobs (body) VALUES (?)');
  const payloads = transitions.map((t) => [
    JSON.stringify(t.snapshot) +
      JSON.stringify({ state: t.state, status: t.status, at: t.at, ticketKey: t.ticketKey, lastError: t.lastError }),
    ...Object.entries(t.marks).map(([name, m]) => JSON.stringify({ name, ...m })),
    ...t.journal.map((j) => JSON.stringify(j)),
  ]);
  const bareCommit = bare.transaction((bodies) => {
    for (const body of bodies) insert.run(body);
  });
  const bytesPerCommit = payloads[0].reduce((n, s) => n + Buffer.byteLength(s), 0);

  const storeRate = [];
  const bareRate = [];
  const ratios = [];
  // Each round alternates the two commit by commit (store, bare, store, bare, ...), so fsync latency that
  // drifts during the round (a neighbour's I/O) lands on both alike.
  for (let r = 0; r < ROUNDS + 1; r++) {
    let storeMs = 0;
    let bareMs = 0;
    for (let i = 0; i < COMMITS; i++) {
      let t0 = performance.now();
      await store.commitTransition(newMigration.id, transitions[i]);
      storeMs += performance.now() - t0;
      t0 = performance.now();
      bareCommit.immediate(payloads[i]);
      bareMs += performance.now() - t0;
    }
    if (r === 0) continue; // warm-up round
    storeRate.push((COMMITS * 1000) / storeMs);
    bareRate.push((COMMITS * 1000) / bareMs);
    ratios.push(storeMs > 0 ? bareMs / storeMs : NaN);
  }
  await store.close();
  bare.close();

  console.log(
    `durable step: ${COMMITS} commits × ${ROUNDS} rounds, ~${bytesPerCommit} bytes per commit (snapshot + ${transitions[0].journal.length} journal rows + ${Object.keys(transitions[0].marks).length} marks)`,
  );
  console.log(
    `  baseline  bare insert, same bytes, same pragmas: median ${median(bareRate).toFixed(0)} commits/s (min ${min(bareRate).toFixed(0)}, max ${max(bareRate).toFixed(0)})`,
  );
  console.log(
    `  measured  SqliteStore.commitTransition:         median ${median(storeRate).toFixed(0)} commits/s (min ${min(storeRate).toFixed(0)}, max ${max(storeRate).toFixed(0)})`,
  );
  console.log(`  ratio per round: ${ratios.map((x) => x.toFixed(2)).join(', ')}`);
  const checks = [
    check('commitTransition throughput / bare insert', ratio(median(ratios)), '≥ 0.50×', median(ratios) >= 0.5),
  ];
  finish('durable-step', {
    machine: machine(),
    figures: {
      commits: COMMITS,
      rounds: ROUNDS,
      bytesPerCommit,
      storeCommitsPerSec: median(storeRate),
      bareCommitsPerSec: median(bareRate),
      ratioMedian: median(ratios),
      ratioMin: min(ratios),
      ratios,
    },
    checks,
  });
} finally {
  removeDir(dir);
}
