import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `trades.validated_how` was written at each trade's validation and read by no report: how a trade
 * was validated is in the dated history (`activity_trade_events.validated_how`), which the activity
 * report counts from. The column goes, and with it an update of every trade.
 */
export class ReportingTradesValidationDropped1797800000000 implements MigrationInterface {
  name = 'ReportingTradesValidationDropped1797800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reporting.trades DROP COLUMN validated_how`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reporting.trades ADD COLUMN validated_how text`);
    await q.query(
      `UPDATE reporting.trades t SET validated_how = h.validated_how
       FROM (SELECT DISTINCT ON (trade_ref) trade_ref, validated_how FROM reporting.activity_trade_events
             WHERE kind = 'VALIDATED' ORDER BY trade_ref, seq DESC) h
       WHERE t.trade_ref = h.trade_ref`,
    );
  }
}
