import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CONFIG, LOG, type Log } from '@postera/platform';
import { DataSource } from 'typeorm';
import type { NotificationConfig } from '../../../config.js';
import { routeNotices } from '../../persistence/notices.repository.js';

const LOOP_BACKOFF_MAX_MS = 30_000;

/** Gives each owed notice its deliveries once its party's contacts are known (see routeNotices), in a loop of its own. */
@Injectable()
export class NoticeRouter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: NotificationConfig,
    @Inject(LOG) private readonly log: Log,
    private readonly ds: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const r = await routeNotices(this.ds, this.config.FIRM_NAME, this.config.ROUTE_BATCH_MAX);
        failures = 0;
        if (r.skipped + r.noContact > 0) this.log.info(r, 'notices routed');
        if (r.noContact > 0) this.log.warn({ noContact: r.noContact }, 'notices without any contact: see GET /notices?status=NO_CONTACT');
        if (r.routed + r.skipped + r.noContact < this.config.ROUTE_BATCH_MAX) await this.idle(this.config.SEND_POLL_MS);
      } catch (e) {
        failures++;
        const backoffMs = Math.min(LOOP_BACKOFF_MAX_MS, this.config.SEND_POLL_MS * 2 ** Math.min(failures, 10));
        this.log.error({ err: e, backoffMs }, 'routing pass failed; retrying');
        await this.idle(backoffMs);
      }
    }
  }

  private idle(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }
}
