import { calendarsTableSql } from '@postera/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The calendars as the referential publishes them on refdata.calendars.v1 (compacted, keyed by
 * calendar code), whole: the ages of reconciliation breaks are counted on them. A code with no row yet is read from the kernel's built-in calendar
 * of that code.
 */
export class AccountingCalendars1797200000000 implements MigrationInterface {
  name = 'AccountingCalendars1797200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(calendarsTableSql('accounting'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE accounting.calendars`);
  }
}
