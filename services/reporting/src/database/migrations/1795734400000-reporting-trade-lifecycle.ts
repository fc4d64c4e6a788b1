import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The activity read model follows the trade lifecycle (confirmed, validated, amended, cancelled),
 * and keeps capture's list of the trades unconfirmed at each close for the end-of-day report.
 */
export class ReportingTradeLifecycle1795734400000 implements MigrationInterface {
  name = 'ReportingTradeLifecycle1795734400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reporting.trade_activity
      ADD COLUMN trade_version integer,
      ADD COLUMN trade_status text,
      ADD COLUMN amendments integer NOT NULL DEFAULT 0,
      ADD COLUMN confirmed_at timestamptz,
      ADD COLUMN validated_at timestamptz,
      ADD COLUMN cancelled_at timestamptz`);
    await q.query(`UPDATE reporting.trade_activity SET trade_status = 'CAPTURED', trade_version = 1 WHERE captured_at IS NOT NULL`);
    await q.query(`CREATE TABLE reporting.unconfirmed_at_close (
      business_date date PRIMARY KEY,
      total integer NOT NULL,
      trades jsonb NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reporting.unconfirmed_at_close`);
    await q.query(`ALTER TABLE reporting.trade_activity DROP COLUMN cancelled_at, DROP COLUMN validated_at, DROP COLUMN confirmed_at,
      DROP COLUMN amendments, DROP COLUMN trade_status, DROP COLUMN trade_version`);
  }
}
