import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Settlement and delivery in full: what the sese.023 says (quantity type, partial-settlement
 * indicator, cash direction, both sides' SSIs), re-instruction attempts of one trade version,
 * net instructions and the gross trades they settle, matching dates, buy-in flags, the operator
 * behind a history row; the referential settlement follows (accounts' netting, instruments' CSDR
 * class), reference prices, and CSDR cash penalties.
 */
export class SettlementNettingPenalties1796000100000 implements MigrationInterface {
  name = 'SettlementNettingPenalties1796000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE settlement.instructions
      ADD COLUMN quantity_type text NOT NULL DEFAULT 'UNIT' CHECK (quantity_type IN ('UNIT', 'FAMT')),
      ADD COLUMN partial_indicator text NOT NULL DEFAULT 'NPAR' CHECK (partial_indicator IN ('PART', 'NPAR', 'PARC', 'PARQ')),
      ADD COLUMN cash_direction text NOT NULL DEFAULT 'DBIT' CHECK (cash_direction IN ('DBIT', 'CRDT')),
      ADD COLUMN ssis jsonb NOT NULL DEFAULT '{"account": null, "counterparty": null}',
      ADD COLUMN attempt integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
      ADD COLUMN is_net boolean NOT NULL DEFAULT false,
      ADD COLUMN net_instruction_id uuid REFERENCES settlement.instructions,
      ADD COLUMN matched_date date,
      ADD COLUMN buy_in_flagged_by text,
      ADD COLUMN buy_in_flagged_at timestamptz,
      ADD COLUMN xml text`);
    await q.query(
      `ALTER TABLE settlement.instructions ADD CONSTRAINT settled_within_instructed CHECK (settled_quantity IS NULL OR settled_quantity <= quantity)`,
    );
    await q.query(`DROP INDEX settlement.instructions_trade_version`);
    await q.query(`CREATE UNIQUE INDEX instructions_trade_version_attempt ON settlement.instructions (trade_ref, trade_version, attempt)`);
    await q.query(`CREATE INDEX instructions_net ON settlement.instructions (net_instruction_id) WHERE net_instruction_id IS NOT NULL`);
    await q.query(`CREATE INDEX instructions_held ON settlement.instructions (intended_settlement_date) WHERE status = 'CREATED'`);
    await q.query(`ALTER TABLE settlement.instruction_history ADD COLUMN operator text`);
    await q.query(`CREATE TABLE settlement.accounts (account text PRIMARY KEY, netting boolean NOT NULL, version integer NOT NULL)`);
    await q.query(`CREATE TABLE settlement.instruments (
      isin text PRIMARY KEY, instrument_type text NOT NULL, liquidity_class text NOT NULL, currency text NOT NULL, version integer NOT NULL)`);
    await q.query(`CREATE TABLE settlement.reference_prices (
      isin text NOT NULL, price_date date NOT NULL, price numeric NOT NULL CHECK (price > 0), price_type text NOT NULL CHECK (price_type IN ('UNIT', 'PERCENT')),
      currency text NOT NULL, source text NOT NULL, PRIMARY KEY (isin, price_date))`);
    await q.query(`CREATE TABLE settlement.penalties (
      penalty_id uuid PRIMARY KEY,
      instruction_id uuid NOT NULL REFERENCES settlement.instructions,
      trade_ref text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('SEFP', 'LMFP')),
      direction text NOT NULL CHECK (direction IN ('RECEIVABLE', 'PAYABLE')),
      penalty_date date NOT NULL,
      fail_reason text NOT NULL,
      cash_fail boolean NOT NULL,
      isin text NOT NULL,
      counterparty text NOT NULL,
      account text NOT NULL,
      book text NOT NULL,
      basis_quantity numeric NOT NULL CHECK (basis_quantity >= 0),
      reference_price numeric,
      rate numeric,
      amount numeric,
      currency text,
      created_at timestamptz NOT NULL DEFAULT now(),
      accrued_at timestamptz,
      UNIQUE (instruction_id, kind, penalty_date)
    )`);
    await q.query(`CREATE INDEX penalties_pending ON settlement.penalties (isin, penalty_date) WHERE amount IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE settlement.penalties`);
    await q.query(`DROP TABLE settlement.reference_prices`);
    await q.query(`DROP TABLE settlement.instruments`);
    await q.query(`DROP TABLE settlement.accounts`);
    await q.query(`ALTER TABLE settlement.instruction_history DROP COLUMN operator`);
    await q.query(`DROP INDEX settlement.instructions_held`);
    await q.query(`DROP INDEX settlement.instructions_net`);
    await q.query(`DROP INDEX settlement.instructions_trade_version_attempt`);
    await q.query(`CREATE UNIQUE INDEX instructions_trade_version ON settlement.instructions (trade_ref, trade_version)`);
    await q.query(`ALTER TABLE settlement.instructions DROP CONSTRAINT settled_within_instructed`);
    await q.query(`ALTER TABLE settlement.instructions DROP COLUMN quantity_type, DROP COLUMN partial_indicator, DROP COLUMN cash_direction, DROP COLUMN ssis,
      DROP COLUMN attempt, DROP COLUMN is_net, DROP COLUMN net_instruction_id, DROP COLUMN matched_date, DROP COLUMN buy_in_flagged_by,
      DROP COLUMN buy_in_flagged_at, DROP COLUMN xml`);
  }
}
