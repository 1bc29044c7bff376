// Commands of support-engineer operations: confirm, skip, set-resolution, cancel, unlock, export, import.
// (list, show, resume and retry are registered in program.ts; watch in register-watch.ts.) Every command
// that changes a migration takes --reason, checked before the database is opened.
import type { Add } from './program.js';
import { reasonOption } from './program.js';

export function registerSupport(add: Add): void {
  add('confirm <id>', 'record that a solution without an API check sees the audiences (checked by hand)', () => import('./commands/confirm.js'))
    .option('--solution <solution>', 'audience_manager, target, advertising_cloud, marketo, analytics or campaign')
    .addOption(reasonOption());
  add('skip <id>', 'let a parked migration past a failed preflight check or a verification timeout', () => import('./commands/skip.js'))
    .option('--check <id>', 'the failed check to skip (a preflight check id, or "verification")')
    .addOption(reasonOption());
  add('set-resolution <id>', 'record when the legacy pipe stopped, when Jira cannot say or said it wrong', () => import('./commands/set-resolution.js'))
    .option('--at <instant>', 'ISO-8601 instant with offset, e.g. 2026-03-29T14:05:00Z')
    .option('--force', 'override although Jira does not show the ticket done (CC confirmed it; needs --reason)')
    .addOption(reasonOption());
  add('cancel <id>', 'cancel a migration before the legacy pipe is off (withdraws a ticket this tool filed)', () => import('./commands/cancel.js'))
    .addOption(reasonOption());
  add('unlock <id>', 'take over the lock of a runner that is gone, so another runner can resume', () => import('./commands/unlock.js'))
    .option('--lock-id <nonce>', 'the lock id cutover list shows for the current holder')
    .addOption(reasonOption());
  add('export <id>', 'write a support bundle (JSON, no secrets) to move a migration to another machine', () => import('./commands/export.js'))
    .option('--out <file>', 'write to this file (mode 0600) instead of stdout')
    .option('--json', 'with --out: print what was written (path, bytes, sha256) as JSON; without: the bundle');
  add('import <file>', 'restore a support bundle into this database; then cutover resume ID continues it', () => import('./commands/import.js'));
}
