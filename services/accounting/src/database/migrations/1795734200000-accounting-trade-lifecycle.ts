import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The journal follows amendments and cancellations: each trade knows the version its commitment
 * was booked at and where it stands (OPEN, SETTLED, CANCELLED), so a correction reverses exactly
 * what is booked and a settlement of a cancelled or superseded trade is held instead of posted.
 * held_events keeps each event refused that way, whole, for an operator. Entries get their
 * insertion order (posted_seq): a reversal and its new commitment are posted in one transaction.
 */
export class AccountingTradeLifecycle1795734200000 implements MigrationInterface {
  name = 'AccountingTradeLifecycle1795734200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounting.trades
      ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
      ADD COLUMN status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'SETTLED', 'CANCELLED')),
      ADD COLUMN settlement_event_id text`);
    // Trades settled before this migration: their settlement entry says so.
    await q.query(`UPDATE accounting.trades t SET status = 'SETTLED', settlement_event_id = e.cause_event_id
      FROM accounting.journal_entries e WHERE e.trade_ref = t.trade_ref AND e.kind = 'SETTLEMENT'`);
    await q.query(`CREATE TABLE accounting.held_events (
      event_id text PRIMARY KEY,
      trade_ref text NOT NULL,
      event_type text NOT NULL,
      reason text NOT NULL,
      event jsonb NOT NULL,
      held_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX held_by_trade ON accounting.held_events (trade_ref)`);
    await q.query(`ALTER TABLE accounting.journal_entries ADD COLUMN posted_seq bigint GENERATED ALWAYS AS IDENTITY`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounting.journal_entries DROP COLUMN posted_seq`);
    await q.query(`DROP TABLE accounting.held_events`);
    await q.query(`ALTER TABLE accounting.trades DROP COLUMN settlement_event_id, DROP COLUMN status, DROP COLUMN version`);
  }
}
