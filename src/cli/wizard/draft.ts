// The wizard's answers so far, kept in a draft plan file as they come in, so that no failure or Ctrl-C throws
// them away: `cutover start --plan DRAFT` asks only what it does not hold. Drafts live beside the state
// database, in drafts/<org>.plan.json (mode 0600), and are removed once the migration is created.
import { accessSync, constants, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fieldAt, withField } from '../../core/plan-answers.js';
import { DRAFT_KEY } from '../../core/plan.js';
import { isObj, type Obj } from '../../core/plan-fields.js';
import { UsageError } from '../../errors.js';
import { databasePath, type CliContext, type GlobalOptions } from '../wiring/context.js';
import { say } from '../terminal/output.js';

export const draftFolder = (ctx: CliContext, opts: GlobalOptions): string =>
  join(dirname(databasePath(ctx, opts)), 'drafts');

export const continueLine = (file: string): string =>
  `Your answers are kept in ${file}; continue with: cutover start --plan ${file}`;

export class Draft {
  private doc: Obj;
  private broken = false;

  /** `file` is null until the org is known (the draft is named after it); answers wait in memory until then. */
  constructor(
    private readonly ctx: CliContext,
    private file: string | null,
    doc: Obj = {},
  ) {
    const { [DRAFT_KEY]: _marker, ...answers } = doc;
    this.doc = answers;
  }

  get path(): string | null {
    return this.broken ? null : this.file;
  }

  /** What an earlier run answered at `field` (a plan path such as "jira.projectKey"), if anything. */
  get(field: string | undefined): unknown {
    return field === undefined ? undefined : fieldAt(this.doc, field);
  }

  set(field: string | undefined, value: unknown): void {
    if (field === undefined) return;
    this.doc = withField(this.doc, field, value);
    this.write();
  }

  /** Names the file once the org is answered (callers offer an earlier run's draft there first: see `earlier`). */
  placeIn(folder: string, orgId: string): void {
    if (this.file) return;
    this.file = join(folder, `${orgId}.plan.json`);
    this.write();
  }

  /** Takes an earlier run's answers; those given in this run so far win. */
  adopt(earlier: Obj): void {
    const { [DRAFT_KEY]: _marker, ...answers } = earlier;
    this.doc = { ...answers, ...this.doc };
    this.write();
  }

  private write(): void {
    if (!this.file || this.broken) return;
    const at = new Date(this.ctx.clock.now()).toISOString();
    const body = {
      [DRAFT_KEY]: `answers so far of cutover start (${at}); absent fields are not answered yet`,
      ...this.doc,
    };
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch (err) {
      this.broken = true;
      const why = (err as Error).message;
      say(
        this.ctx,
        `  (cannot keep a draft of the answers in ${this.file}: ${why}; --plan-out FILE saves them at the end)`,
      );
    }
  }

  /** The migration exists: its plan is in the database, the draft has done its work. */
  remove(): void {
    if (this.file && !this.broken) rmSync(this.file, { force: true });
  }
}

/** An earlier run's draft for this org, when one is there and reads as a JSON object. */
export function earlierDraft(folder: string, orgId: string): { file: string; doc: Obj } | null {
  const file = join(folder, `${orgId}.plan.json`);
  try {
    const doc: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return isObj(doc) ? { file, doc } : null;
  } catch {
    return null;
  }
}

/** Refuses an unwritable --plan-out before the first question, so no answer is lost to a bad path at the end. */
export function checkWritable(flag: string, file: string): void {
  const refuse = (why: string): never => {
    const hint = `choose a file in a folder you can write to, e.g. ${flag} ./plan.json`;
    throw new UsageError(`${flag} ${file || '""'}: ${why}; nothing was asked`, hint);
  };
  const kind = (path: string) => {
    try {
      return statSync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return null;
      return refuse(code === 'ENOTDIR' ? `${dirname(path)} is not a folder` : (err as Error).message);
    }
  };
  if (file.trim() === '') refuse('the path is empty');
  const target = kind(file);
  if (target && !target.isFile()) refuse('not a regular file');
  const folder = dirname(file);
  const parent = target ? null : kind(folder);
  if (!target && !parent) refuse(`the folder ${folder} does not exist`);
  if (parent && !parent.isDirectory()) refuse(`${folder} is not a folder`);
  try {
    accessSync(target ? file : folder, constants.W_OK);
  } catch {
    refuse(target ? 'the file is not writable' : `the folder ${folder} is not writable`);
  }
}
