// FleetWakes over the team store: NOTIFY on the channel cutover_wake with "WORKER TICKET-KEY", and a connection
// of its own that LISTENs and passes on the other workers' announcements (its own it skips: its caller has
// already woken them). A lost listening connection (a server restart) is opened again; a wake announced while
// it was away is missed, which costs that migration nothing but the wait until its next scheduled poll.
import type { Client } from 'pg';
import type { FleetWakes } from '../../ports.js';
import { poolConfig } from './connect.js';
import { pgError } from './errors.js';
import { maskUrl } from './url.js';

export const WAKE_CHANNEL = 'cutover_wake';
const RECONNECT_MS = 2_000;
/** As the pool's: a network that drops packets must not hang a relisten (or a stopping watch) for minutes. */
const CONNECT_TIMEOUT_MS = 10_000;

export class PostgresWakes implements FleetWakes {
  private listener: Client | null = null;
  private onWake: ((ticketKey: string) => void) | null = null;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;

  /** Tells this worker's announcements from the others'. */
  private readonly worker = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;

  constructor(
    private readonly url: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  private async client(): Promise<Client> {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ ...poolConfig(this.url, this.env), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    await client.connect();
    return client;
  }

  async publish(ticketKey: string): Promise<void> {
    let client: Client | null = null;
    try {
      client = await this.client();
      await client.query('SELECT pg_notify($1, $2)', [WAKE_CHANNEL, `${this.worker} ${ticketKey}`]);
    } catch (err) {
      throw pgError(err, maskUrl(this.url));
    } finally {
      await client?.end().catch(() => {});
    }
  }

  async subscribe(onWake: (ticketKey: string) => void): Promise<void> {
    this.onWake = onWake;
    await this.listen();
  }

  private async listen(): Promise<void> {
    const client = await this.client().catch((err: unknown) => Promise.reject(pgError(err, maskUrl(this.url))));
    client.on('notification', (n) => {
      const [from, ticketKey] = (n.payload ?? '').split(' ');
      if (n.channel === WAKE_CHANNEL && ticketKey && from !== this.worker) this.onWake?.(ticketKey);
    });
    client.on('error', () => this.relisten());
    client.on('end', () => this.relisten());
    try {
      await client.query(`LISTEN ${WAKE_CHANNEL}`);
    } catch (err) {
      // Ended here, not passed to relisten: the caller decides whether to try again.
      client
        .removeAllListeners('end')
        .removeAllListeners('error')
        .on('error', () => {});
      await client.end().catch(() => {});
      throw pgError(err, maskUrl(this.url));
    }
    // Closed while this connection was being opened (a watch stopping during an outage): an open socket would
    // keep the process alive.
    if (this.closed) return void (await client.end().catch(() => {}));
    this.listener = client;
  }

  private relisten(): void {
    if (this.closed || this.timer) return;
    this.listener = null;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.listen().catch(() => this.relisten());
    }, RECONNECT_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.listener?.end().catch(() => {});
  }
}
