// The one interactive module: every question the CLI asks goes through a Prompter, and this is the only file
// that imports @inquirer/prompts. Prompts render on stderr (stdout stays for data), stop on ctx.signal, and a
// Ctrl-C inside a prompt becomes an InterruptedError (exit 130) instead of a stack trace.
import { checkbox, confirm, input, select } from '@inquirer/prompts';
import { InterruptedError } from '../../errors.js';
import type { CliContext } from '../wiring/context.js';
import { searchCheckbox, type SearchChoice } from './prompt-search-checkbox.js';

export interface Choice<T> {
  value: T;
  name: string;
  description?: string;
  checked?: boolean;
  /** A reason string shows why the choice cannot be picked. */
  disabled?: boolean | string;
}

export type Validate = (value: string) => true | string | Promise<true | string>;
/** Checks a whole selection (e.g. the plan's limit of audiences per dataflow); a string re-asks with it. */
export type ValidateMany<T> = (values: T[]) => true | string;
export type ManyQuestion<T, C> = { message: string; choices: C[]; required?: boolean; validate?: ValidateMany<T> };

export interface Prompter {
  input(q: { message: string; default?: string; validate?: Validate }): Promise<string>;
  /** `signal` closes the question when its answer is no longer needed (it then rejects). */
  confirm(q: { message: string; default?: boolean; signal?: AbortSignal }): Promise<boolean>;
  select<T>(q: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  checkbox<T>(q: ManyQuestion<T, Choice<T>>): Promise<T[]>;
  /** A checkbox you can type into to narrow a long list. */
  search<T>(q: ManyQuestion<T, SearchChoice<T>>): Promise<T[]>;
}

/** Inquirer names its cancellations by class name; no need to import its error classes. */
function isCancellation(err: unknown): boolean {
  return err instanceof Error && ['ExitPromptError', 'AbortPromptError', 'CancelPromptError'].includes(err.name);
}

async function guarded<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (err) {
    if (isCancellation(err))
      throw new InterruptedError(
        'interrupted at a question: nothing was created',
        'INTERRUPTED',
        'run cutover start again',
      );
    throw err;
  }
}

export function terminalPrompter(ctx: CliContext): Prompter {
  const context = { input: ctx.io.stdin, output: ctx.io.stderr, signal: ctx.signal };
  return {
    input: (q) => guarded(() => input({ message: q.message, default: q.default, validate: q.validate }, context)),
    confirm: (q) => {
      const signal = q.signal ? AbortSignal.any([ctx.signal, q.signal]) : ctx.signal;
      return guarded(() => confirm({ message: q.message, default: q.default }, { ...context, signal }));
    },
    select: <T>(q: { message: string; choices: Choice<T>[]; default?: T }) =>
      guarded(() => select<T>({ message: q.message, choices: q.choices, default: q.default, pageSize: 10 }, context)),
    checkbox: <T>(q: ManyQuestion<T, Choice<T>>) => {
      const check = q.validate;
      const validate = check ? (picked: readonly { value: T }[]) => check(picked.map((c) => c.value)) : undefined;
      const config = { message: q.message, choices: q.choices, required: q.required, validate, pageSize: 10 };
      return guarded(() => checkbox<T>(config, context));
    },
    search: <T>(q: ManyQuestion<T, SearchChoice<T>>) =>
      guarded(() => searchCheckbox({ ...q }, context) as Promise<T[]>),
  };
}
