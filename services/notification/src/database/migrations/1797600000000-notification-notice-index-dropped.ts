import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `notifications_notice (notice_id)` repeats the leading column of the unique
 * `notifications_once_per_recipient (notice_id, channel, recipient)`, which serves the same lookups;
 * no update of a delivery is HOT (its status is in the partial indexes' predicates), so each insert
 * and each update wrote an entry in it for nothing.
 */
export class NotificationNoticeIndexDropped1797600000000 implements MigrationInterface {
  name = 'NotificationNoticeIndexDropped1797600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX notification.notifications_notice`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX notifications_notice ON notification.notifications (notice_id)`);
  }
}
