// Storage failures through the spawned CLI (bin/cutover.cjs): a read-only data folder, a full disk and a
// damaged file each give a message that says what is wrong and what to do, exit 1, and leave the database's
// bytes as they were. The data is a real migration: `cutover demo` in beforeAll, and its support bundle.
// Root ignores permission bits, so the read-only folder is made two ways: the CLI run as `nobody` (runuser), and
// the folder and files made immutable (chattr +i, which binds root too). The full disk is a small tmpfs mounted
// in a private mount namespace (unshare -m), gone when the script ends. Where a way is not available (not root,
// no namespaces, a file system without the immutable flag), its test is skipped with the reason.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/adapters/sqlite/store.js';
import { repoRoot } from '../support/specs.js';
import { sha256File, tempDir } from './helpers.js';

const BIN = path.join(repoRoot, 'bin/cutover.cjs');
const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', CUTOVER_DEBUG: '1' };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const options = { cwd: repoRoot, env: { ...ENV, HOME: dir, ...env }, timeout: 90_000 };
    execFile(command[0]!, command.slice(1), options, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const cutover = (...args: string[]) => run([process.execPath, BIN, ...args]);
const asNobody = (...args: string[]) => run(['runuser', '-u', 'nobody', '--', process.execPath, BIN, ...args]);
const show = (r: Run) => `exit ${r.code}\n--- stderr\n${r.stderr}\n--- stdout\n${r.stdout.slice(0, 2000)}`;

let dir: string;
let source: string;
let empty: string;
let bundle: string;
let id: string;

beforeAll(async () => {
  dir = tempDir();
  fs.chmodSync(dir, 0o755);
  source = path.join(dir, 'source.db');
  const demo = await cutover('demo', '--resolve-after-ms', '100', '--db', source);
  expect(demo.code, show(demo)).toBe(0);
  id = (JSON.parse((await cutover('list', '--json', '--db', source)).stdout) as { id: string }[])[0]!.id;
  bundle = path.join(dir, 'bundle.json');
  expect((await cutover('export', id, '--out', bundle, '--db', source)).code).toBe(0);
  fs.chmodSync(bundle, 0o644);
  empty = path.join(dir, 'empty.db');
  await openStore(empty).close();
}, 120_000);

/** A copy of `file` in `folder`, readable by everyone; the -wal/-shm files of the original are not copied. */
function copyInto(folder: string, file: string, name: string): string {
  fs.mkdirSync(folder, { recursive: true, mode: 0o755 });
  const copy = path.join(folder, name);
  fs.copyFileSync(file, copy);
  fs.chmodSync(copy, 0o644);
  return copy;
}

function whyNoRunuser(): string | null {
  if (process.getuid?.() !== 0) return 'needs root, to run the CLI as the unprivileged user nobody (runuser)';
  const probe = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, BIN, '--version'], { encoding: 'utf8' });
  return probe.status === 0 ? null : `runuser -u nobody cannot run ${BIN}: ${probe.stderr || probe.error?.message}`;
}

function whyNoChattr(): string | null {
  if (process.getuid?.() !== 0) return 'needs root, to make the folder immutable (chattr +i)';
  const probe = fs.mkdtempSync(path.join(dir, 'chattr-'));
  const set = spawnSync('chattr', ['+i', probe], { encoding: 'utf8' });
  spawnSync('chattr', ['-i', probe]);
  return set.status === 0 ? null : `chattr +i is not supported here: ${set.stderr || set.error?.message}`;
}

/** Two ways to make a folder read-only for its reader, as root: another account, or the immutable flag. */
interface ReadOnlyWay {
  why: () => string | null;
  user: () => string;
  cli: (...args: string[]) => Promise<Run>;
  lock: (paths: string[]) => void;
  unlock: (paths: string[]) => void;
}

const chattr = (flag: string) => (paths: string[]) => {
  expect(spawnSync('chattr', [flag, ...paths]).status).toBe(0);
};
const WAYS: [string, ReadOnlyWay][] = [
  [
    'run as user nobody, the folder owned by root',
    {
      why: whyNoRunuser,
      user: () => 'nobody',
      cli: asNobody,
      lock: () => {},
      unlock: () => {},
    },
  ],
  [
    'the folder and files immutable (chattr +i)',
    {
      why: whyNoChattr,
      user: () => os.userInfo().username,
      cli: cutover,
      lock: chattr('+i'),
      unlock: chattr('-i'),
    },
  ],
];

describe('a read-only data folder', () => {
  it.for(WAYS)('%s: list and show read it; import names what is not writable; nothing changes', async (each, ctx) => {
    const way = each[1];
    const reason = way.why();
    if (reason) return ctx.skip(reason);
    const folder = fs.mkdtempSync(path.join(dir, 'read-only-'));
    fs.chmodSync(folder, 0o755);
    const state = copyInto(folder, source, 'state.db');
    const target = copyInto(folder, empty, 'empty.db');
    const before = [sha256File(state), sha256File(target), fs.readdirSync(folder).sort()];
    way.lock([state, target, folder]);
    try {
      const list = await way.cli('list', '--db', state);
      expect(list.code, show(list)).toBe(0);
      expect(list.stdout).toContain(id);
      const shown = await way.cli('show', id, '--db', state);
      expect(shown.code, show(shown)).toBe(0);
      expect(shown.stdout).toContain(`migration ${id}`);

      const imported = await way.cli('import', bundle, '--db', target);
      expect(imported.code, show(imported)).toBe(1);
      expect(imported.stderr).toContain(
        `error: ${target}: cannot write the database: the file ${target} and the folder ${folder} are not writable ` +
          `by user ${way.user()}; nothing was changed`,
      );
      expect(imported.stderr).toMatch(/hint: make .* writable by user .*point --db \(CUTOVER_DB\) at a writable/);
    } finally {
      way.unlock([state, target, folder]);
    }
    expect([sha256File(state), sha256File(target), fs.readdirSync(folder).sort()]).toEqual(before);
  });
});

