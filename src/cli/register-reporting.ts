// Commands of downtime reports: report.
import type { Add } from './program.js';

export function registerReporting(add: Add): void {
  add('report', 'downtime windows and ticket turnaround across migrations (table, json, csv, md, html)', () => import('./commands/report.js'))
    .option('--since <iso>', 'only migrations created at or after this instant (or yyyy-MM-dd, UTC midnight)')
    .option('--until <iso>', 'only migrations created before this instant (or yyyy-MM-dd, UTC midnight)')
    .option('--org <orgId>', 'only this org')
    .option('--status <status>', 'only this status: active, waiting, needs_attention, completed, cancelled')
    .option('--id <migrationId>', 'only this migration (with --format md: its record, to paste into the ticket)')
    .option('--format <format>', 'table (default), json, csv, md or html')
    .option('--json', 'same as --format json')
    .option('--out <file>', 'write the report to this file instead of stdout')
    .option('--holidays <file>', 'extra non-business days: yyyy-MM-dd per line, or a JSON array');
}
