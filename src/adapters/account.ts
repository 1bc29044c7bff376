// Who is running this process, for the journal's `by` and the lease holder. $USER (or $LOGNAME) when set, as a
// shell user expects; otherwise the OS account of the process (containers, cron and systemd often leave $USER
// unset); never a throw: a uid with no passwd entry still gets a name.
import { hostname, userInfo } from 'node:os';

export function accountName(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.USER?.trim() || env.LOGNAME?.trim();
  if (fromEnv) return fromEnv;
  try {
    const name = userInfo().username;
    if (name) return name;
  } catch {
    // No passwd entry for this uid (userInfo throws): fall through to the uid itself.
  }
  return typeof process.getuid === 'function' ? `uid-${process.getuid()}` : 'unknown';
}

/** The lease holder this process drives as: user@host:pid (a holder on this host whose pid is gone is dead). */
export function defaultHolder(): string {
  return `${accountName()}@${hostname()}:${process.pid}`;
}
