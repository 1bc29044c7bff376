// The team store from the spawned CLI, process after process as support engineers on different machines would
// use it: a migration started by one process is listed, shown, resumed and reported by others; the demo runs on
// it; doctor describes it. Every child runs with CUTOVER_DEBUG=http, and nothing any of them prints carries the
// store's password.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { emulatorPlan } from '../integration/helpers.js';
import { describeRun } from '../reliability/harness/cli.js';
import { customerCare, type Rig, startRig } from '../reliability/harness/rig.js';
import { describeWithPostgres, PG_PASSWORD, type PgServer, startPostgres } from '../support/postgres.js';

describeWithPostgres('the CLI on a PostgreSQL team store', () => {
  let server: PgServer;
  let rig: Rig;
  let url: string;
  const printed: string[] = [];
  const cli = async (args: string[], extra: Record<string, string> = {}) => {
    const run = await rig.cli(args, { CUTOVER_DEBUG: 'http', ...extra }, { db: url });
    printed.push(run.stdout, run.stderr);
    return run;
  };
  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase('cli');
    rig = await startRig();
  });
  afterAll(async () => {
    await rig?.close();
    await server?.stop();
  });

  it('a migration started by one process is listed, shown, resumed and reported by others', async () => {
    const planFile = join(rig.dir, 'plan.json');
    const plan = emulatorPlan(rig.emulator);
    // A plan file is held to the shortest intervals a real org allows.
    plan.polling = { ...plan.polling, ticketIntervalMs: 5_000, verifyIntervalMs: 5_000 };
    writeFileSync(planFile, JSON.stringify(plan));
    const started = await cli(['start', '--plan', planFile, '--yes', '--no-follow']);
    expect([0, 6], describeRun(started)).toContain(started.code);
    const listed = await cli(['list', '--json']);
    expect(listed.code, describeRun(listed)).toBe(0);
    const [row] = JSON.parse(listed.stdout) as { id: string; status: string }[];
    expect(row?.status).toBe('waiting');
    const shown = await cli(['show', row!.id, '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      id: row!.id,
      state: expect.stringMatching(/^awaiting_resolution/),
    });
    const stop = customerCare(rig.emulator, 50);
    try {
      const resumed = await cli(['resume', row!.id, '--follow']);
      expect(resumed.code, describeRun(resumed)).toBe(0);
    } finally {
      stop();
    }
    const report = await cli(['report', '--json']);
    const figures = JSON.parse(report.stdout) as {
      aggregate: { count: number; figures: { downtime: { count: number } } };
    };
    expect(figures.aggregate.count).toBe(1);
    expect(figures.aggregate.figures.downtime.count).toBe(1);
    const flows = rig.emulator.world(emulatorPlan(rig.emulator).orgId).flows;
    expect(flows).toHaveLength(1);
  }, 120_000);

  it('runs the demo to completion on the team store, naming it with the password masked', async () => {
    const demo = await cli(['demo', '--json', '--resolve-after-ms', '200']);
    expect(demo.code, describeRun(demo)).toBe(0);
    const result = JSON.parse(demo.stdout) as { status: string; db: string };
    expect(result.status).toBe('completed');
    expect(result.db).toBe(url.replace(PG_PASSWORD, '****'));
  }, 60_000);

  it('doctor names the store, its schema version and round trip, password masked', async () => {
    const doctor = await cli(['doctor', '--json', '--timeout', '2']);
    const { store } = JSON.parse(doctor.stdout) as { store: Record<string, unknown> };
    expect(store).toMatchObject({ kind: 'postgres', ok: true, schemaVersion: '0002_due_at' });
    expect(store.location).toBe(url.replace(PG_PASSWORD, '****'));
    expect(store.roundTripMs).toEqual(expect.any(Number));
  });

  it('takes the password from PGPASSWORD when the URL has none', async () => {
    const bare = url.replace(`:${PG_PASSWORD}@`, '@');
    const run = await rig.cli(['list', '--json'], { PGPASSWORD: PG_PASSWORD }, { db: bare });
    expect(run.code, describeRun(run)).toBe(0);
    expect((JSON.parse(run.stdout) as unknown[]).length).toBeGreaterThan(0);
  });

  it('takes the password from ~/.pgpass when neither the URL nor PGPASSWORD has one', async () => {
    const bare = url.replace(`:${PG_PASSWORD}@`, '@');
    const { port, pathname } = new URL(url);
    writeFileSync(join(rig.dir, '.pgpass'), `127.0.0.1:${port}:${pathname.slice(1)}:postgres:${PG_PASSWORD}\n`, {
      mode: 0o600,
    });
    const run = await rig.cli(['list', '--json'], {}, { db: bare });
    expect(run.code, describeRun(run)).toBe(0);
  });

  it('runs a watch pass over the team store', async () => {
    const watch = await cli(['watch', '--once', '--json']);
    expect(watch.code, describeRun(watch)).toBe(0);
    expect(JSON.parse(watch.stdout)).toEqual(expect.any(Object));
  });

  it('sets a new team store up in one command', async () => {
    const fresh = await server.createDatabase('fresh');
    const run = await rig.cli(['store', 'init'], { CUTOVER_DEBUG: 'http' }, { db: fresh });
    printed.push(run.stdout, run.stderr);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toBe(`store ready: ${fresh.replace(PG_PASSWORD, '****')} (schema 0002_due_at)\n`);
  });

  it('exports a bundle from the team store that imports into a SQLite file and into another team store', async () => {
    const [first] = JSON.parse((await cli(['list', '--json'])).stdout) as { id: string }[];
    const bundle = join(rig.dir, 'bundle.json');
    expect((await cli(['export', first!.id, '--out', bundle])).code).toBe(0);
    const local = await rig.cli(['import', bundle], {}, { db: join(rig.dir, 'imported.db') });
    expect(local.code, describeRun(local)).toBe(0);
    const other = await server.createDatabase('imported');
    const team = await rig.cli(['import', bundle], {}, { db: other });
    expect(team.code, describeRun(team)).toBe(0);
    const shown = await rig.cli(['show', first!.id, '--json'], {}, { db: other });
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: first!.id, status: 'completed' });
  });

  it('printed the password nowhere, in any output of any process', () => {
    expect(printed.join('\n')).toContain('****');
    expect(printed.join('\n')).not.toContain(PG_PASSWORD);
  });
});
