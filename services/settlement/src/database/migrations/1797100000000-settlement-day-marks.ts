import { dayMarksTableSql } from '@postera/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The CSD's end-of-day markers read on custodian.status.v1 (contracts: day-markers.v1), one row per
 * day and partition: a day marked on every partition is marked in turn on settlement.events.v1.
 * The runtime role reads and writes it through the schema owner's default privileges
 * (deploy/postgres/roles.sql), as every other settlement table; settlement has no role of its own to grant.
 */
export class SettlementDayMarks1797100000000 implements MigrationInterface {
  name = 'SettlementDayMarks1797100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(dayMarksTableSql('settlement'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE settlement.day_marks`);
  }
}
