import { Injectable } from '@nestjs/common';
import { PlatformMetrics } from '@postera/platform';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import type { Channel } from './delivery.repository.js';

/**
 * The deliveries waiting for a sender: pending, due, with a recipient, and not in a sender's hands
 * (a claim moves next_attempt_at to the end of its lease). What claimDue would take now, read from
 * the same partial index (notifications_due). Retries waiting out their backoff are not counted:
 * more senders would not send them sooner.
 */
const DUE = `status = 'PENDING' AND next_attempt_at <= now() AND recipient IS NOT NULL`;

/**
 * The autoscaler's query (KEDA's postgresql scaler, deploy/k8s/base/notification.yaml): one integer.
 * The service's consumers can be at zero lag while thousands of mails wait in this table; a
 * trigger on Kafka lag alone would never add the replica that sends them. test/deploy checks that
 * the manifest asks exactly this.
 */
export const DELIVERIES_DUE_SQL = `SELECT count(*) FROM notification.notifications WHERE ${DUE}`;

/** Deliveries waiting for a sender, per channel (0 for a channel with none). */
export async function deliveriesDue(ds: DataSource): Promise<Record<Channel, number>> {
  const rows = (await ds.query(`SELECT channel, count(*)::int AS n FROM notification.notifications WHERE ${DUE} GROUP BY channel`)) as Array<{
    channel: Channel;
    n: number;
  }>;
  const due: Record<Channel, number> = { EMAIL: 0, WEBHOOK: 0 };
  for (const r of rows) due[r.channel] = r.n;
  return due;
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
