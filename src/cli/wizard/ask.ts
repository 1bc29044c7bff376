// np-style questions: every question has a flag. A flag's value answers it (validated like a typed answer);
// then an answer kept in the draft (an earlier run's, see draft.ts); otherwise the prompter asks; without a
// prompter (--yes) the default is taken, and a question with no default is a usage error naming its flag, never
// a hang. Every answer is written to the draft as it comes in.
import { UsageError } from '../../errors.js';
import type { CliContext } from '../wiring/context.js';
import { say, styleFor } from '../terminal/output.js';
import type { Choice, Prompter, Validate, ValidateMany } from '../terminal/prompts.js';
import type { Draft } from './draft.js';

interface Base<T> {
  /** The flag that answers this question, e.g. "--org <id>". */
  flag: string;
  /** The flag's value, when given. */
  given?: T;
  message: string;
  /** The plan field the answer goes to (e.g. "jira.projectKey"): kept in the draft, and read back from it. */
  field?: string;
  /** Shown (dimmed) before the question: what it means and what the answer changes. */
  help?: string;
}

export class Asker {
  constructor(
    private readonly ctx: CliContext,
    readonly prompter: Prompter | null,
    readonly draft: Draft | null = null,
  ) {}

  get interactive(): boolean {
    return this.prompter !== null;
  }

  note(text: string): void {
    say(this.ctx, text);
  }

  private help(text: string | undefined): void {
    if (text && this.prompter) say(this.ctx, styleFor(this.ctx, 'stderr').dim(text.replace(/^/gm, '  ')));
  }

  private missing(flag: string, message: string): never {
    throw new UsageError(
      `no answer for "${message}": pass ${flag}`,
      'without a terminal (or with --yes) every question without a default needs its flag; see cutover start --help',
    );
  }

  async text(q: Base<string> & { default?: string; validate?: Validate }): Promise<string> {
    if (q.given !== undefined) return this.keep(q.field, await this.checked(q.flag, q.given, q.validate));
    const kept = this.draft?.get(q.field);
    if (typeof kept === 'string' && (!q.validate || (await q.validate(kept)) === true))
      return this.kept(q.message, kept);
    if (!this.prompter) return q.default !== undefined ? q.default : this.missing(q.flag, q.message);
    this.help(q.help);
    const typed = await this.prompter.input({ message: q.message, default: q.default, validate: q.validate });
    return this.keep(q.field, typed.trim());
  }

  async yesNo(q: Base<boolean> & { default: boolean }): Promise<boolean> {
    if (q.given !== undefined) return this.keep(q.field, q.given);
    const kept = this.draft?.get(q.field);
    if (typeof kept === 'boolean') return this.kept(q.message, kept, kept ? 'Yes' : 'No');
    if (!this.prompter) return q.default;
    this.help(q.help);
    return this.keep(q.field, await this.prompter.confirm({ message: q.message, default: q.default }));
  }

  async pickOne<T>(q: Base<T> & { choices: Choice<T>[]; default?: T }): Promise<T> {
    if (q.given !== undefined) return this.keep(q.field, q.given);
    const kept = this.draft?.get(q.field) as T | undefined;
    const choice = q.choices.find((c) => c.value === kept && !c.disabled);
    if (choice) return this.kept(q.message, choice.value, choice.name);
    if (!this.prompter) return q.default !== undefined ? q.default : this.missing(q.flag, q.message);
    this.help(q.help);
    const picked = await this.prompter.select({ message: q.message, choices: q.choices, default: q.default });
    return this.keep(q.field, picked);
  }

  /** The default is the choices marked `checked`; `search` gives a checkbox you can type into. */
  async pickMany<T>(
    q: Base<T[]> & { choices: Choice<T>[]; search?: boolean; required?: boolean; validate?: ValidateMany<T> },
  ): Promise<T[]> {
    if (q.given !== undefined) return this.keep(q.field, this.checkedMany(q.flag, q.given, q.validate));
    const kept = this.draft?.get(q.field);
    if (Array.isArray(kept) && kept.length > 0 && (!q.validate || q.validate(kept as T[]) === true)) {
      const names = kept.map((v) => q.choices.find((c) => c.value === v)?.name ?? String(v));
      return this.kept(q.message, kept as T[], names.length <= 3 ? names.join(', ') : `${names.length} selected`);
    }
    const defaults = q.choices.filter((c) => c.checked && !c.disabled).map((c) => c.value);
    if (!this.prompter) return defaults.length > 0 || !q.required ? defaults : this.missing(q.flag, q.message);
    this.help(q.help);
    const asked = { message: q.message, required: q.required, validate: q.validate };
    const picked = q.search
      ? await this.prompter.search({ ...asked, choices: q.choices.filter((c) => !c.disabled) })
      : await this.prompter.checkbox({ ...asked, choices: q.choices });
    return this.keep(q.field, picked);
  }

  /** Writes the answer to the draft and returns it. */
  keep<T>(field: string | undefined, value: T): T {
    this.draft?.set(field, value);
    return value;
  }

  /** An answer an earlier run gave (see draft.ts), shown like an answered question. */
  kept<T>(message: string, value: T, shown = String(value)): T {
    this.note(`✔ ${message} ${shown}  (kept)`);
    return value;
  }

  private checkedMany<T>(flag: string, values: T[], validate?: ValidateMany<T>): T[] {
    const verdict = validate ? validate(values) : true;
    if (verdict !== true) throw new UsageError(`${flag.split(' ')[0]}: ${verdict}`);
    return values;
  }

  private async checked(flag: string, value: string, validate?: Validate): Promise<string> {
    const verdict = validate ? await validate(value) : true;
    if (verdict !== true) throw new UsageError(`${flag.split(' ')[0]} ${JSON.stringify(value)}: ${verdict}`);
    return value;
  }
}
