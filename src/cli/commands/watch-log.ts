// What `watch` writes on stderr, as a service manager keeps it: with `--log-format json` one JSON object per
// line (time, level, message, migrationId, state, service), in both formats with every secret the watch
// holds (notification URLs and secret, the webhook secret) masked like the HTTP layer masks its own.
import { Writable } from 'node:stream';
import { Redactor } from '../../adapters/http/redact.js';
import type { CliContext } from '../wiring/context.js';

export type LogFormat = 'text' | 'json';

export interface LogFields {
  migrationId?: string;
  state?: string;
  /** When the text alone does not say it (a progress line about a failed drive). */
  level?: 'debug' | 'info' | 'warn' | 'error';
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC
const ANSI = /\u001b\[[0-9;]*m/g;
const MIGRATION_ID = /\bm-[0-9a-f]{10}\b/;
const SERVICE = /"service":"([a-z]+)"/;

function levelOf(message: string): string {
  if (/^error\b/.test(message)) return 'error';
  if (/^warning\b/.test(message) || /^warning: /.test(message)) return 'warn';
  if (/^debug\b/.test(message)) return 'debug';
  return 'info';
}

/** Each line written becomes one JSON object; `fields` (set around a progress line) adds what the text lacks. */
class JsonLines extends Writable {
  fields: LogFields = {};
  private pending = '';

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly redact: (s: string) => string,
    private readonly now: () => number,
  ) {
    super();
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (error?: Error | null) => void): void {
    this.pending += chunk.toString();
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') this.out.write(`${JSON.stringify(this.entry(line))}\n`);
    done();
  }

  private entry(raw: string): Record<string, unknown> {
    const message = this.redact(raw.replace(ANSI, '').trim());
    const migrationId = this.fields.migrationId ?? MIGRATION_ID.exec(message)?.[0];
    const service = SERVICE.exec(message)?.[1];
    return {
      time: new Date(this.now()).toISOString(),
      level: this.fields.level ?? levelOf(message.replace(/^\d\d:\d\d:\d\dZ?\s+/, '')),
      message,
      ...(migrationId ? { migrationId } : {}),
      ...(this.fields.state ? { state: this.fields.state } : {}),
      ...(service ? { service } : {}),
    };
  }
}

class Redacting extends Writable {
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly redact: (s: string) => string,
  ) {
    super();
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (error?: Error | null) => void): void {
    this.out.write(this.redact(chunk.toString()));
    done();
  }
}

export interface WatchLog {
  ctx: CliContext;
  /** Runs `print` with these fields attached to the lines it writes (JSON format only). */
  withFields(fields: LogFields, print: () => void): void;
}

export function watchLog(ctx: CliContext, format: LogFormat, secrets: (string | undefined)[]): WatchLog {
  const redactor = new Redactor(secrets);
  const redact = (s: string) => redactor.text(s);
  if (format === 'text') {
    const stderr = Object.assign(new Redacting(ctx.io.stderr, redact), { isTTY: ctx.io.stderr.isTTY });
    return { ctx: { ...ctx, io: { ...ctx.io, stderr } }, withFields: (_f, print) => print() };
  }
  const lines = new JsonLines(ctx.io.stderr, redact, () => ctx.clock.now());
  // Never a terminal: no colours in the messages.
  const stderr = Object.assign(lines, { isTTY: false });
  return {
    ctx: { ...ctx, env: { ...ctx.env, NO_COLOR: '1' }, io: { ...ctx.io, stderr } },
    withFields(fields, print) {
      lines.fields = fields;
      try {
        print();
      } finally {
        lines.fields = {};
      }
    },
  };
}
