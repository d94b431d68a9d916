import pg from 'pg';
import type { Logger } from 'pino';
import { workChannel } from './notify-workers.js';

/**
 * Listens for work announcements on PostgreSQL and calls `wake` for each. The worker also
 * polls, so a lost connection only costs latency; the listener reconnects on its own.
 */
export class PostgresWakeListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly wake: () => void,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', () => this.wake());
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'work listener lost its connection; reconnecting');
      this.reconnect(client);
    });
    try {
      await client.connect();
      await client.query(`listen ${workChannel}`);
      this.client = client;
      // Work may have been announced while we were not listening.
      this.wake();
    } catch (error) {
      this.logger.warn(
        { err: error },
        'work listener could not connect; the worker polls meanwhile',
      );
      this.reconnect(client);
    }
  }

  private reconnect(client: pg.Client): void {
    client.end().catch(() => {});
    if (this.client === client) this.client = null;
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.start();
    }, 1_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.client?.end().catch(() => {});
    this.client = null;
  }
}
