import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CONFIG, listenForNotifications, LOG, type BaseConfig, type Log } from '@postera/platform';
import pg from 'pg';

/** Channels the notification schema's triggers notify on (migration 1796200000000). */
export const WAKE_UP = { notices: 'notification_notices', deliveries: 'notification_deliveries' } as const;
type Channel = (typeof WAKE_UP)[keyof typeof WAKE_UP];

/**
 * One LISTEN connection for the service's background loops: the router is woken when notices are
 * owed, the senders when deliveries are routed — on every replica, since the triggers notify at
 * commit. Should the connection fail or be lost, the loops still poll (SEND_POLL_MS): a wake-up is
 * a shortcut, never the only way work is found.
 */
@Injectable()
export class WakeUps implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly listeners = new Map<Channel, Array<() => void>>();
  private client: pg.Client | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: BaseConfig,
    @Inject(LOG) private readonly log: Log,
  ) {}

  on(channel: Channel, wake: () => void): void {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), wake]);
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      this.client = await listenForNotifications(this.config.DATABASE_URL, Object.values(WAKE_UP), {
        applicationName: `${this.config.SERVICE_NAME}-wake-ups`,
        onNotify: (channel) => {
          for (const wake of this.listeners.get(channel as Channel) ?? []) wake();
        },
        onLost: (e) => this.log.warn({ err: e }, 'wake-up listener lost; the loops poll'),
      });
    } catch (e) {
      this.log.warn({ err: e }, 'wake-up listener not started; the loops poll');
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.client?.end().catch(() => undefined);
  }
}
