import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Instructions follow the trade lifecycle: a trade instructed at version 1, then amended, gets a
 * second instruction for version 2 while the first is CANCELLED. So the uniqueness moves from
 * "one instruction per trade" to "one live (not CANCELLED) instruction per trade", each
 * instruction knows the trade version it settles, and the last version heard of and the
 * cancellation of each trade are kept, so a late validation of an old version resurrects nothing.
 */
export class SettlementTradeLifecycle1795734000000 implements MigrationInterface {
  name = 'SettlementTradeLifecycle1795734000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE settlement.instructions ADD COLUMN trade_version integer NOT NULL DEFAULT 1 CHECK (trade_version >= 1)`);
    await q.query(`ALTER TABLE settlement.instructions ALTER COLUMN trade_version DROP DEFAULT`);
    await q.query(`ALTER TABLE settlement.instructions DROP CONSTRAINT instructions_trade_ref_key`);
    await q.query(`CREATE UNIQUE INDEX instructions_live_per_trade ON settlement.instructions (trade_ref) WHERE status <> 'CANCELLED'`);
    await q.query(`CREATE UNIQUE INDEX instructions_trade_version ON settlement.instructions (trade_ref, trade_version)`);
    await q.query(`CREATE TABLE settlement.trade_lifecycle (
      trade_ref text PRIMARY KEY,
      version_latest integer NOT NULL CHECK (version_latest >= 0),
      cancelled_version integer,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    // Post-migration assertion (formance): no trade has two live instructions.
    await q.query(`DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM settlement.instructions WHERE status <> 'CANCELLED' GROUP BY trade_ref HAVING count(*) > 1) THEN
        RAISE EXCEPTION 'a trade has more than one live instruction';
      END IF; END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE settlement.trade_lifecycle`);
    await q.query(`DROP INDEX settlement.instructions_trade_version`);
    await q.query(`DROP INDEX settlement.instructions_live_per_trade`);
    // Refused (unique violation) once a trade has a cancelled and a new instruction: the old schema cannot hold them.
    await q.query(`ALTER TABLE settlement.instructions ADD CONSTRAINT instructions_trade_ref_key UNIQUE (trade_ref)`);
    await q.query(`ALTER TABLE settlement.instructions DROP COLUMN trade_version`);
  }
}
