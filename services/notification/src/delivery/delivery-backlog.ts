import { Injectable } from '@nestjs/common';
import { PlatformMetrics } from '@postera/platform';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { CLAIMABLE, type Channel } from './delivery.repository.js';

/**
 * The deliveries waiting for a sender: what claimDue would take now (CLAIMABLE), read from the same
 * partial index (notifications_due). Retries waiting out their backoff are not counted: more
 * senders would not send them sooner.
 *
 * The autoscaler's query (KEDA's postgresql scaler, deploy/k8s/base/notification.yaml): one integer.
 * The service's consumers can be at zero lag while thousands of mails wait in this table; a
 * trigger on Kafka lag alone would never add the replica that sends them. test/deploy checks that
 * the manifest asks exactly this.
 */
export const DELIVERIES_DUE_SQL = `SELECT count(*) FROM notification.notifications n WHERE ${CLAIMABLE}`;

/** Deliveries waiting for a sender, per channel (0 for a channel with none). */
export async function deliveriesDue(ds: DataSource): Promise<Record<Channel, number>> {
  const rows = (await ds.query(`SELECT n.channel, count(*)::int AS due FROM notification.notifications n WHERE ${CLAIMABLE} GROUP BY n.channel`)) as Array<{
    channel: Channel;
    due: number;
  }>;
  const perChannel: Record<Channel, number> = { EMAIL: 0, WEBHOOK: 0 };
  for (const r of rows) perChannel[r.channel] = r.due;
  return perChannel;
}

/**
 * postera_notification_deliveries_due{channel}, read at each scrape: the backlog the autoscaler
 * scales on, for the dashboards and alerts (a backlog that grows while the senders run is an SMTP
 * server or an endpoint slower than the flow of notices).
 */
@Injectable()
export class DeliveryBacklogGauge {
  constructor(ds: DataSource, metrics: PlatformMetrics) {
    new Gauge({
      name: 'postera_notification_deliveries_due',
      help: 'Deliveries due and not claimed by a sender, per channel (what the autoscaler scales on)',
      labelNames: ['channel'],
      registers: [metrics.registry],
      async collect() {
        for (const [channel, n] of Object.entries(await deliveriesDue(ds))) this.set({ channel }, n);
      },
    });
  }
}
