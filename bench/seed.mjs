// Seeds a database for the report benchmark straight into the schema of migrations/0001_init.sql: the file is
// created and migrated by the store's own opener (so the schema is the real one), then filled in ONE
// transaction through prepared statements: migrations (plan, snapshot, summary columns), marks and journal
// rows (10 per migration, so 100,000 migrations hold a million journal rows).
//
// Deterministic (a seeded PRNG): the same count gives the same data.
//
//   node bench/seed.mjs FILE COUNT
import { fromDist } from './lib.mjs';

const JOURNAL_PER_MIGRATION = 10;
const DAY = 86_400_000;

function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (ms) => new Date(ms).toISOString();

/** Status mix of a fleet some months in: mostly completed, some waiting on Customer Care, a few stuck. */
function statusFor(r) {
  if (r < 0.82) return ['completed', 'completed'];
  if (r < 0.9) return ['waiting', 'awaiting_resolution.sleeping'];
  if (r < 0.94) return ['active', 'verifying.sleeping'];
  if (r < 0.97) return ['needs_attention', 'needs_attention'];
  return ['cancelled', 'cancelled'];
}

export async function seedReportDb(file, count, { seed = 42 } = {}) {
  const { openStore } = await fromDist('adapters/sqlite/store.js');
  const { openDatabase } = await fromDist('adapters/sqlite/open.js');
  await openStore(file).close(); // creates and migrates: the real schema
  const db = openDatabase(file);
  db.pragma('synchronous = OFF'); // seeding only: the benchmark data need not survive a power cut
  const rnd = prng(seed);
  const insMigration =
    db.prepare(`INSERT INTO migrations (id, org_id, plan, snapshot, machine_version, xstate_version, state, status,
      created_at, updated_at, progress_at, attempts, last_error, ticket_key)
    VALUES (?, ?, ?, ?, '1', '5.33.3', ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insMark = db.prepare(
    'INSERT INTO marks (migration_id, name, at, source, override_by, override_reason, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insJournal = db.prepare(
    'INSERT INTO journal (migration_id, kind, at, name, actor, reason, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const start = Date.parse('2024-01-01T00:00:00Z');
  const span = 700 * DAY;
  const t0 = performance.now();
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = `m-${i.toString(16).padStart(10, '0')}`;
      const org = `ORG${String(i % 5000).padStart(21, '0')}@AdobeOrg`;
      const created = start + Math.floor(rnd() * span);
      const [status, state] = statusFor(rnd());
      const audiences = Array.from(
        { length: 3 + Math.floor(rnd() * 6) },
        (_, k) => `seg-${(i * 7 + k).toString(16).padStart(8, '0')}-aep`,
      );
      const plan = JSON.stringify({
        orgId: org,
        sandbox: 'prod',
        audiences,
        identities: [{ source: 'ECID', target: 'ECID' }],
        solutions: ['audience_manager', 'target'],
        destination: { name: 'Experience Cloud Audiences', description: `fleet migration ${i}`, tokenEnv: 'ECA_TOKEN' },
        alerts: [],
        jira: { projectKey: 'CC', issueType: 'Task' },
        usesDataManagement: false,
        ticketSlaBusinessDays: 6,
        polling: {
          ticketIntervalMs: 60000,
          verifyIntervalMs: 30000,
          verifyTimeoutMs: 259200000,
          maxAttempts: 5,
          retryBaseMs: 2000,
        },
        acceptedChecks: [],
      });
      const filed = created + Math.floor(rnd() * 600_000);
      const stopped = filed + Math.floor((0.5 + rnd() * 9) * DAY);
      const detected = stopped + Math.floor(rnd() * 60_000);
      const established = detected + 80 + Math.floor(rnd() * 400);
      const firstData = established + Math.floor((5 + rnd() * 240) * 60_000);
      const marks = [['ticket_filed', filed, 'jira.created']];
      if (status === 'completed' || status === 'active' || (status === 'needs_attention' && rnd() < 0.5)) {
        marks.push(
          ['legacy_stopped', stopped, 'jira.resolutiondate'],
          ['resolution_detected', detected, 'cutover.clock'],
          ['connection_established', established, 'flowservice.createdAt'],
        );
        if (status === 'completed') marks.push(['first_data', firstData, 'aam.createTime']);
      }
      const last = marks[marks.length - 1][1];
      const snapshot = JSON.stringify({
        status: status === 'completed' || status === 'cancelled' ? 'done' : 'active',
        value: state,
        historyValue: {},
        children: {},
        context: {
          migrationId: id,
          marker: `cutover-${id}`,
          remote: { flowId: `flow-${i}` },
          ticket: { key: `CC-${i + 1}`, id: String(10000 + i), createdAt: iso(filed), attached: false },
          marks: Object.fromEntries(marks.map(([n, at, source]) => [n, { at: iso(at), source }])),
          lastPoll: null,
          waitUntil: null,
          attempts: 0,
          lastError: null,
        },
      });
      const lastError =
        status === 'needs_attention'
          ? JSON.stringify({
              code: 'HTTP_503',
              message: 'Service Unavailable',
              httpStatus: 503,
              at: iso(last),
              retryable: true,
              step: 'verifying',
            })
          : null;
      insMigration.run(
        id,
        org,
        plan,
        snapshot,
        state,
        status,
        iso(created),
        iso(last),
        iso(last),
        status === 'needs_attention' ? 5 : 0,
        lastError,
        `CC-${i + 1}`,
      );
      for (const [name, at, source] of marks) {
        const override = name === 'legacy_stopped' && rnd() < 0.01;
        insMark.run(
          id,
          name,
          iso(at),
          override ? 'operator' : source,
          override ? 'support@example' : null,
          override ? 'resolutiondate missing on the ticket' : null,
          iso(at),
        );
      }
      // Ten journal rows: create, transitions, ticket status observations, marks.
      const names = [
        'CREATE',
        'preflight',
        'staging',
        'filing',
        'ticket_status',
        'ticket_status',
        'mark:legacy_stopped',
        'cutting_over',
        'verifying',
        'completed',
      ];
      for (let j = 0; j < JOURNAL_PER_MIGRATION; j++) {
        const at = created + Math.floor(((last - created) * j) / JOURNAL_PER_MIGRATION);
        const kind =
          j === 0
            ? 'operator'
            : names[j].startsWith('mark:') || names[j] === 'ticket_status'
              ? 'observation'
              : 'transition';
        insJournal.run(
          id,
          kind,
          iso(at),
          names[j],
          j === 0 ? 'admin@example' : null,
          null,
          JSON.stringify({ step: j, from: names[Math.max(0, j - 1)], to: names[j] }),
        );
      }
    }
  })();
  const seedMs = performance.now() - t0;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { seedMs, journalRows: count * JOURNAL_PER_MIGRATION };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, count] = process.argv.slice(2);
  if (!file || !count) {
    console.error('usage: node bench/seed.mjs FILE COUNT');
    process.exit(2);
  }
  const r = await seedReportDb(file, Number(count));
  console.log(
    `seeded ${count} migrations, ${r.journalRows} journal rows into ${file} in ${(r.seedMs / 1000).toFixed(1)} s`,
  );
}
