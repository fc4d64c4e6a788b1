import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CONFIG, LOG, type Log } from '@postera/platform';
import { DataSource } from 'typeorm';
import type { NotificationConfig } from '../../../config.js';
import { PollingLoop, type PassOutcome } from '../../../delivery/polling-loop.js';
import { routeNotices } from '../../persistence/notices.repository.js';

/**
 * Gives each owed notice its deliveries once its party's contacts are known (see routeNotices), in a
 * loop of its own that polls (SEND_POLL_MS). The notices written by the consumers and the close are
 * routed as they are written (writeNotices); what is left here is a party not known yet, contacts
 * that changed, and a document that cannot be built — none of which a wake-up at insert would help.
 */
@Injectable()
export class NoticeRouter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop: PollingLoop;

  constructor(
    @Inject(CONFIG) private readonly config: NotificationConfig,
    @Inject(LOG) private readonly log: Log,
    private readonly ds: DataSource,
  ) {
    this.loop = new PollingLoop({ name: 'routing', pollMs: config.SEND_POLL_MS, log, pass: () => this.routeOnce() });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  private async routeOnce(): Promise<PassOutcome> {
    const r = await routeNotices(this.ds, this.config.FIRM_NAME, this.config.ROUTE_BATCH_MAX);
    if (r.skipped + r.noContact > 0) this.log.info(r, 'notices routed');
    if (r.noContact > 0) this.log.warn({ noContact: r.noContact }, 'notices without any contact: see GET /notices?status=NO_CONTACT');
    return r.routed + r.skipped + r.noContact < this.config.ROUTE_BATCH_MAX ? 'idle' : 'more';
  }
}
