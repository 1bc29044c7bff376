// The README's first command: the real CLI, spawned, runs the demo to completion and reports a downtime
// window measured from the ticket's resolutiondate to the flow's createdAt, as the emulator reported them.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('cutover demo (spawned)', () => {
  it('completes and measures the window from the emulator’s own timestamps', () => {
    const run = spawnSync(process.execPath, ['bin/cutover.cjs', 'demo', '--json'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      status: string;
      marks: Record<string, { at: string; source: string }>;
      downtime: { window: { ms: number } | null };
      emulator: { resolutiondate: string; flowCreatedAt: number };
    };
    expect(result.status).toBe('completed');
    expect(result.marks.legacy_stopped?.source).toBe('jira.resolutiondate');
    expect(result.marks.connection_established?.source).toBe('flowservice.createdAt');
    const stopped = Date.parse(result.emulator.resolutiondate.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
    expect(Date.parse(result.marks.legacy_stopped!.at)).toBe(stopped);
    expect(Date.parse(result.marks.connection_established!.at)).toBe(result.emulator.flowCreatedAt);
    expect(result.downtime.window?.ms).toBe(result.emulator.flowCreatedAt - stopped);
    expect(run.stderr).toContain('→ verifying');
  }, 70_000);
});
