// The two bodies a notification is posted as: the generic JSON event (signed, see http.ts) and a
// Slack-compatible incoming-webhook body (`text` for the notification line, `blocks` for the message).
import type { OutboxEvent } from '../../core/notifications.js';

export type NotifyFormat = 'json' | 'slack';

/** The generic event, exactly these keys: what the signature covers is this body, byte for byte. */
export function jsonBody(e: OutboxEvent): string {
  return JSON.stringify({ id: e.id, type: e.type, migrationId: e.migrationId, orgId: e.orgId, at: e.at, data: e.data });
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? 'n/a' : String(v));

/** One line saying what happened, for people. */
export function headline(e: OutboxEvent): string {
  const d = e.data;
  switch (e.type) {
    case 'ticket_resolved':
      return `Ticket ${str(d.ticketKey)} resolved: the legacy pipe stopped at ${str(d.resolvedAt)}`;
    case 'cutover_completed': {
      const downtime = d.downtime as { text?: string } | null;
      return `Cut-over completed for ${e.migrationId}: downtime window ${downtime?.text ?? 'n/a'}`;
    }
    case 'needs_attention':
      return `${e.migrationId} needs attention: ${str(d.reason)}`;
    case 'ticket_stalled':
      return `Ticket ${str(d.ticketKey)} passed its service level: ${str(d.reason)}`;
    case 'rollback_started':
      return `Rollback started for ${e.migrationId}`;
    case 'rollback_ended':
      return `Rollback ended for ${e.migrationId}`;
    case 'test':
      return 'cutover test notification: this receiver is reachable (nothing happened to any migration)';
  }
}

export function slackBody(e: OutboxEvent): string {
  const text = headline(e);
  const command = typeof e.data.command === 'string' ? e.data.command : null;
  const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text } }];
  if (command) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `Next: \`${command}\`` } });
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `${e.type} · migration ${e.migrationId} · org ${e.orgId} · ${e.at}` }],
  });
  return JSON.stringify({ text, blocks });
}

/** Slack's incoming webhooks (and look-alikes such as Mattermost's) take the Slack body. */
export function formatFor(url: string, forced: NotifyFormat | undefined): NotifyFormat {
  if (forced) return forced;
  try {
    const host = new URL(url).hostname;
    return host === 'hooks.slack.com' || host.endsWith('.slack.com') ? 'slack' : 'json';
  } catch {
    return 'json';
  }
}