function whyNoTmpfs(probeDir: string): string | null {
  if (process.getuid?.() !== 0) return 'needs root, to mount a small tmpfs as a full disk';
  const mount = `mount -t tmpfs -o size=64k tmpfs '${probeDir}'`;
  const probe = spawnSync('unshare', ['-m', 'sh', '-c', mount], { encoding: 'utf8' });
  const why = probe.stderr || probe.error?.message;
  return probe.status === 0 ? null : `cannot mount a tmpfs in a private mount namespace (unshare -m): ${why}`;
}

/**
 * In a private mount namespace: a 256 KB tmpfs holding a copy of the empty database, filled up to `leftKb`, then
 * `import` and `list` against it. Outputs, exit codes and the database's hashes are written outside the tmpfs.
 */
function fullDiskScript(disk: string, out: string, leftKb: number): string {
  const db = `${disk}/state.db`;
  const cli = (name: string, args: string) =>
    `'${process.execPath}' '${BIN}' ${args} --db '${db}' >'${out}/${name}.out' 2>'${out}/${name}.err'; ` +
    `echo $? >'${out}/${name}.code'`;
  return [
    `mount -t tmpfs -o size=256k tmpfs '${disk}' || exit 97`,
    `cp '${empty}' '${db}'`,
    `free=$(df -k '${disk}' | awk 'NR==2 {print $4}')`,
    `fill=$((free - ${leftKb}))`,
    `[ "$fill" -gt 0 ] && dd if=/dev/zero of='${disk}/filler' bs=1k count="$fill" 2>/dev/null`,
    `sha256sum '${db}' | cut -d' ' -f1 >'${out}/before.sha'`,
    cli('import', `import '${bundle}'`),
    cli('list', 'list'),
    `sha256sum '${db}' | cut -d' ' -f1 >'${out}/after.sha'`,
  ].join('\n');
}

describe('a full disk', () => {
  // 0 KB left: SQLite cannot even create the -shm file ("disk I/O error"); 40 KB: it can, then the write-ahead
  // log cannot grow ("database or disk is full"). Both are the same situation for the person at the keyboard.
  it.for<[number, RegExp]>([
    [0, /cause: SqliteError: disk I\/O error/],
    [40, /cause: SqliteError: database or disk is full/],
  ])('%i KB left: import says the disk is full, nothing is written; list still reads', async ([leftKb, cause], ctx) => {
    const disk = fs.mkdtempSync(path.join(dir, 'disk-'));
    const reason = whyNoTmpfs(disk);
    if (reason) return ctx.skip(reason);
    const out = fs.mkdtempSync(path.join(dir, 'out-'));
    const script = await run(['unshare', '-m', 'sh', '-c', fullDiskScript(disk, out, leftKb)]);
    expect(script.code, show(script)).toBe(0);
    const read = (name: string) => fs.readFileSync(path.join(out, name), 'utf8').trim();

    expect(read('import.code'), read('import.err')).toBe('1');
    const full = `^error: ${disk}/state\\.db: the disk is full \\(\\d+ (bytes|KB) free at ${disk}\\); nothing was written$`;
    expect(read('import.err')).toMatch(new RegExp(full, 'm'));
    expect(read('import.err')).toContain(`hint: free some space on that disk (df -h ${disk}), or point --db`);
    expect(read('import.err')).toMatch(cause);
    expect(read('after.sha')).toBe(read('before.sha'));
    expect(read('list.code'), read('list.err')).toBe('0');
    expect(read('list.out')).toContain('no migrations');
  });
});

/** Zeroes every page of the journal table, where `show` reads and `list` does not. */
function zeroJournalPages(file: string): number[] {
  const db = new Database(file, { readonly: true });
  const pages = db.prepare<[], { pageno: number }>("SELECT pageno FROM dbstat WHERE name = 'journal'").all();
  db.close();
  const fd = fs.openSync(file, 'r+');
  for (const { pageno } of pages) fs.writeSync(fd, Buffer.alloc(4096), 0, 4096, (pageno - 1) * 4096);
  fs.closeSync(fd);
  return pages.map((p) => p.pageno);
}

describe('a database with zeroed pages', () => {
  it('list still works; show says the file is damaged and how to recover; the bytes are unchanged', async () => {
    const file = copyInto(path.join(dir, 'damaged'), source, 'state.db');
    expect(zeroJournalPages(file).length).toBeGreaterThan(0);
    const before = sha256File(file);

    const list = await cutover('list', '--db', file);
    expect(list.code, show(list)).toBe(0);
    expect(list.stdout).toContain(id);
    const shown = await cutover('show', id, '--db', file);
    expect(shown.code, show(shown)).toBe(1);
    const damaged =
      `^error: ${file} is damaged \\(SQLITE_CORRUPT: database disk image is malformed\\); ` +
      'cutover changed nothing$';
    expect(shown.stderr).toMatch(new RegExp(damaged, 'm'));
    expect(shown.stderr).toContain('hint: restore the file from a backup, or `cutover import` a support bundle');
    expect(shown.stderr).toContain(`\`sqlite3 ${file} .recover | sqlite3 recovered.db\``);
    expect(sha256File(file)).toBe(before);
  });
});
