// `cutover doctor --notify-test URL`: one harmless event posted to each receiver, only when asked. The result
// names the receiver by its id and origin, never by its URL (it carries a token).
import { randomUUID } from 'node:crypto';
import type { OutboxEvent } from '../../core/notifications.js';
import type { NotifyFormat } from './payload.js';
import { httpReceiver } from './receiver.js';

export interface NotifyCheck {
  receiver: string;
  title: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export function testEvent(at: string): OutboxEvent {
  return { id: `test.${randomUUID()}`, type: 'test', migrationId: '-', orgId: '-', at, data: { test: true } };
}

export async function checkReceivers(
  urls: string[],
  options: { format?: NotifyFormat; secret?: string; at: string; timeoutMs: number },
): Promise<NotifyCheck[]> {
  return Promise.all(
    urls.map(async (url) => {
      const receiver = httpReceiver({
        url,
        format: options.format,
        secret: options.secret,
        timeoutMs: options.timeoutMs,
      });
      const title = `notification receiver ${receiver.id} (${receiver.format}, ${receiver.label})`;
      const result = await receiver.post(testEvent(options.at));
      if (result.ok)
        return { receiver: receiver.id, title, ok: true, detail: `accepted a test event (HTTP ${result.status})` };
      const fix =
        result.status === 401 || result.status === 403
          ? 'the receiver refused the signature: give it the same secret as CUTOVER_NOTIFY_SECRET'
          : 'check the URL (a revoked Slack hook answers 404 or 410) and that this machine can reach it';
      return { receiver: receiver.id, title, ok: false, detail: result.error, fix };
    }),
  );
}
