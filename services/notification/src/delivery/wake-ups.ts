import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CONFIG, LOG, NotificationListener, type BaseConfig, type Log } from '@postera/platform';

/**
 * Channels the notification schema's triggers notify on (migration 1796200000000): deliveries routed
 * wake the senders. Notices no longer wake the router (migration 1796400000000): every writer of
 * notices routes them in its own transaction.
 */
export const WAKE_UP = { deliveries: 'notification_deliveries' } as const;
type Channel = (typeof WAKE_UP)[keyof typeof WAKE_UP];

/**
 * One LISTEN connection for the service's background loops: the senders are woken when deliveries
 * are routed — on every replica, since the trigger notifies at commit. While the connection is down (it is opened again with backoff) the loops still poll
 * (SEND_POLL_MS): a wake-up is a shortcut, never the only way work is found; every loop is woken
 * when it is back.
 */
@Injectable()
export class WakeUps implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly listeners = new Map<Channel, Array<() => void>>();
  private listener: NotificationListener | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: BaseConfig,
    @Inject(LOG) private readonly log: Log,
  ) {}

  on(channel: Channel, wake: () => void): void {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), wake]);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.listener = new NotificationListener(this.config.DATABASE_URL, Object.values(WAKE_UP), {
      applicationName: `${this.config.SERVICE_NAME}-wake-ups`,
      onNotify: (channel) => {
        for (const wake of this.listeners.get(channel as Channel) ?? []) wake();
      },
      onListening: () => {
        for (const wakes of this.listeners.values()) for (const wake of wakes) wake();
      },
      onLost: (e) => this.log.warn({ err: e }, 'wake-up listener lost; the loops poll until it is back'),
    });
    await this.listener.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.listener?.close();
  }
}
