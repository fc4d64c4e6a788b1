import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A penalty can be waived once, by a named person with a reason; the accrual stays, accounting reverses it. */
export class SettlementPenaltyWaivers1796000200000 implements MigrationInterface {
  name = 'SettlementPenaltyWaivers1796000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE settlement.penalties ADD COLUMN waived_by text, ADD COLUMN waived_at timestamptz, ADD COLUMN waiver_reason text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE settlement.penalties DROP COLUMN waived_by, DROP COLUMN waived_at, DROP COLUMN waiver_reason`);
  }
}
