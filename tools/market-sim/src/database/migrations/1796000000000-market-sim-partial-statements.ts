import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The simulated CSD settles partially, keeps each settlement step (the source of its holdings and
 * cash statements), counts fail and unmatched days for the scenario rules, and keeps what the
 * sese.023 said (quantity type, partial-settlement indicator, cash direction, accounts).
 */
export class MarketSimPartialStatements1796000000000 implements MigrationInterface {
  name = 'MarketSimPartialStatements1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE market_sim.instructions
      ADD COLUMN quantity_type text NOT NULL DEFAULT 'UNIT' CHECK (quantity_type IN ('UNIT', 'FAMT')),
      ADD COLUMN partial_indicator text NOT NULL DEFAULT 'NPAR' CHECK (partial_indicator IN ('PART', 'NPAR', 'PARC', 'PARQ')),
      ADD COLUMN cash_direction text NOT NULL DEFAULT 'DBIT' CHECK (cash_direction IN ('DBIT', 'CRDT')),
      ADD COLUMN safekeeping_account text,
      ADD COLUMN cash_account text,
      ADD COLUMN trade_date date,
      ADD COLUMN settled_quantity numeric NOT NULL DEFAULT 0 CHECK (settled_quantity >= 0),
      ADD COLUMN settled_amount numeric NOT NULL DEFAULT 0,
      ADD COLUMN fail_days integer NOT NULL DEFAULT 0,
      ADD COLUMN partial_steps integer NOT NULL DEFAULT 0,
      ADD COLUMN unmatched_days integer NOT NULL DEFAULT 0,
      ADD COLUMN matched_date date`);
    await q.query(`ALTER TABLE market_sim.instructions ADD CONSTRAINT settled_within_instructed CHECK (settled_quantity <= quantity)`);
    await q.query(`CREATE TABLE market_sim.settlement_steps (
      instruction_id uuid NOT NULL REFERENCES market_sim.instructions,
      business_date date NOT NULL,
      quantity numeric NOT NULL CHECK (quantity > 0),
      amount numeric NOT NULL,
      PRIMARY KEY (instruction_id, business_date)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE market_sim.settlement_steps`);
    await q.query(`ALTER TABLE market_sim.instructions DROP CONSTRAINT settled_within_instructed`);
    await q.query(`ALTER TABLE market_sim.instructions DROP COLUMN quantity_type, DROP COLUMN partial_indicator, DROP COLUMN cash_direction,
      DROP COLUMN safekeeping_account, DROP COLUMN cash_account, DROP COLUMN trade_date, DROP COLUMN settled_quantity, DROP COLUMN settled_amount,
      DROP COLUMN fail_days, DROP COLUMN partial_steps, DROP COLUMN unmatched_days, DROP COLUMN matched_date`);
  }
}
