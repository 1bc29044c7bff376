// `cutover watch --webhook-port 0` as a long-running child: resolves with the receiver's URL once it prints
// it, and a stop that sends SIGTERM (watch exits 0 on SIGTERM).
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from './cli.js';

export interface Watch {
  url: string;
  output: () => string;
  stop: () => Promise<number | null>;
}

export function startWatch(db: string, env: Record<string, string>): Promise<Watch> {
  const child: ChildProcess = spawn(
    'timeout',
    ['-k', '5', '60', process.execPath, `${ROOT}bin/cutover.cjs`, 'watch', '--webhook-port', '0', '--db', db],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString('utf8');
      const url = /webhook receiver listening on (\S+)/.exec(output)?.[1];
      if (url)
        resolve({
          url,
          output: () => output,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`watch exited ${code} before listening:\n${output}`)));
  });
}
