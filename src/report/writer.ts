// Writes a report to a stream in ~64 KB chunks and waits for 'drain' when the stream asks, so that writing
// 100,000 rows to a slow pipe or file keeps memory flat instead of queueing the whole report in the stream.
import { once } from 'node:events';

const CHUNK = 64 * 1024;

export type Sink = NodeJS.WritableStream;

export class ReportWriter {
  private buffer = '';

  constructor(private readonly sink: Sink) {}

  /** Appends text; flushes (respecting back-pressure) once a chunk is full. */
  async write(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= CHUNK) await this.flush();
  }

  async line(text = ''): Promise<void> {
    await this.write(`${text}\n`);
  }

  async flush(): Promise<void> {
    if (this.buffer === '') return;
    const chunk = this.buffer;
    this.buffer = '';
    // events.once rejects if the stream emits 'error' meanwhile (EPIPE, disk full), so a failure never hangs.
    if (!this.sink.write(chunk)) await once(this.sink, 'drain');
  }
}
