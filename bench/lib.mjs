// Shared helpers of the benchmark scripts. Plain ESM, no dependencies beyond what the project ships: every
// script imports the built code from dist/ (run `npm run build` first).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist');

/** Imports a module of the build (`dist/<rel>`), with a clear message when the build is missing. */
export async function fromDist(rel) {
  const file = path.join(DIST, rel);
  if (!existsSync(file)) {
    console.error(`bench: ${path.relative(ROOT, file)} is missing; run \`npm run build\` first`);
    process.exit(2);
  }
  return import(pathToFileURL(file).href);
}

export function tempDir(prefix = 'cutover-bench-') {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

export function median(values) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const max = (values) => values.reduce((a, b) => Math.max(a, b), -Infinity);
export const min = (values) => values.reduce((a, b) => Math.min(a, b), Infinity);

/** Nearest-rank quantile. */
export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

export const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 2 : 1)} ms` : String(v));
export const ratio = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : String(v));
export const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export function sleep(msec) {
  return new Promise((resolve) => setTimeout(resolve, msec));
}

/** One line per check: the figure, the target and PASS/MISS. Returns the check for the summary. */
export function check(name, value, target, ok, unit = '') {
  const line = `  ${ok ? 'PASS' : 'MISS'}  ${name}: ${value}${unit}  (target ${target})`;
  console.log(line);
  return { name, value, target, ok };
}

/** Writes the script's result where bench/run.mjs asked for it (BENCH_RESULT), and always prints it. */
export function finish(bench, result) {
  const payload = { bench, ...result };
  if (process.env.BENCH_RESULT) writeFileSync(process.env.BENCH_RESULT, JSON.stringify(payload, null, 2));
  const misses = (result.checks ?? []).filter((c) => !c.ok);
  console.log(
    `\n${bench}: ${misses.length === 0 ? 'every target met' : `${misses.length} target(s) missed: ${misses.map((c) => c.name).join('; ')}`}`,
  );
}

export function machine() {
  const cpus = os.cpus();
  return {
    nproc: os.availableParallelism?.() ?? cpus.length,
    cpu: cpus[0]?.model ?? 'unknown',
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/**
 * Runs a command to completion; returns {code, stdout, stderr, wallMs, peakRssBytes}. The peak RSS is the
 * kernel's high-water mark (VmHWM) read from /proc while the child runs, plus ru_maxrss-style reading at exit
 * through /usr/bin/time when `timeV` is set and available.
 */
export function runChild(cmd, args, { env = process.env, cwd = ROOT, sampleMs = 20, input } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    const readHwm = () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const m = /VmHWM:\s+(\d+) kB/.exec(status);
        if (m) peak = Math.max(peak, Number(m[1]) * 1024);
      } catch {
        // exited
      }
    };
    const timer = sampleMs > 0 ? setInterval(readHwm, sampleMs) : null;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', () => readHwm());
    child.on('close', (code) => {
      if (timer) clearInterval(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ code, stdout, stderr, wallMs, peakRssBytes: peak });
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

/** Interleaves the commands `rounds` times (so drift hits each alike) and returns each one's wall times. */
export async function timeCommands(commands, rounds, { warmup = 2 } = {}) {
  const times = Object.fromEntries(commands.map((c) => [c.name, []]));
  for (let i = 0; i < warmup + rounds; i++) {
    for (const c of commands) {
      const r = await runChild(c.cmd, c.args, { env: c.env, sampleMs: 0 });
      if (r.code !== (c.expectCode ?? 0)) throw new Error(`${c.name} exited ${r.code}: ${r.stderr.slice(0, 400)}`);
      if (i >= warmup) times[c.name].push(r.wallMs);
    }
  }
  return times;
}

export function argFlag(name) {
  return process.argv.includes(name);
}

export function argValue(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

export const silent = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Starts the emulator in a child process (bench/emulator-child.mjs) and returns its URL and a client of its
 * control API: resolve(key), world(org), setLatency(ms), reset(). close() ends the child.
 */
export async function emulatorProcess(options = {}) {
  const child = spawn(process.execPath, [path.join(ROOT, 'bench', 'emulator-child.mjs'), JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const m = /EMULATOR (\S+)/.exec(buf);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`emulator exited ${code}`)));
  });
  const call = async (method, p, body) => {
    const res = await fetch(`${url}/_emulator${p}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`emulator control ${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    url,
    pid: child.pid,
    resolve: (key, opts = {}) => call('POST', `/tickets/${encodeURIComponent(key)}/resolve`, opts),
    world: (org) => call('GET', `/world${org ? `?org=${encodeURIComponent(org)}` : ''}`),
    setLatency: (msec) => call('POST', '/latency', { ms: msec }),
    reset: () => call('POST', '/reset', {}),
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The engine wired like test/integration/helpers.ts: real clients over real sockets, a real SQLite file. */
export async function engineRig(emulatorUrl, dbFile, { timeoutMs = 5000, holder = 'bench@local:1' } = {}) {
  const { emulatorEnv } = await fromDist('emulator/index.js');
  const { validateConfig } = await fromDist('core/config.js');
  const { createServices } = await fromDist('adapters/services.js');
  const { openStore } = await fromDist('adapters/sqlite/store.js');
  const { Engine } = await fromDist('engine/engine.js');
  const { DEFAULT_SETTINGS } = await fromDist('engine/types.js');
  const { systemClock } = await fromDist('adapters/clock.js');
  const env = emulatorEnv(emulatorUrl);
  const { config, errors } = validateConfig({ ...env, CUTOVER_HTTP_TIMEOUT_MS: String(timeoutMs) });
  if (errors.length > 0) throw new Error(errors.join('; '));
  const store = openStore(dbFile);
  // Every store write, timed (wall-clock start and duration), so a benchmark can say how much of a window
  // was spent waiting on SQLite (an fsync per commit with synchronous=FULL).
  const writes = [];
  for (const name of [
    'commitTransition',
    'recordIntent',
    'recordOutcome',
    'appendJournal',
    'acquireLease',
    'releaseLease',
  ]) {
    const original = store[name].bind(store);
    store[name] = async (...args) => {
      const startedAt = Date.now();
      const t0 = performance.now();
      try {
        return await original(...args);
      } finally {
        writes.push({ name, startedAt, ms: performance.now() - t0 });
        if (writes.length > 10_000) writes.splice(0, 5_000);
      }
    };
  }
  const engines = new Map();
  /** One engine per org, as the CLI's runtime builds them (services carry the org header). */
  const engineFor = (orgId) => {
    if (!engines.has(orgId)) {
      const perOrg = { ...config, platform: { ...config.platform, orgId } };
      const services = createServices(perOrg, { logger: silent, retryBaseMs: 20, retryCapMs: 200 });
      engines.set(
        orgId,
        new Engine({
          store,
          services,
          clock: systemClock,
          logger: silent,
          holder,
          settings: DEFAULT_SETTINGS,
          env: {},
        }),
      );
    }
    return engines.get(orgId);
  };
  return { store, env, engineFor, writes, close: () => store.close() };
}

/** A plan for an emulated org (its legacy audiences, ECID, Audience Manager), polling every `pollMs`. */
export async function emulatorPlan(world, pollMs) {
  const { validatePlan } = await fromDist('core/plan.js');
  const audiences = world.aam.legacySegments.map((s) => s.integrationCode).filter(Boolean);
  const { plan, errors } = validatePlan({
    orgId: world.orgId,
    audiences,
    identities: [{ source: 'ECID', target: 'ECID' }],
    solutions: ['audience_manager'],
    destination: { name: 'Experience Cloud Audiences', description: 'benchmark' },
    jira: { projectKey: 'CC', issueType: 'Task' },
  });
  if (!plan) throw new Error(JSON.stringify(errors));
  // Below the 5 s a plan file may ask for, as the integration tests do, to keep the benchmark short.
  plan.polling = {
    ...plan.polling,
    ticketIntervalMs: pollMs,
    verifyIntervalMs: Math.max(pollMs, 300),
    maxAttempts: 10,
    retryBaseMs: 100,
  };
  return plan;
}

export function orgId(n, prefix = 'BENCH') {
  return `${prefix}${String(n).padStart(24 - prefix.length, '0')}@AdobeOrg`;
}

/**
 * Engines over a store the caller opened (a team store, say), one per org as engineRig builds them; for
 * creating drafts. The caller closes the store.
 */
export async function storeEngines(emulatorUrl, store, { timeoutMs = 5000, holder = 'bench@local:1' } = {}) {
  const { emulatorEnv } = await fromDist('emulator/index.js');
  const { validateConfig } = await fromDist('core/config.js');
  const { createServices } = await fromDist('adapters/services.js');
  const { Engine } = await fromDist('engine/engine.js');
  const { DEFAULT_SETTINGS } = await fromDist('engine/types.js');
  const { systemClock } = await fromDist('adapters/clock.js');
  const { config, errors } = validateConfig({
    ...emulatorEnv(emulatorUrl),
    CUTOVER_HTTP_TIMEOUT_MS: String(timeoutMs),
  });
  if (errors.length > 0) throw new Error(errors.join('; '));
  return (orgId) => {
    const perOrg = { ...config, platform: { ...config.platform, orgId } };
    const services = createServices(perOrg, { logger: silent, retryBaseMs: 20, retryCapMs: 200 });
    const deps = { store, services, clock: systemClock, logger: silent, holder, settings: DEFAULT_SETTINGS };
    return new Engine({ ...deps, env: {} });
  };
}

/** The most instants in any window of `windowMs` (sliding, over every instant); `times` in any order. */
export function maxPerWindow(times, windowMs = 1000) {
  const s = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[i] - s[j] >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/**
 * The orgs with a duplicate write, from the emulator's world of each (more than one flow, ticket, or create of
 * a connection than one migration makes, or a violation the emulator recorded): { count, examples }.
 */
export async function worldDuplicates(emulator, orgs) {
  let count = 0;
  const examples = [];
  for (const org of orgs) {
    const w = await emulator.world(org);
    const req = w.counters.requests;
    const bad = [];
    if (w.flows.length > 1 || (req['flows.create'] ?? 0) > 1)
      bad.push(`flows ${w.flows.length}, flows.create ${req['flows.create']}`);
    if (w.tickets.length > 1) bad.push(`tickets ${w.tickets.length}`);
    if ((req['connections.create'] ?? 0) > 2) bad.push(`connections.create ${req['connections.create']}`);
    for (const k of ['sourceConnections.create', 'targetConnections.create'])
      if ((req[k] ?? 0) > 1) bad.push(`${k} ${req[k]}`);
    if (w.violations.length > 0) bad.push(`violations: ${w.violations.join('; ')}`);
    if (bad.length > 0) {
      count++;
      if (examples.length < 5) examples.push(`${org}: ${bad.join(', ')}`);
    }
  }
  return { count, examples };
}
