import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dated history the activity report is computed from, so that the report of a business date
 * counts only facts dated on or before it, and gives the same figures each time it is filed:
 * - `activity_trade_events`: each trade lifecycle event with its date and, for a capture or an
 *   amendment, the version's economics (the version in force on a date is the last one dated up to it);
 * - `activity_instruction_events`: each instruction status change with its status date.
 * `date_source` says where each date came from (see src/activity/domain/activity-dates.ts).
 *
 * Rows for trades received before this history existed are derived from `trade_activity` (its
 * current state only, `date_source` = 'BACKFILL'): their intermediate states are not known.
 */
export class ReportingActivityHistory1796950000000 implements MigrationInterface {
  name = 'ReportingActivityHistory1796950000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE reporting.activity_trade_events (
      event_id text PRIMARY KEY,
      seq bigserial NOT NULL,
      trade_ref text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('CAPTURED', 'AMENDED', 'CONFIRMED', 'VALIDATED', 'CANCELLED')),
      event_date date NOT NULL,
      date_source text NOT NULL,
      validated_how text,
      trade_date date, isin text, venue text, account text, counterparty text, currency text, gross_amount numeric,
      recorded_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX activity_trade_events_trade ON reporting.activity_trade_events (trade_ref, event_date, seq)`);
    await q.query(`CREATE INDEX activity_trade_events_date ON reporting.activity_trade_events (event_date)`);
    await q.query(`CREATE INDEX activity_trade_events_trade_date ON reporting.activity_trade_events (trade_date)`);
    await q.query(`CREATE TABLE reporting.activity_instruction_events (
      event_id text PRIMARY KEY,
      seq bigserial NOT NULL,
      trade_ref text NOT NULL,
      instruction_id text NOT NULL,
      status text NOT NULL,
      reason text,
      status_date date NOT NULL,
      date_source text NOT NULL,
      intended_settlement_date date NOT NULL,
      effective_settlement_date date,
      currency text NOT NULL,
      settlement_amount numeric NOT NULL,
      settled_amount numeric,
      step_amount numeric,
      recorded_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX activity_instruction_events_instruction ON reporting.activity_instruction_events (instruction_id, status_date, seq)`);
    await q.query(`CREATE INDEX activity_instruction_events_date ON reporting.activity_instruction_events (status_date)`);

    // The trades already held: their capture (dated by the trade date) and their lifecycle as it stands.
    await q.query(`INSERT INTO reporting.activity_trade_events (event_id, trade_ref, kind, event_date, date_source, trade_date, isin, venue, account,
        counterparty, currency, gross_amount)
      SELECT 'backfill:CAPTURED:' || a.trade_ref, a.trade_ref, 'CAPTURED', a.trade_date, 'BACKFILL', a.trade_date, a.isin, a.venue, a.account,
        t.economics->>'counterparty', a.currency, a.gross_amount
      FROM reporting.trade_activity a LEFT JOIN reporting.trades t ON t.trade_ref = a.trade_ref
      WHERE a.captured_at IS NOT NULL AND a.trade_date IS NOT NULL`);
    for (const [kind, col] of [
      ['CONFIRMED', 'confirmed_at'],
      ['VALIDATED', 'validated_at'],
      ['CANCELLED', 'cancelled_at'],
    ] as const) {
      await q.query(`INSERT INTO reporting.activity_trade_events (event_id, trade_ref, kind, event_date, date_source, validated_how)
        SELECT 'backfill:${kind}:' || a.trade_ref, a.trade_ref, '${kind}', greatest(a.trade_date, (a.${col} AT TIME ZONE 'UTC')::date), 'BACKFILL',
          ${kind === 'VALIDATED' ? 't.validated_how' : 'NULL'}
        FROM reporting.trade_activity a LEFT JOIN reporting.trades t ON t.trade_ref = a.trade_ref
        WHERE a.${col} IS NOT NULL AND a.trade_date IS NOT NULL`);
    }
    // The instruction's current status only, dated by its effective settlement date when settled, else its intended date.
    await q.query(`INSERT INTO reporting.activity_instruction_events (event_id, trade_ref, instruction_id, status, reason, status_date, date_source,
        intended_settlement_date, effective_settlement_date, currency, settlement_amount, settled_amount, step_amount)
      SELECT 'backfill:' || a.trade_ref, a.trade_ref, a.trade_ref, a.instruction_status, a.fail_reason,
        coalesce(a.effective_settlement_date, a.intended_settlement_date), 'BACKFILL', a.intended_settlement_date, a.effective_settlement_date,
        coalesce(a.currency, 'EUR'), coalesce(a.gross_amount, 0),
        CASE WHEN a.instruction_status = 'SETTLED' THEN a.gross_amount END, CASE WHEN a.instruction_status = 'SETTLED' THEN a.gross_amount END
      FROM reporting.trade_activity a
      WHERE a.instruction_status IS NOT NULL AND a.intended_settlement_date IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reporting.activity_instruction_events, reporting.activity_trade_events`);
  }
}
