import { platformTablesDown, platformTablesUp } from '@postera/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReportingInitial1764190300000 implements MigrationInterface {
  name = 'ReportingInitial1764190300000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of platformTablesUp('reporting')) await q.query(sql);
    // One row per trade, filled by whichever event arrives first (topics have no order between them).
    await q.query(`CREATE TABLE reporting.trade_activity (
      trade_ref text PRIMARY KEY,
      trade_date date,
      intended_settlement_date date,
      isin text,
      side text,
      account text,
      venue text,
      currency text,
      gross_amount numeric,
      captured_at timestamptz,
      instruction_status text,
      fail_reason text,
      effective_settlement_date date,
      journal_entries integer NOT NULL DEFAULT 0
    )`);
    await q.query(`CREATE INDEX activity_trade_date ON reporting.trade_activity (trade_date)`);
    await q.query(`CREATE TABLE reporting.eod_reports (
      business_date date PRIMARY KEY,
      summary jsonb NOT NULL,
      produced_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reporting.eod_reports`);
    await q.query(`DROP TABLE reporting.trade_activity`);
    for (const sql of platformTablesDown('reporting')) await q.query(sql);
  }
}
