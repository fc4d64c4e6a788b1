import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Instructions can be cancelled (sese.020): a CANCELLED instruction is never matched or settled again. */
export class MarketSimCancellations1795734300000 implements MigrationInterface {
  name = 'MarketSimCancellations1795734300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE market_sim.instructions DROP CONSTRAINT instructions_status_check`);
    await q.query(`ALTER TABLE market_sim.instructions ADD CONSTRAINT instructions_status_check
      CHECK (status IN ('MATCHED', 'UNMATCHED', 'FAILING', 'SETTLED', 'CANCELLED'))`);
    await q.query(`ALTER TABLE market_sim.instructions ADD COLUMN cancelled_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE market_sim.instructions DROP COLUMN cancelled_at`);
    await q.query(`ALTER TABLE market_sim.instructions DROP CONSTRAINT instructions_status_check`);
    // Refused while a CANCELLED row exists: the old schema cannot hold it.
    await q.query(`ALTER TABLE market_sim.instructions ADD CONSTRAINT instructions_status_check
      CHECK (status IN ('MATCHED', 'UNMATCHED', 'FAILING', 'SETTLED'))`);
  }
}
