// Writes a report to a stream in ~64 KB chunks and waits for 'drain' once the stream holds about 256 KB, so that
// writing 100,000 rows to a slow pipe or file keeps memory flat instead of queueing the whole report in the
// stream. Waiting at the stream's own high-water mark instead (16 KB for a file, less than one chunk) would stop
// the report after every chunk until the disk caught up, leaving the CPU idle for a write round trip each time.
import { once } from 'node:events';

const CHUNK = 64 * 1024;
/** What the sink may hold before the writer waits for it: a few chunks in flight, still a constant bound. */
const IN_FLIGHT = 256 * 1024;

export type Sink = NodeJS.WritableStream;

/** Bytes queued in the sink, when it says (every Node Writable does); unknown means "wait whenever it asks". */
function queued(sink: Sink): number {
  const length = (sink as { writableLength?: unknown }).writableLength;
  return typeof length === 'number' ? length : Number.POSITIVE_INFINITY;
}

export class ReportWriter {
  private buffer = '';

  constructor(private readonly sink: Sink) {}

  /** Appends text; flushes (respecting back-pressure) once a chunk is full. */
  async write(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= CHUNK) await this.flush();
  }

  /**
   * Bytes already encoded (a spooled body): whatever text is buffered goes first, then these, with back-pressure.
   * `consumed` settles once the sink is done with them (the caller may then reuse the buffer), or rejects if the
   * sink fails.
   */
  async bytes(chunk: Buffer): Promise<{ consumed: Promise<void> }> {
    await this.flush();
    let accepted = true as boolean;
    const consumed = new Promise<void>((resolve, reject) => {
      accepted = this.sink.write(chunk, (err?: Error | null) => (err ? reject(err) : resolve()));
    });
    consumed.catch(() => undefined); // the failure also reaches whoever awaits it, and the stream's 'error'
    if (!accepted && queued(this.sink) >= IN_FLIGHT) await once(this.sink, 'drain');
    return { consumed };
  }

  async line(text = ''): Promise<void> {
    await this.write(`${text}\n`);
  }

  async flush(): Promise<void> {
    if (this.buffer === '') return;
    const chunk = this.buffer;
    this.buffer = '';
    await this.send(chunk);
  }

  /**
   * write() returning false means the sink is past its high-water mark and will emit 'drain' once empty; wait for
   * it only when IN_FLIGHT is queued. events.once rejects if the stream emits 'error' meanwhile (EPIPE, disk full),
   * so a failure never hangs.
   */
  private async send(chunk: string): Promise<void> {
    if (!this.sink.write(chunk) && queued(this.sink) >= IN_FLIGHT) await once(this.sink, 'drain');
  }
}
