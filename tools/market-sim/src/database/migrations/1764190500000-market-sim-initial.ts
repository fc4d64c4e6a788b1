import { platformTablesDown, platformTablesUp } from '@postera/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MarketSimInitial1764190500000 implements MigrationInterface {
  name = 'MarketSimInitial1764190500000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of platformTablesUp('market_sim')) await q.query(sql);
    await q.query(`CREATE TABLE market_sim.instructions (
      instruction_id uuid PRIMARY KEY,
      trade_ref text NOT NULL,
      instruction_type text NOT NULL,
      isin text NOT NULL,
      account text NOT NULL,
      counterparty text NOT NULL,
      quantity numeric NOT NULL,
      settlement_amount numeric NOT NULL,
      currency text NOT NULL,
      intended_settlement_date date NOT NULL,
      status text NOT NULL CHECK (status IN ('MATCHED', 'UNMATCHED', 'FAILING', 'SETTLED')),
      reason text,
      effective_settlement_date date,
      received_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX sim_due ON market_sim.instructions (intended_settlement_date) WHERE status IN ('MATCHED', 'FAILING')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE market_sim.instructions`);
    for (const sql of platformTablesDown('market_sim')) await q.query(sql);
  }
}
