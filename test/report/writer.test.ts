// The report writer: chunks, back-pressure with a bounded amount in flight, and failures that never hang.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ReportWriter } from '../../src/report/writer.js';

/** A slow sink (one chunk per macrotask, default 16 KB high-water mark) that records how much it ever held. */
class SlowSink extends Writable {
  text = '';
  maxQueued = 0;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.text += chunk.toString();
    setImmediate(done);
  }
  override write(chunk: unknown, ...rest: never[]): boolean {
    const ok = super.write(chunk as Buffer, ...rest);
    this.maxQueued = Math.max(this.maxQueued, this.writableLength);
    return ok;
  }
}

describe('ReportWriter', () => {
  it('writes everything in order and keeps what the sink holds bounded (about 256 KB, not the report)', async () => {
    const sink = new SlowSink();
    const w = new ReportWriter(sink);
    const line = `${'x'.repeat(990)}\n`;
    for (let i = 0; i < 8_000; i++) await w.write(`${String(i).padStart(8, '0')}${line}`); // ~8 MB
    await w.flush();
    await new Promise<void>((resolve) => sink.end(resolve));
    expect(sink.text.length).toBe(8_000 * 999);
    expect(sink.text.slice(0, 8)).toBe('00000000');
    expect(sink.text.slice(-999, -991)).toBe('00007999');
    expect(sink.maxQueued).toBeLessThan(512 * 1024);
  });

  it('rejects, rather than hangs, when the sink fails while the writer waits for it', async () => {
    const sink = new Writable({
      highWaterMark: 1024,
      write(_chunk, _enc, done) {
        setImmediate(() => done(new Error('EPIPE')));
      },
    });
    sink.on('error', () => undefined);
    const w = new ReportWriter(sink);
    const write = async () => {
      for (let i = 0; i < 100; i++) await w.write('y'.repeat(64 * 1024));
    };
    await expect(write()).rejects.toThrow();
  });
});
