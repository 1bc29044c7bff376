// The fleet driver: watch (with its optional Jira webhook receiver).
import type { Add } from './program.js';

const WATCH_HELP = `
Drives every active or waiting migration in the database (needs_attention, completed and cancelled ones are
left alone): each is driven when it is due (its next ticket poll, verification check or retry), until it
waits again. A migration another runner holds the lock of is skipped and tried again later.

Webhook receiver (optional): --webhook-port starts an HTTP receiver for Jira's jira:issue_updated webhook.
Deliveries must be signed (configure a secret on the Jira webhook and export the same value as
CUTOVER_WEBHOOK_SECRET; unsigned or wrongly signed deliveries get 401). A delivery for a ticket a migration
waits on makes it re-read the ticket at once; the resolution time always comes from Jira's REST API, never
from the delivery. It listens on 127.0.0.1 unless --webhook-host says otherwise: expose it through your own
tunnel. Any path is accepted.

Exit codes: 0 when stopped by Ctrl-C or SIGTERM (running drives are saved and their locks released; a
stopped watch is not an error), or after --once; with --once, 3 if a migration it drove now needs attention
and 1 if a drive failed with an error (failures take precedence); 2 for bad flags or configuration
(including --webhook-port without CUTOVER_WEBHOOK_SECRET).

Examples:
  cutover watch --concurrency 4 --rate 2
  CUTOVER_WEBHOOK_SECRET=... cutover watch --webhook-port 8787
  cutover watch --once          # one pass, e.g. from cron
`;

export function registerWatch(add: Add): void {
  add('watch', 'drive every active or waiting migration as it becomes due (optionally woken by Jira webhooks)', () => import('./commands/watch.js'))
    .option('--org <orgId>', 'only migrations of this org')
    .option('--concurrency <n>', 'drives running at once', '8')
    .option('--rate <r>', 'drives started per second, at most', '5')
    .option('--webhook-port <port>', 'start the Jira webhook receiver on this port (0 picks a free one); needs CUTOVER_WEBHOOK_SECRET')
    .option('--webhook-host <host>', 'address the webhook receiver listens on', '127.0.0.1')
    .option('--once', 'one pass over the migrations due now, then exit (for cron)')
    .option('--json', 'print the summary as JSON on stdout')
    .addHelpText('after', WATCH_HELP);
}
