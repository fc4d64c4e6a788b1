import { platformTablesDown, platformTablesUp } from '@postera/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SettlementInitial1764190100000 implements MigrationInterface {
  name = 'SettlementInitial1764190100000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of platformTablesUp('settlement')) await q.query(sql);
    await q.query(`CREATE TABLE settlement.instructions (
      instruction_id uuid PRIMARY KEY,
      trade_ref text NOT NULL UNIQUE,
      instruction_type text NOT NULL CHECK (instruction_type IN ('RVP', 'DVP', 'RFP', 'DFP')),
      side text NOT NULL,
      isin text NOT NULL,
      quantity numeric NOT NULL CHECK (quantity > 0),
      settlement_amount numeric NOT NULL,
      currency text NOT NULL,
      trade_date date NOT NULL,
      intended_settlement_date date NOT NULL,
      account text NOT NULL,
      counterparty text NOT NULL,
      place_of_settlement text NOT NULL,
      client_id text NOT NULL,
      book text NOT NULL,
      status text NOT NULL,
      seq integer NOT NULL,
      reason text,
      settled_quantity numeric,
      settled_amount numeric,
      effective_settlement_date date,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX instructions_status ON settlement.instructions (status, intended_settlement_date)`);
    await q.query(`CREATE TABLE settlement.instruction_history (
      instruction_id uuid NOT NULL REFERENCES settlement.instructions,
      seq integer NOT NULL,
      status text NOT NULL,
      reason text,
      cause_event_id text NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (instruction_id, seq)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE settlement.instruction_history`);
    await q.query(`DROP TABLE settlement.instructions`);
    for (const sql of platformTablesDown('settlement')) await q.query(sql);
  }
}
