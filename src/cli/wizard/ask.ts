// np-style questions: every question has a flag. A flag's value answers it (validated like a typed answer);
// otherwise the prompter asks; without a prompter (--yes) the default is taken, and a question with no
// default is a usage error naming its flag, never a hang.
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { say, styleFor } from '../output.js';
import type { Choice, Prompter, Validate } from '../prompts.js';

interface Base<T> {
  /** The flag that answers this question, e.g. "--org <id>". */
  flag: string;
  /** The flag's value, when given. */
  given?: T;
  message: string;
  /** Shown (dimmed) before the question: what it means and what the answer changes. */
  help?: string;
}

export class Asker {
  constructor(
    private readonly ctx: CliContext,
    readonly prompter: Prompter | null,
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
    throw new UsageError(`no answer for "${message}": pass ${flag}`, 'without a terminal (or with --yes) every question without a default needs its flag; see cutover start --help');
  }

  async text(q: Base<string> & { default?: string; validate?: Validate }): Promise<string> {
    if (q.given !== undefined) return this.checked(q.flag, q.given, q.validate);
    if (!this.prompter) return q.default !== undefined ? q.default : this.missing(q.flag, q.message);
    this.help(q.help);
    return (await this.prompter.input({ message: q.message, default: q.default, validate: q.validate })).trim();
  }

  async yesNo(q: Base<boolean> & { default: boolean }): Promise<boolean> {
    if (q.given !== undefined) return q.given;
    if (!this.prompter) return q.default;
    this.help(q.help);
    return this.prompter.confirm({ message: q.message, default: q.default });
  }

  async pickOne<T>(q: Base<T> & { choices: Choice<T>[]; default?: T }): Promise<T> {
    if (q.given !== undefined) return q.given;
    if (!this.prompter) return q.default !== undefined ? q.default : this.missing(q.flag, q.message);
    this.help(q.help);
    return this.prompter.select({ message: q.message, choices: q.choices, default: q.default });
  }

  /** The default is the choices marked `checked`; `search` gives a checkbox you can type into. */
  async pickMany<T>(q: Base<T[]> & { choices: Choice<T>[]; search?: boolean; required?: boolean }): Promise<T[]> {
    if (q.given !== undefined) return q.given;
    const defaults = q.choices.filter((c) => c.checked && !c.disabled).map((c) => c.value);
    if (!this.prompter) return defaults.length > 0 || !q.required ? defaults : this.missing(q.flag, q.message);
    this.help(q.help);
    if (q.search) return this.prompter.search({ message: q.message, choices: q.choices.filter((c) => !c.disabled), required: q.required });
    return this.prompter.checkbox({ message: q.message, choices: q.choices, required: q.required });
  }

  private async checked(flag: string, value: string, validate?: Validate): Promise<string> {
    const verdict = validate ? await validate(value) : true;
    if (verdict !== true) throw new UsageError(`${flag.split(' ')[0]} ${JSON.stringify(value)}: ${verdict}`);
    return value;
  }
}
