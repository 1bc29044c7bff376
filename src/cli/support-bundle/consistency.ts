// Does a support bundle tell one story? A bundle is plain JSON that anyone can edit; its downtime figures come
// from the record's marks, so an edited mark (legacy_stopped moved to shrink the downtime) would import as fact.
// Every mark was journaled as an observation (`mark:NAME`) when the machine recorded it, and the snapshot holds
// the machine's own copy: the three must agree, as must the ids and versions the parts carry. Pure: no I/O.
import type { MarkName, Marks } from '../../core/types.js';
import { tryParseInstant } from '../../core/time.js';
import type { JournalRow } from '../../ports.js';
import type { SupportBundle } from './bundle.js';
import { stateName } from '../../core/machine-logic.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});

/** The parts of a mark a figure depends on, comparable whatever the instant's notation. */
function markKey(mark: unknown): string {
  const m = obj(mark);
  const at = typeof m.at === 'string' ? (tryParseInstant(m.at) ?? m.at) : null;
  const override = obj(m.override);
  return JSON.stringify([at, m.source ?? null, override.by ?? null, override.reason ?? null]);
}

function describeMark(mark: unknown): string {
  const m = obj(mark);
  return mark === undefined ? 'none' : `${String(m.at)} (${String(m.source)})`;
}

/** The last `mark:NAME` observation of each mark: what the machine recorded, in order. */
function journaledMarks(journal: JournalRow[]): Map<string, unknown> {
  const marks = new Map<string, unknown>();
  for (const row of journal) {
    if (row.kind === 'observation' && row.name.startsWith('mark:')) marks.set(row.name.slice(5), row.data);
  }
  return marks;
}

function markProblems(recordMarks: Marks, journal: JournalRow[], snapshotMarks: Obj): string[] {
  const problems: string[] = [];
  const journaled = journaledMarks(journal);
  const names = new Set<string>([...Object.keys(recordMarks), ...journaled.keys(), ...Object.keys(snapshotMarks)]);
  for (const name of [...names].sort()) {
    const recorded = recordMarks[name as MarkName];
    const observed = journaled.get(name);
    const record = `mark ${name}: the record says ${describeMark(recorded)}`;
    if (markKey(recorded) !== markKey(observed)) {
      problems.push(`${record}, the journal's mark:${name} observation says ${describeMark(observed)}`);
    }
    if (markKey(recorded) !== markKey(snapshotMarks[name])) {
      problems.push(`${record}, the snapshot says ${describeMark(snapshotMarks[name])}`);
    }
  }
  return problems;
}

function identityProblems(bundle: SupportBundle, context: Obj): string[] {
  const m = bundle.migration;
  const problems: string[] = [];
  const planOrg = obj(m.plan).orgId;
  const contextOrg = obj(context.plan).orgId;
  const org = `org id: the record says ${m.orgId}`;
  if (planOrg !== m.orgId) problems.push(`${org}, its plan says ${String(planOrg)}`);
  if (contextOrg !== m.orgId) problems.push(`${org}, the snapshot's plan says ${String(contextOrg)}`);
  if (context.migrationId !== m.id) {
    problems.push(`migration id: the record says ${m.id}, the snapshot says ${String(context.migrationId)}`);
  }
  const value = obj(m.snapshot).value;
  const hasState = typeof value === 'string' || (typeof value === 'object' && value !== null);
  const snapshotState = hasState ? stateName({ value }) : 'no state';
  if (snapshotState !== m.state) {
    problems.push(`state: the record says ${m.state}, the snapshot is in ${snapshotState}`);
  }
  // The tool that exported the bundle saved the snapshot with its own machine, or an older one not resumed since.
  if (!/^\d+$/.test(m.machineVersion) || Number(m.machineVersion) > Number(bundle.machineVersion)) {
    const exporter = `the snapshot was exported by machine version ${bundle.machineVersion}`;
    problems.push(`machine version: the record says ${m.machineVersion}, but ${exporter}`);
  }
  return problems;
}

function journalProblems(bundle: SupportBundle): string[] {
  const problems: string[] = [];
  let last = -Infinity;
  bundle.journal.forEach((row, i) => {
    if (row.migrationId !== bundle.migration.id) {
      problems.push(`journal[${i}] belongs to migration ${String(row.migrationId)}, not ${bundle.migration.id}`);
    }
    if (typeof row.seq !== 'number' || !(row.seq > last)) {
      problems.push(`journal[${i}]: seq ${String(row.seq)} does not follow ${last}`);
    } else {
      last = row.seq;
    }
  });
  return problems;
}

/** Everything in the bundle that disagrees with the rest of it; empty when it tells one story. */
export function bundleInconsistencies(bundle: SupportBundle): string[] {
  const context = obj(obj(bundle.migration.snapshot).context);
  return [
    ...identityProblems(bundle, context),
    ...journalProblems(bundle),
    ...markProblems(bundle.migration.marks, bundle.journal, obj(context.marks)),
  ];
}
