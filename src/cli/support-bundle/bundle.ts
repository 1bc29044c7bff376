// The support bundle: one migration as a self-contained JSON document, so that a support engineer can take
// over a migration from a dead laptop (`cutover export` there, `cutover import` here, `cutover resume`).
// It carries the versions that wrote it (restore refuses a snapshot of another xstate or machine version),
// and never a secret: every string in it is checked against the configured secret values before writing.
import { MACHINE_VERSION, XSTATE_VERSION } from '../../core/machine-types.js';
import { MIGRATION_STATUSES, type MigrationStatus } from '../../core/types.js';
import { UsageError } from '../../errors.js';
import type { EffectRow, JournalEntry, JournalRow, MigrationRecord } from '../../ports.js';

export const BUNDLE_FORMAT = 'cutover-support-bundle';
export const BUNDLE_FORMAT_VERSION = 1;

export interface SupportBundle {
  format: typeof BUNDLE_FORMAT;
  formatVersion: number;
  exportedAt: string;
  exportedBy: string;
  /** The tool that wrote the bundle; the migration record carries the versions its snapshot was saved with. */
  cutoverVersion: string;
  machineVersion: string;
  xstateVersion: string;
  migration: MigrationRecord;
  journal: JournalRow[];
  effects: EffectRow[];
}

export function buildBundle(input: {
  migration: MigrationRecord;
  journal: JournalRow[];
  effects: EffectRow[];
  exportedAt: string;
  exportedBy: string;
  cutoverVersion: string;
}): SupportBundle {
  return {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    exportedAt: input.exportedAt,
    exportedBy: input.exportedBy,
    cutoverVersion: input.cutoverVersion,
    machineVersion: MACHINE_VERSION,
    xstateVersion: XSTATE_VERSION,
    migration: input.migration,
    journal: input.journal,
    effects: input.effects,
  };
}

/** JSON paths of every string (keys included) containing one of `secrets`; the secret itself is never named. */
export function findSecrets(value: unknown, secrets: readonly string[], path = '$'): string[] {
  if (secrets.length === 0) return [];
  if (typeof value === 'string') return secrets.some((s) => value.includes(s)) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => findSecrets(v, secrets, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [
      ...(secrets.some((s) => k.includes(s)) ? [`${path} (a key)`] : []),
      ...findSecrets(v, secrets, `${path}.${k}`),
    ]);
  }
  return [];
}

// ---------------------------------------------------------------------------------------------- reading
const JOURNAL_KINDS = ['event', 'transition', 'intent', 'outcome', 'observation', 'operator'];

type Obj = Record<string, unknown>;

function malformed(file: string, what: string): UsageError {
  return new UsageError(
    `${file} is not a usable support bundle: ${what}`,
    'export it again with cutover export ID --out FILE',
  );
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks that `o[key]` is of `type` ('string', 'number', 'object', 'array', or 'string|null'). */
function expect(o: Obj, key: string, type: string, where: string, file: string): void {
  const v = o[key];
  const ok = type
    .split('|')
    .some((t) =>
      t === 'null' ? v === null : t === 'array' ? Array.isArray(v) : t === 'object' ? isObj(v) : typeof v === t,
    );
  if (!ok)
    throw malformed(
      file,
      `${where}.${key}: expected ${type}, found ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}`,
    );
}

function checkMigration(m: Obj, file: string): void {
  for (const key of ['id', 'orgId', 'machineVersion', 'xstateVersion', 'state', 'createdAt', 'updatedAt', 'progressAt'])
    expect(m, key, 'string', 'migration', file);
  expect(m, 'status', 'string', 'migration', file);
  if (!MIGRATION_STATUSES.includes(m.status as MigrationStatus))
    throw malformed(
      file,
      `migration.status: expected one of ${MIGRATION_STATUSES.join(', ')}, found ${JSON.stringify(m.status)}`,
    );
  expect(m, 'plan', 'object', 'migration', file);
  expect(m, 'snapshot', 'object', 'migration', file);
  expect(m, 'marks', 'object', 'migration', file);
  expect(m, 'attempts', 'number', 'migration', file);
  expect(m, 'ticketKey', 'string|null', 'migration', file);
  expect(m, 'lastError', 'object|null', 'migration', file);
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(m.id as string))
    throw malformed(file, `migration.id: ${JSON.stringify(m.id)} is not a migration id`);
}

function checkRows(rows: unknown[], keys: [string, string][], where: string, file: string): void {
  rows.forEach((row, i) => {
    if (!isObj(row)) throw malformed(file, `${where}[${i}]: expected an object`);
    for (const [key, type] of keys) expect(row, key, type, `${where}[${i}]`, file);
  });
}

/** Parses and validates a bundle's text; throws UsageError (exit 2) naming the first problem. */
export function parseBundle(text: string, file: string): SupportBundle {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw malformed(file, `not JSON (${(err as Error).message})`);
  }
  if (!isObj(parsed) || parsed.format !== BUNDLE_FORMAT) throw malformed(file, `expected "format": "${BUNDLE_FORMAT}"`);
  if (parsed.formatVersion !== BUNDLE_FORMAT_VERSION)
    throw malformed(
      file,
      `format version ${JSON.stringify(parsed.formatVersion)}; this cutover reads version ${BUNDLE_FORMAT_VERSION}`,
    );
  for (const key of ['exportedAt', 'cutoverVersion', 'machineVersion', 'xstateVersion'])
    expect(parsed, key, 'string', '$', file);
  expect(parsed, 'migration', 'object', '$', file);
  expect(parsed, 'journal', 'array', '$', file);
  expect(parsed, 'effects', 'array', '$', file);
  checkMigration(parsed.migration as Obj, file);
  checkRows(
    parsed.journal as unknown[],
    [
      ['kind', 'string'],
      ['at', 'string'],
      ['name', 'string'],
    ],
    'journal',
    file,
  );
  (parsed.journal as Obj[]).forEach((row, i) => {
    if (!JOURNAL_KINDS.includes(row.kind as string))
      throw malformed(file, `journal[${i}].kind: unknown kind ${JSON.stringify(row.kind)}`);
  });
  checkRows(
    parsed.effects as unknown[],
    [
      ['key', 'string'],
      ['step', 'string'],
      ['fingerprint', 'string'],
      ['at', 'string'],
      ['attempts', 'number'],
    ],
    'effects',
    file,
  );
  return parsed as unknown as SupportBundle;
}

/** A stored journal row back to the entry the store port writes (the seq number is the new database's). */
export function journalEntryOf(row: JournalRow): JournalEntry {
  const entry: JournalEntry = { kind: row.kind, at: row.at, name: row.name };
  if (row.actor !== undefined && row.actor !== null) entry.actor = row.actor;
  if (row.reason !== undefined && row.reason !== null) entry.reason = row.reason;
  if (row.data !== undefined) entry.data = row.data;
  return entry;
}
