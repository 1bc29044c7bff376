// Shared rules of the operator commands: every override carries a reason, checked before anything is opened.
import { UsageError } from '../../errors.js';

export function requireReason(reason: string | undefined, command: string): string {
  if (!reason || reason.trim() === '') {
    throw new UsageError(
      `cutover ${command} changes a migration and needs --reason`,
      `add --reason "why" (it is written to the journal with who and when)`,
    );
  }
  return reason.trim();
}
