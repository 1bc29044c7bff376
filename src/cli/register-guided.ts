// Commands of the guided migration: start, plan, doctor (and demo, emulator: registered by the lead).
import { Option } from 'commander';
import type { Add } from './program.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function acceptOptions(): Option[] {
  return [
    new Option('--accept <check>', 'accept a preflight warning (repeatable; pair each with --reason)').argParser(collect),
    new Option('--reason <text>', 'why the warning before it is acceptable (recorded with who and when)').argParser(collect),
  ];
}

function registerStart(add: Add): void {
  const cmd = add('start', 'guided migration: asks what to move, checks, files the ticket, waits, cuts over and verifies', () => import('./commands/start.js'))
    .option('--plan <file>', 'take the answers from a plan file (JSON) instead of asking')
    .option('-y, --yes', 'do not ask: defaults and flags answer every question (needed without a terminal)')
    .option('--follow', 'keep going until the migration finishes (default when interactive)')
    .option('--no-follow', 'return once the ticket is filed, exit 6 (default with --yes)')
    .option('--plan-out <file>', 'save the answers as a plan file')
    .option('--poll-every <seconds>', 'check the ticket and Audience Manager this often (default 60 s / 30 s)')
    .option('--confirm <solutions>', 'solutions checked by hand (e.g. target): confirmed once verifying')
    .option('--org <id>', 'IMS org id (default: CUTOVER_ORG_ID)')
    .option('--sandbox <name>', 'sandbox (default: CUTOVER_SANDBOX or prod)')
    .option('--solutions <list>', 'comma-separated: audience_manager,target,advertising_cloud,marketo,analytics,campaign')
    .option('--audiences <legacy|all|ids>', 'legacy = what the legacy pipe shares today (default), all, or comma-separated segment ids')
    .addOption(new Option('--identity <source:target[:hash]>', 'identity mapping, repeatable, e.g. ECID:ECID, Email:email_lc_sha256:hash').argParser(collect))
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

export function registerGuided(add: Add): void {
  registerStart(add);
  const plan = add('plan', 'dry run: preflight and every request start would make, without side effects', () => import('./commands/plan.js'))
    .option('--plan <file>', 'the plan file (JSON)')
    .option('--json', 'print JSON');
  for (const option of acceptOptions()) plan.addOption(option);
  const doctor = 'check the configuration and the credentials of every service, each with its fix';
  add('doctor', doctor, () => import('./commands/doctor.js'))
    .option('--timeout <seconds>', 'fail a check not answered after this many seconds (default 10; one attempt each)')
    .option('--json', 'print JSON');
}
