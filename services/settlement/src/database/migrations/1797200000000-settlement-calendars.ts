import { calendarsTableSql } from '@postera/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The settlement calendars as the referential publishes them on refdata.calendars.v1 (compacted,
 * keyed by calendar code), whole: fails age, penalty days are counted and nets close on them. A
 * code with no row yet is read from the kernel's built-in calendar of that code.
 */
export class SettlementCalendars1797200000000 implements MigrationInterface {
  name = 'SettlementCalendars1797200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(calendarsTableSql('settlement'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE settlement.calendars`);
  }
}
