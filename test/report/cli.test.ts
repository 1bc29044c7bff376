// `cutover report` in-process: data on stdout or --out, messages on stderr, every bad flag a usage error
// (exit 2) naming the flag, and no secret in any report.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { marksAt, runCli, seededDb, tempDir } from './helpers.js';

const BASE = '2026-03-02T09:00:00Z';
let db: string;

beforeAll(async () => {
  db = await seededDb([
    {
      id: 'a',
      orgId: 'A@AdobeOrg',
      marks: marksAt(BASE, { filed: 0, stopped: 1440, detected: 1441, connected: 1442, data: 1460 }),
    },
    {
      id: 'b',
      orgId: 'B@AdobeOrg',
      createdAt: '2026-03-20T10:00:00Z',
      status: 'waiting',
      marks: marksAt('2026-03-20T10:00:00Z', { filed: 0 }),
    },
  ]);
});

describe('cutover report', () => {
  it('prints the table on stdout by default, nothing on stderr', async () => {
    const r = await runCli(['--db', db, 'report']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Downtime report. Scope: all migrations. 2 migrations');
    expect(r.stderr).toBe('');
  });

  it.each([
    [['--since', '2026-13-01'], '--since'],
    [['--until', 'yesterday'], '--until'],
    [['--since', '2026-03-02', '--until', '2026-03-01'], '--since'],
    [['--format', 'pdf'], '--format'],
    [['--status', 'stuck'], '--status'],
    [['--holidays', '/nonexistent/holidays.txt'], '--holidays'],
    [['--out', '/nonexistent-dir/report.html'], '--out'],
    [['--id', 'nope', '--format', 'md'], '--id'],
  ])('%j is a usage error naming %s', async (flags, flag) => {
    const r = await runCli(['--db', db, 'report', ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${flag}`);
    expect(r.stdout).toBe('');
  });

  it('rejects a holidays file with a malformed date, naming the flag and the entry', async () => {
    const file = path.join(tempDir(), 'holidays.txt');
    fs.writeFileSync(file, '2026-03-09\n2026-02-30\n');
    const r = await runCli(['--db', db, 'report', '--holidays', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--holidays .*2026-02-30/);
  });

  it('applies --holidays (lines or JSON) to business days', async () => {
    const file = path.join(tempDir(), 'holidays.txt');
    fs.writeFileSync(file, '# national holidays\n2026-03-03\n');
    const plain = JSON.parse((await runCli(['--db', db, 'report', '--json', '--id', 'a'])).stdout);
    const holiday = JSON.parse(
      (await runCli(['--db', db, 'report', '--format', 'json', '--id', 'a', '--holidays', file])).stdout,
    );
    expect(plain.migrations[0].figures.turnaroundBusinessDays).toBe(1);
    expect(holiday.migrations[0].figures.turnaroundBusinessDays).toBe(0);
    fs.writeFileSync(file, '["2026-03-03"]');
    const json = JSON.parse(
      (await runCli(['--db', db, 'report', '--format', 'json', '--id', 'a', '--holidays', file])).stdout,
    );
    expect(json.holidays).toEqual(['2026-03-03']);
  });

  it('accepts dates and instants with offsets for --since/--until, and filters --org/--status', async () => {
    const ids = async (...flags: string[]) =>
      JSON.parse((await runCli(['--db', db, 'report', '--json', ...flags])).stdout).migrations.map(
        (m: { id: string }) => m.id,
      );
    expect(await ids('--since', '2026-03-10')).toEqual(['b']);
    expect(await ids('--until', '2026-03-20T11:00:00+0100')).toEqual(['a']);
    expect(await ids('--org', 'B@AdobeOrg')).toEqual(['b']);
    expect(await ids('--status', 'completed')).toEqual(['a']);
  });

  it('writes --out (mode 0644), says so on stderr, prints nothing on stdout', async () => {
    const out = path.join(tempDir(), 'report.html');
    const r = await runCli(['--db', db, 'report', '--format', 'html', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`wrote the html report to ${out}`);
    expect(fs.statSync(out).mode & 0o777).toBe(0o644);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^<!doctype html>[\s\S]*<\/html>\n$/);
  });

  it('puts no secret in any report, even when the plan names a token variable', async () => {
    const secret = 'sk-live-5f2e9c1d-never-print-me';
    const secretDb = await seededDb([
      {
        id: 'secretive',
        plan: {
          orgId: 'S@AdobeOrg',
          destination: { name: 'ECA', tokenEnv: 'CUTOVER_ECA_TOKEN' },
          ticketSlaBusinessDays: 6,
        },
        marks: marksAt(BASE, { filed: 0, stopped: 60, connected: 62 }),
      },
    ]);
    const dir = tempDir();
    for (const format of ['table', 'json', 'csv', 'md', 'html']) {
      const out = path.join(dir, `report.${format}`);
      const r = await runCli(['--db', secretDb, 'report', '--format', format, '--out', out], {
        CUTOVER_ECA_TOKEN: secret,
      });
      expect(r.code).toBe(0);
      const text = fs.readFileSync(out, 'utf8');
      expect(text).toContain('secretive');
      expect(text).not.toContain(secret);
      expect(text).not.toContain('CUTOVER_ECA_TOKEN'); // the plan is never copied into a report
      expect(r.stderr).not.toContain(secret);
    }
  });
});
