// Every command of the CLI, registered in this one file (as changesets' cli.ts does): its name, description and
// flags, and the module that runs it, imported only when that command runs, so `cutover --version` loads
// nothing but commander. Every command that changes a migration takes --reason, checked before the database
// is opened.
import { Argument, type Command, Option } from 'commander';
import type { CommandModule } from '../program.js';

export type Add = (name: string, description: string, load: () => Promise<CommandModule>) => Command;

export function registerCommands(add: Add): void {
  registerCore(add);
  registerGuided(add);
  registerSupport(add);
  registerReporting(add);
  registerWatch(add);
}

function registerCore(add: Add): void {
  add('list', 'list migrations with their state, age, last error and lock holder', () => import('./list.js'))
    .option(
      '--status <status>',
      'only this status: active, waiting, needs_attention, completed, cancelled, rolled_back',
    )
    .option('--org <orgId>', 'only this org')
    .option('--stalled', 'only stalled migrations, each with its reason')
    .option('--stall-hours <n>', 'no progress for this many hours counts as stalled', '24')
    .option('--limit <n>', 'show at most this many, most recently updated first (default 50; 0: all)')
    .option('--json', 'print JSON');
  add(
    'show <id>',
    'show one migration: state, next action, downtime marks and its journal as a timeline',
    () => import('./show.js'),
  ).option('--json', 'print JSON');
  const resumed = 'drive a migration until it finishes (in a terminal) or first waits on the outside world';
  add('resume <id>', resumed, () => import('./resume.js'))
    .option('--follow', 'keep going until the migration finishes, however long it takes (default in a terminal)')
    .option('--no-follow', 'return at the first wait, exit 6 (default without a terminal)')
    .option('--json', 'print the outcome as JSON');
  add('retry <id>', 'retry the step a migration is parked on', () => import('./retry.js')).addOption(reasonOption());
  add(
    'demo',
    'run a whole migration against the built-in emulator, on this machine, in seconds',
    () => import('./demo.js'),
  )
    .option('--resolve-after-ms <ms>', 'when the simulated Customer Care resolves the ticket', '3000')
    .option('--json', 'print JSON');
  add(
    'emulator',
    'serve the built-in emulator of Jira, IMS, AEP and Audience Manager on 127.0.0.1',
    () => import('./emulator.js'),
  )
    .option('--port <n>', 'port (0 picks a free one)', '0')
    .option('--seed <n>', 'seed of the simulated orgs')
    .option('--latency-ms <ms>', 'added to every response')
    .option('--time-scale <x>', 'multiplies the simulated delays')
    .option('--jira-flavor <flavor>', 'cloud or dc', 'cloud')
    .option('--auto-resolve-after-ms <ms>', 'Customer Care resolves each new ticket after this long');
  const completion = 'print a shell completion script for every command and flag (bash, zsh or fish)';
  add('completion', completion, () => import('./completion.js')).addArgument(
    new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']),
  );
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function acceptOptions(): Option[] {
  return [
    new Option('--accept <check>', 'accept a preflight warning (repeatable; pair each with --reason)').argParser(
      collect,
    ),
    new Option('--reason <text>', 'why the warning before it is acceptable (recorded with who and when)').argParser(
      collect,
    ),
  ];
}

function registerStart(add: Add): void {
  const cmd = add(
    'start',
    'guided migration: asks what to move, checks, files the ticket, waits, cuts over and verifies',
    () => import('./start.js'),
  )
    .option('--plan <file>', 'take the answers from a plan file (JSON) instead of asking')
    .option('-y, --yes', 'do not ask: defaults and flags answer every question (needed without a terminal)')
    .option('--follow', 'keep going until the migration finishes (default when interactive)')
    .option('--no-follow', 'return once the ticket is filed, exit 6 (default with --yes)')
    .option('--plan-out <file>', 'save the answers as a plan file')
    .option('--poll-every <seconds>', 'check the ticket and Audience Manager this often (default 60 s / 30 s)')
    .option('--confirm <solutions>', 'solutions checked by hand (e.g. target): confirmed once verifying')
    .option('--org <id>', 'IMS org id (default: CUTOVER_ORG_ID)')
    .option('--sandbox <name>', 'sandbox (default: CUTOVER_SANDBOX or prod)')
    .option(
      '--solutions <list>',
      'comma-separated: audience_manager,target,advertising_cloud,marketo,analytics,campaign',
    )
    .option(
      '--audiences <legacy|all|ids>',
      'legacy = what the legacy pipe shares today (default), all, or comma-separated segment ids',
    )
    .addOption(
      new Option(
        '--identity <source:target[:hash]>',
        'identity mapping, repeatable, e.g. ECID:ECID, Email:email_lc_sha256:hash',
      ).argParser(collect),
    )
    .option('--ticket <key>', 'attach this existing deprovisioning ticket instead of filing one')
    .option('--jira-project <key>', 'Jira project of the deprovisioning ticket')
    .option('--issue-type <name>', 'Jira issue type (default Task)')
    .option('--data-management', 'the plan relies on Audience Manager data-management use cases (needs its licence)')
    .option('--aam-licence', 'the org holds an Audience Manager licence (recorded as an accepted licence check)')
    .option('--name <text>', 'name of the destination connection')
    .option('--account-id <id>', 'destination account id')
    .option('--token-env <name>', 'environment variable holding the destination bearer token (never stored)')
    .option('--json', 'print the outcome as JSON once the drive stops (talk stays on stderr)');
  for (const option of acceptOptions()) cmd.addOption(option);
}

function registerGuided(add: Add): void {
  registerStart(add);
  const plan = add(
    'plan',
    'dry run: preflight and every request start would make, without side effects',
    () => import('./plan.js'),
  )
    .option('--plan <file>', 'the plan file (JSON)')
    .option('--json', 'print JSON');
  for (const option of acceptOptions()) plan.addOption(option);
  const doctor = 'check the configuration and the credentials of every service, each with its fix';
  add('doctor', doctor, () => import('./doctor.js'))
    .option('--timeout <seconds>', 'fail a check not answered after this many seconds (default 10; one attempt each)')
    .addOption(
      new Option(
        '--notify-test <url>',
        'post a harmless test event to this notification receiver (repeatable)',
      ).argParser(collect),
    )
    .option('--notify-format <format>', 'slack or json, for --notify-test (default: by the URL, as watch does)')
    .option('--json', 'print JSON');
}

function registerReporting(add: Add): void {
  add(
    'report',
    'downtime windows and ticket turnaround across migrations (table, json, csv, md, html)',
    () => import('./report.js'),
  )
    .option('--since <iso>', 'only migrations created at or after this instant (or yyyy-MM-dd, UTC midnight)')
    .option('--until <iso>', 'only migrations created before this instant (or yyyy-MM-dd, UTC midnight)')
    .option('--org <orgId>', 'only this org')
    .option(
      '--status <status>',
      'only this status: active, waiting, needs_attention, completed, cancelled, rolled_back',
    )
    .option('--id <migrationId>', 'only this migration (with --format md: its record, to paste into the ticket)')
    .option('--format <format>', 'table (default), json, csv, md or html')
    .option('--json', 'same as --format json')
    .option('--out <file>', 'write the report to this file instead of stdout')
    .option('--holidays <file>', 'extra non-business days: yyyy-MM-dd per line, or a JSON array');
}

function registerSupport(add: Add): void {
  add(
    'confirm <id>',
    'record that a solution without an API check sees the audiences (checked by hand)',
    () => import('./confirm.js'),
  )
    .option('--solution <solution>', 'audience_manager, target, advertising_cloud, marketo, analytics or campaign')
    .addOption(reasonOption());
  add(
    'skip <id>',
    'let a parked migration past a failed preflight check or a verification timeout',
    () => import('./skip.js'),
  )
    .option('--check <id>', 'the failed check to skip (a preflight check id, or "verification")')
    .addOption(reasonOption());
  add(
    'set-resolution <id>',
    'record when the legacy pipe stopped, when Jira cannot say or said it wrong',
    () => import('./set-resolution.js'),
  )
    .option('--at <instant>', 'ISO-8601 instant with offset, e.g. 2026-03-29T14:05:00Z')
    .option('--force', 'override although Jira does not show the ticket done (CC confirmed it; needs --reason)')
    .addOption(reasonOption());
  add(
    'cancel <id>',
    'cancel a migration before the legacy pipe is off (withdraws a ticket this tool filed)',
    () => import('./cancel.js'),
  ).addOption(reasonOption());
  add(
    'rollback <id>',
    'go back to legacy sharing once the legacy pipe is off: disable the new flow, ask Customer Care to re-enable',
    () => import('./rollback.js'),
  )
    .option('--force', 'roll back a completed migration too (needs --reason)')
    .option('--delete-connection', 'delete the disabled flow and the staged connections instead of keeping them')
    .option('--follow', 'keep going until legacy sharing is back and seen (default in a terminal)')
    .option('--no-follow', 'return at the first wait, exit 6 (default without a terminal)')
    .option('--json', 'print the outcome as JSON')
    .addOption(reasonOption());
  add(
    'unlock <id>',
    'take over the lock of a runner that is gone, so another runner can resume',
    () => import('./unlock.js'),
  )
    .option('--lock-id <nonce>', 'the lock id cutover list shows for the current holder')
    .addOption(reasonOption());
  add(
    'export <id>',
    'write a support bundle (JSON, no secrets) to move a migration to another machine',
    () => import('./export.js'),
  )
    .option('--out <file>', 'write to this file (mode 0600) instead of stdout')
    .option('--json', 'with --out: print what was written (path, bytes, sha256) as JSON; without: the bundle');
  add(
    'import <file>',
    'restore a support bundle into this database; then cutover resume ID continues it',
    () => import('./import.js'),
  );
  add(
    'store <action>',
    'init: create the store --db names (a team store: its schema); copy: copy a SQLite file into a team store',
    () => import('./store.js'),
  )
    .option('--from <file>', 'the SQLite file to copy from')
    .option('--to <url>', 'the team store: postgres://user@host:port/database')
    .option('--json', 'print what was copied as JSON');
}

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

As a service (docs/operating-watch.md): --listen HOST:PORT serves GET /healthz, /readyz and /metrics
(Prometheus); it may be the webhook receiver's address. --notify URL (repeatable) posts an event when a ticket
resolves, a cut-over completes, a migration needs attention, a ticket passes its service level, a rollback
starts or ends: a Slack body for hooks.slack.com URLs (or --notify-format slack), else a JSON event signed with
CUTOVER_NOTIFY_SECRET (X-Cutover-Signature-256). Each event is delivered once per receiver, retried with
backoff; cutover notifications lists them. SIGTERM drains: no new drive starts, running ones get
--grace-seconds to reach their next wait, then the watch exits 0.

Exit codes: 0 when stopped by Ctrl-C or SIGTERM (running drives are saved and their locks released; a
stopped watch is not an error), or after --once; with --once, 3 if a migration it drove now needs attention
and 1 if a drive failed with an error (failures take precedence); 2 for bad flags or configuration
(including --webhook-port without CUTOVER_WEBHOOK_SECRET).

Examples:
  cutover watch --concurrency 4 --rate 2
  CUTOVER_WEBHOOK_SECRET=... cutover watch --webhook-port 8787
  cutover watch --once          # one pass, e.g. from cron
  CUTOVER_NOTIFY_SECRET=... cutover watch --listen 127.0.0.1:9464 --notify https://ops.example/hooks/cutover
`;

function registerWatch(add: Add): void {
  add(
    'watch',
    'drive every active or waiting migration as it becomes due (optionally woken by Jira webhooks)',
    () => import('./watch.js'),
  )
    .option('--org <orgId>', 'only migrations of this org')
    .option('--concurrency <n>', 'drives running at once', '8')
    .option('--rate <r>', 'drives started per second, at most', '5')
    .option(
      '--webhook-port <port>',
      'start the Jira webhook receiver on this port (0 picks a free one); needs CUTOVER_WEBHOOK_SECRET',
    )
    .option('--webhook-host <host>', 'address the webhook receiver listens on', '127.0.0.1')
    .option('--once', 'one pass over the migrations due now, then exit (for cron)')
    .option('--jira-rate <r>', 'requests per second to each Jira site, at most (default: CUTOVER_JIRA_RATE, 2)')
    .option('--listen <host:port>', 'serve /healthz, /readyz and /metrics here (127.0.0.1 unless a host is given)')
    .addOption(new Option('--notify <url>', 'post notifications to this URL (repeatable)').argParser(collect))
    .option('--notify-format <format>', 'slack or json (default: slack for hooks.slack.com URLs, else json)')
    .option('--notify-retry-ms <ms>', 'first pause after a failed post; doubles per failure (default 5000)')
    .option('--log-format <format>', 'text (default) or json: one JSON object per line on stderr')
    .option('--grace-seconds <s>', 'on SIGTERM, how long running drives may take to reach their next wait', '10')
    .option('--json', 'print the summary as JSON on stdout')
    .addHelpText('after', WATCH_HELP);
  add(
    'notifications',
    'what watch --notify sent and what is stuck (exit 3 with --failed when something is)',
    () => import('./notifications.js'),
  )
    .option('--failed', 'only deliveries not sent yet that failed at least once')
    .option('--limit <n>', 'show at most this many, newest first (default 50; 0: all)')
    .option('--json', 'print JSON');
}

export function reasonOption(): Option {
  return new Option('--reason <text>', 'why (required: written to the journal with who and when)');
}
