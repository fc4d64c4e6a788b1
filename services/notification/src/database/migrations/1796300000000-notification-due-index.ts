import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The senders' claim reads the deliveries due now, per channel, in the order they came due. Its
 * index was the PENDING deliveries by creation: a claim walked every pending one, due or not — with
 * 20,000 webhook retries waiting for an endpoint that is down, every email claim read 24,000 rows
 * (21 ms) to find 5, several times a second. Now the index is what the claim asks: the channel's
 * pending deliveries by due time.
 */
export class NotificationDueIndex1796300000000 implements MigrationInterface {
  name = 'NotificationDueIndex1796300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX notifications_due ON notification.notifications (channel, next_attempt_at, notification_id) WHERE status = 'PENDING'`);
    await q.query(`DROP INDEX notification.notifications_pending`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX notifications_pending ON notification.notifications (created_at) WHERE status = 'PENDING'`);
    await q.query(`DROP INDEX notification.notifications_due`);
  }
}
