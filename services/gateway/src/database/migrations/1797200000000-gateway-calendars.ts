import { calendarsTableSql } from '@postera/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The calendars as the referential publishes them on refdata.calendars.v1 (compacted, keyed by
 * calendar code), whole: a day is opened only if it is a business day on them. A code with no row yet is read from the kernel's built-in calendar
 * of that code.
 */
export class GatewayCalendars1797200000000 implements MigrationInterface {
  name = 'GatewayCalendars1797200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(calendarsTableSql('gateway'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE gateway.calendars`);
  }
}
