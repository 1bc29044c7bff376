// What a support engineer should do next, from a migration's stored state alone.
import type { MigrationRecord } from '../ports.js';

export function nextAction(m: MigrationRecord): string {
  const e = m.lastError;
  switch (m.status) {
    case 'completed':
      return 'nothing: the migration is complete (cutover report shows its downtime)';
    case 'cancelled':
      return 'nothing: the migration was cancelled';
    case 'waiting':
      return m.state.startsWith('awaiting_resolution')
        ? `waiting for Customer Care to resolve ${m.ticketKey ?? 'the ticket'}: cutover resume ${m.id} --follow (or cutover watch)`
        : `waiting for the audiences to reach Audience Manager: cutover resume ${m.id} --follow`;
    case 'needs_attention':
      if (e?.code === 'PREFLIGHT_FAILED') return `fix the failed checks, then cutover retry ${m.id} --reason "..." (or cutover skip ${m.id} --check ID --reason "...")`;
      if (e?.code === 'VERIFY_TIMEOUT') return `check the solutions by hand, then cutover confirm ${m.id} --solution S or cutover skip ${m.id} --check verification --reason "..."`;
      if (e?.code === 'RESOLUTION_TIME_UNKNOWN') return `find when the legacy pipe stopped, then cutover set-resolution ${m.id} --at ISO --reason "..."`;
      return `fix the cause (${e?.code ?? 'unknown'}), then cutover retry ${m.id} --reason "..."`;
    default:
      return `cutover resume ${m.id}`;
  }
}
