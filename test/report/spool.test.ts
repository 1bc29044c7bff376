// The row spool: what goes in comes out in order and byte for byte (multi-byte characters, texts longer than a
// chunk), through a slow sink with a bounded queue, and nothing is left on disk.
import fs from 'node:fs';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RowSpool } from '../../src/report/spool.js';
import { ReportWriter } from '../../src/report/writer.js';
import { tempDir } from './helpers.js';

/** A slow sink that keeps the bytes it is given and how much it ever held queued. */
class SlowSink extends Writable {
  chunks: Buffer[] = [];
  maxQueued = 0;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.chunks.push(Buffer.from(chunk)); // a copy: the spool reuses its buffers once a write is done
    setImmediate(done);
  }
  override write(chunk: unknown, ...rest: never[]): boolean {
    const ok = super.write(chunk as Buffer, ...rest);
    this.maxQueued = Math.max(this.maxQueued, this.writableLength);
    return ok;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

describe('RowSpool', () => {
  it('copies everything written, in order, after the text written before it', async () => {
    const dir = tempDir();
    const spool = new RowSpool(dir);
    const texts: string[] = [];
    for (let i = 0; i < 20_000; i++) texts.push(`${i} é€😀 "quoted" ${'x'.repeat(i % 300)}\n`);
    texts.push(`${'long €'.repeat(50_000)}\n`); // longer than a chunk
    texts.push('last\n');
    for (const t of texts) spool.write(t);
    const sink = new SlowSink();
    const w = new ReportWriter(sink);
    await w.write('head\n');
    await spool.copyTo(w);
    await w.write('tail\n');
    await w.flush();
    spool.close();
    await new Promise<void>((resolve) => sink.end(resolve));
    expect(sink.text()).toBe(`head\n${texts.join('')}tail\n`);
    expect(sink.maxQueued).toBeLessThan(1.5 * 1024 * 1024); // one read chunk (1 MB) in flight, not the spool
    expect(fs.readdirSync(dir)).toEqual([]); // the spool's directory is gone
  });

  it('is empty when nothing was written', async () => {
    const spool = new RowSpool(tempDir());
    const sink = new SlowSink();
    await spool.copyTo(new ReportWriter(sink));
    spool.close();
    expect(sink.chunks).toEqual([]);
  });

  it('keeps a small report in memory: no file is ever created', async () => {
    const dir = tempDir();
    const spool = new RowSpool(dir);
    spool.write('one row\n');
    expect(fs.readdirSync(dir)).toEqual([]);
    const sink = new SlowSink();
    await spool.copyTo(new ReportWriter(sink));
    spool.close();
    expect(sink.text()).toBe('one row\n');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('names the folder and the fix when a large report cannot create its temporary file', () => {
    const missing = `${tempDir()}/not-there`;
    const spool = new RowSpool(missing);
    expect(() => {
      for (let i = 0; i < 10_000; i++) spool.write(`${'z'.repeat(100)}\n`);
    }).toThrow(
      expect.objectContaining({
        code: 'REPORT_TMPDIR',
        message: expect.stringContaining(missing),
        hint: expect.stringContaining('TMPDIR'),
      }),
    );
    spool.close();
  });

  it('rejects, rather than hangs, when the sink fails during the copy', async () => {
    const spool = new RowSpool(tempDir());
    for (let i = 0; i < 10_000; i++) spool.write(`${'y'.repeat(100)}\n`);
    const sink = new Writable({
      write(_chunk, _enc, done) {
        setImmediate(() => done(new Error('EPIPE')));
      },
    });
    sink.on('error', () => undefined);
    await expect(spool.copyTo(new ReportWriter(sink))).rejects.toThrow('EPIPE');
    spool.close();
  });
});
