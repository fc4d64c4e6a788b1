import { Controller, Get, Header, HttpException, Inject, SetMetadata } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { MessageBus } from '../messaging/message-bus.port.js';
import { PlatformMetrics } from '../observability/metrics.js';
import type { Log } from '../logger.js';
import { LOG, MESSAGE_BUS, PUBLIC_ROUTE } from './tokens.js';

/** Public where a service authenticates its callers (the gateway): probes and scrapes carry no token. */
@SetMetadata(PUBLIC_ROUTE, true)
@Controller()
export class ObservabilityController {
  constructor(
    private readonly ds: DataSource,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly metrics: PlatformMetrics,
    @Inject(LOG) private readonly log: Log,
  ) {}

  /**
   * Liveness: 200 while the process answers HTTP (its event loop runs), whatever Postgres and Kafka
   * do. A dependency outage makes every pod unready (GET /health) but must not restart them all:
   * a restart cannot bring the database back, and it would drop the batches in hand.
   */
  @Get('health/live')
  live() {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  /**
   * Readiness: 200 when Postgres and Kafka both answer, 503 naming the one that does not. The route
   * is public, so the reason (a host name, a user, a driver's words) goes to the log, not the answer.
   */
  @Get('health')
  async health() {
    const down = (what: string) => (e: Error) => {
      this.log.warn({ dependency: what, err: e.message }, 'readiness: dependency down');
      return 'down';
    };
    const [postgres, kafka] = await Promise.all([
      this.ds.query('SELECT 1').then(() => 'up', down('postgres')),
      this.bus.ping(2000).then(() => 'up', down('kafka')),
    ]);
    const body = { status: postgres === 'up' && kafka === 'up' ? 'ok' : 'error', checks: { postgres, kafka } };
    if (body.status !== 'ok') throw new HttpException(body, 503);
    return body;
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async prometheus(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
