import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The second person of a four-eyes action: resend, cancel-and-reinstruct and buy-in are recorded in
 * the instruction's history with the maker (operator) and the checker who approved; a waiver names
 * the supervisor who approved it beside the person who asked for it.
 */
export class SettlementCheckers1796710000000 implements MigrationInterface {
  name = 'SettlementCheckers1796710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE settlement.instruction_history ADD COLUMN checker text`);
    await q.query(`ALTER TABLE settlement.instructions ADD COLUMN buy_in_approved_by text`);
    await q.query(`ALTER TABLE settlement.penalties ADD COLUMN waiver_approved_by text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE settlement.penalties DROP COLUMN waiver_approved_by`);
    await q.query(`ALTER TABLE settlement.instructions DROP COLUMN buy_in_approved_by`);
    await q.query(`ALTER TABLE settlement.instruction_history DROP COLUMN checker`);
  }
}
