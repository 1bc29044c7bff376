// The service flags of `cutover watch` refused with exit 2 and a message naming the fix, before anything starts;
// and the Slack body as a receiver gets it (through `doctor --notify-test --notify-format slack`).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { orgId, runWatch, watchRig, type WatchRig } from './emulator-harness.js';
import { startReceiver, type TestReceiver } from './notify-receiver.js';
import { PassThrough, Readable } from 'node:stream';
import { systemClock } from '../../../src/adapters/clock.js';
import { main } from '../../../src/cli/main.js';

let rig: WatchRig | null = null;
let hook: TestReceiver | null = null;
afterEach(async () => {
  await hook?.close();
  hook = null;
  await rig?.close();
  rig = null;
});

describe('watch service flags', () => {
  it('refuses bad service flags with exit 2, naming the fix', async () => {
    rig = await watchRig([orgId(951)]);
    const cases: [string[], RegExp][] = [
      [['--listen', 'nowhere'], /--listen must be HOST:PORT/],
      [['--listen', '127.0.0.1:99999'], /--listen must be HOST:PORT/],
      [['--once', '--listen', '127.0.0.1:0'], /--listen needs a running watch/],
      [['--log-format', 'xml'], /--log-format must be text or json/],
      [['--notify', 'ftp://example.com/x'], /--notify needs an http\(s\) URL/],
      [['--notify', 'https://ops.example.com/hook'], /set CUTOVER_NOTIFY_SECRET/],
      [['--notify', 'https://ops.example.com/hook', '--notify-format', 'xml'], /--notify-format must be slack or json/],
      [['--grace-seconds', '-1'], /--grace-seconds must be 0 or more/],
    ];
    for (const [args, message] of cases) {
      const watch = runWatch(rig, args);
      expect(await watch.exit, args.join(' ')).toBe(2);
      expect(watch.stderr()).toMatch(message);
      expect(watch.stderr()).not.toContain('ops.example.com/hook');
    }
  });

  it('names a --listen address already in use (exit 2)', async () => {
    rig = await watchRig([orgId(953)]);
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const watch = runWatch(rig, ['--listen', `127.0.0.1:${port}`]);
      expect(await watch.exit).toBe(2);
      expect(watch.stderr()).toMatch(new RegExp(`--listen 127.0.0.1:${port}: the address is in use`));
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('a Slack URL needs no secret, and gets text and blocks', async () => {
    rig = await watchRig([orgId(952)]);
    hook = await startReceiver({ path: '/services/T000/B000/XXXX' });
    let stdout = '';
    const out = new PassThrough();
    out.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await main(
      ['node', 'cutover', 'doctor', '--notify-test', hook.url, '--notify-format', 'slack'],
      () => ({
        io: { stdout: out, stderr: new PassThrough(), stdin: Readable.from([]) },
        env: { ...rig!.env, NO_COLOR: '1' },
        cwd: process.cwd(),
        clock: systemClock,
        signal: new AbortController().signal,
        actor: 'ops@test',
      }),
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/✓ notification receiver r-[0-9a-f]{12} \(slack/);
    const body = hook.received[0]?.body as unknown as { text: string; blocks: { type: string }[] };
    expect(body.text).toMatch(/test notification/);
    expect(body.blocks.map((b) => b.type)).toEqual(['section', 'context']);
    expect(hook.received[0]?.headers['x-cutover-signature-256']).toBeUndefined();
  });
});
