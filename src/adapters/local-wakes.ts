// FleetWakes for a SQLite file: every worker of that fleet is this process, which wakes its own migrations
// directly, so there is nothing to announce to anyone else.
import type { FleetWakes } from '../ports.js';

export class LocalWakes implements FleetWakes {
  async publish(_ticketKey: string): Promise<void> {}

  async subscribe(_onWake: (ticketKey: string) => void): Promise<void> {}

  async close(): Promise<void> {}
}
