import pg from 'pg';

/** Waits between two tries at opening the connection again: 250 ms, doubling, at most 5 s. */
const RECONNECT_BACKOFF_MS_MIN = 250;
const RECONNECT_BACKOFF_MS_MAX = 5_000;

export interface ListenerHandlers {
  /** A NOTIFY on one of the channels, delivered at the notifier's commit. */
  onNotify: (channel: string) => void;
  /**
   * The connection listens (again): called after the first connect and after every reconnect, since
   * what was notified while it was down is lost — the caller looks for that work now.
   */
  onListening?: () => void;
  /** The connection failed (a Postgres restart, a network cut); it is being opened again. */
  onLost: (e: Error) => void;
  applicationName?: string;
}

/**
 * A connection of its own that LISTENs on `channels`, and comes back when lost. Callers poll as well
 * (a NOTIFY is a shortcut to work, never the only way to find it), but before, a listener lost in a
 * Postgres restart stayed lost: every hop of the process then waited for its poll until the process
 * restarted.
 */
export class NotificationListener {
  private client: pg.Client | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private failures = 0;

  constructor(
    private readonly databaseUrl: string,
    private readonly channels: readonly string[],
    private readonly handlers: ListenerHandlers,
  ) {}

  /** Opens the connection; if that fails, keeps trying in the background (never rejects). */
  async start(): Promise<void> {
    await this.open();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async open(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: this.handlers.applicationName });
    client.on('notification', (n) => this.handlers.onNotify(n.channel));
    let lost = false;
    const onLost = (e: Error) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = null;
      void client.end().catch(() => undefined);
      if (this.closed) return;
      this.handlers.onLost(e);
      this.scheduleReopen();
    };
    client.on('error', onLost);
    client.on('end', () => onLost(new Error('the listening connection ended')));
    try {
      await client.connect();
      for (const channel of this.channels) await client.query(`LISTEN ${channel}`);
    } catch (e) {
      onLost(e as Error);
      return;
    }
    if (this.closed || lost) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.failures = 0;
    this.handlers.onListening?.();
  }

  private scheduleReopen(): void {
    if (this.retry || this.closed) return;
    const delay = Math.min(RECONNECT_BACKOFF_MS_MAX, RECONNECT_BACKOFF_MS_MIN * 2 ** Math.min(this.failures++, 10));
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.open();
    }, delay);
    this.retry.unref();
  }
}
