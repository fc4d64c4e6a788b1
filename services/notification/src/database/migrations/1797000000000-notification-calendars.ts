import { calendarsTableSql } from '@postera/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The calendars as the referential publishes them on refdata.calendars.v1 (compacted,
 * keyed by calendar code), whole: notice deadlines and fail reminders count business days on them. A
 * code with no row yet is read from the kernel's built-in calendar of that code.
 */
export class NotificationCalendars1797000000000 implements MigrationInterface {
  name = 'NotificationCalendars1797000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(calendarsTableSql('notification'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification.calendars`);
  }
}
