// cutover report: downtime windows and ticket turnaround across migrations (DESIGN §3), as a terminal table,
// JSON, CSV, Markdown (fleet, or one migration's record with --id) or a self-contained HTML file.
// Data goes to stdout or --out; messages to stderr. Every bad flag is a usage error naming the flag.
import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import { holidaySet } from '../../core/business-days.js';
import { toUtcIso, tryParseInstant } from '../../core/time.js';
import { MIGRATION_STATUSES, type MigrationStatus } from '../../core/types.js';
import { UsageError } from '../../errors.js';
import { DEFAULT_TIMELINE_CAP, FORMATS, renderReport, type ReportFormat } from '../../report/index.js';
import type { ReportQuery, ReportSource } from '../../report/source.js';
import { nonEmptyFlag, type CliContext, type GlobalOptions } from '../wiring/context.js';
import { openReportStore } from '../wiring/store.js';
import { say } from '../terminal/output.js';

export interface ReportOptions extends GlobalOptions {
  since?: string;
  until?: string;
  org?: string;
  status?: string;
  id?: string;
  format?: string;
  out?: string;
  holidays?: string;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A strict ISO-8601 instant with offset, or a bare date meaning its UTC midnight; normalised to UTC. */
export function instantFlag(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = tryParseInstant(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  if (ms === null) {
    throw new UsageError(
      `${flag} ${JSON.stringify(value)} is not an ISO-8601 date or instant`,
      `e.g. ${flag} 2026-03-01 or ${flag} 2026-03-01T09:00:00+01:00`,
    );
  }
  return toUtcIso(ms);
}

function formatFlag(opts: ReportOptions): ReportFormat {
  const format = opts.format ?? (opts.json ? 'json' : 'table');
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format ${format} is not a report format`, `use one of: ${FORMATS.join(', ')}`);
  }
  return format as ReportFormat;
}

/** One yyyy-MM-dd per line (# comments and blank lines ignored), or a JSON array of such strings. */
export function readHolidays(file: string | undefined): string[] {
  if (file === undefined) return [];
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--holidays ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    const list = text.trimStart().startsWith('[')
      ? (JSON.parse(text) as unknown[]).map(String)
      : text
          .split(/\r?\n/)
          .map((l) => l.replace(/#.*/, '').trim())
          .filter(Boolean);
    holidaySet(list);
    return list;
  } catch (err) {
    throw new UsageError(
      `--holidays ${file}: ${(err as Error).message}`,
      'one date per line, written yyyy-MM-dd, or a JSON array of them',
    );
  }
}

export function queryFrom(opts: ReportOptions, ctx: CliContext): ReportQuery {
  if (opts.status && !MIGRATION_STATUSES.includes(opts.status as MigrationStatus)) {
    throw new UsageError(`--status ${opts.status} is not a status`, `use one of: ${MIGRATION_STATUSES.join(', ')}`);
  }
  const since = instantFlag('--since', opts.since);
  const until = instantFlag('--until', opts.until);
  if (since && until && since >= until)
    throw new UsageError(`--since ${opts.since} is not before --until ${opts.until}`);
  return {
    since,
    until,
    orgId: opts.org,
    status: opts.status as MigrationStatus | undefined,
    id: opts.id,
    now: toUtcIso(ctx.clock.now()),
    holidays: readHolidays(opts.holidays),
  };
}

/** Opens --out before any work, so an unwritable path fails fast as a usage error. 0644: reports are shared. */
function openOut(file: string): fs.WriteStream {
  let fd: number;
  try {
    fd = fs.openSync(file, 'w', 0o644);
  } catch (err) {
    throw new UsageError(
      `--out ${file}: cannot write there (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      'choose a file in a writable folder',
    );
  }
  return fs.createWriteStream('', { fd });
}

/** Whether the database holds the migration, whatever the other filters say. */
async function hasMigration(source: ReportSource, id: string, now: string): Promise<boolean> {
  for await (const _ of source.rows({ id, now, holidays: [] })) return true;
  return false;
}

export default async function report(_args: string[], opts: ReportOptions, ctx: CliContext): Promise<number> {
  const format = formatFlag(opts);
  const query = queryFrom(opts, ctx);
  nonEmptyFlag('--out', opts.out, 'give a file to write the report to, or leave --out out to print it on stdout');
  nonEmptyFlag('--id', opts.id, 'give a migration id (cutover list shows them), or leave --id out for every migration');
  const out = opts.out ? openOut(opts.out) : null;
  let written = false;
  try {
    const { source, dbPath } = await openReportStore(ctx, opts);
    try {
      if (opts.id !== undefined && !(await hasMigration(source, opts.id, query.now))) {
        const hint = 'cutover list shows the migrations; --db or CUTOVER_DB selects another database';
        throw new UsageError(`--id ${opts.id}: no migration with this id in ${dbPath}, so nothing to report`, hint);
      }
      await renderReport(format, source, { query, timelineCap: DEFAULT_TIMELINE_CAP }, out ?? ctx.io.stdout);
      written = true;
    } finally {
      await source.close();
    }
  } finally {
    if (out) await finished(out.end());
    // A half-written report is worse than none: remove it when rendering failed.
    if (out && opts.out && !written) fs.rmSync(opts.out, { force: true });
  }
  if (opts.out) say(ctx, `wrote the ${format} report to ${opts.out}`);
  return 0;
}
