import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The activity report's last four figures, each a dated fact:
 * - activity_executions_received: capture's ExecutionsReceived (capture.intake.v1), one row per consumer
 *   batch of trades.executed.v1 capture receipted (event id), its records counted by outcome, dated by
 *   capture's business day when it received the batch; the counts add up to the records (checked);
 * - activity_exceptions: capture's IntakeExceptionRaised, one row per exception held, its kind and every
 *   reason (field and rule), dated as above;
 * - activity_breaks: one row per reconciliation break accounting announced (ReconciliationBreakOpened,
 *   ReconciliationBreakClosed on accounting.events.v1): the day it opened and, once closed (by a run, or
 *   resolved by two people), the day it closed;
 * - activity_dead_letters: one row per record found on a `.dlq` topic (its position), the topic it was
 *   read from and the consumer that parked it, dated by reporting's business day when recorded.
 */
export class ReportingActivityIntakeBreaksDeadLetters1797000002000 implements MigrationInterface {
  name = 'ReportingActivityIntakeBreaksDeadLetters1797000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE reporting.activity_executions_received (
      event_id text PRIMARY KEY,
      first_position text NOT NULL,
      last_position text NOT NULL,
      records int NOT NULL CHECK (records > 0),
      captured int NOT NULL CHECK (captured >= 0),
      amended int NOT NULL CHECK (amended >= 0),
      cancelled int NOT NULL CHECK (cancelled >= 0),
      stale int NOT NULL CHECK (stale >= 0),
      exceptions int NOT NULL CHECK (exceptions >= 0),
      duplicates int NOT NULL CHECK (duplicates >= 0),
      received_date date NOT NULL,
      date_source text NOT NULL,
      received_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      CHECK (records = captured + amended + cancelled + stale + exceptions + duplicates))`);
    await q.query(`CREATE INDEX activity_executions_received_date ON reporting.activity_executions_received (received_date)`);
    await q.query(`CREATE TABLE reporting.activity_exceptions (
      event_id text PRIMARY KEY,
      exception_id text NOT NULL,
      message_id text NOT NULL,
      source_topic text NOT NULL,
      kind text NOT NULL,
      reasons jsonb NOT NULL,
      trade_ref text,
      raised_date date NOT NULL,
      date_source text NOT NULL,
      received_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX activity_exceptions_date ON reporting.activity_exceptions (raised_date)`);
    await q.query(`CREATE TABLE reporting.activity_breaks (
      break_id text PRIMARY KEY,
      kind text NOT NULL,
      subject text NOT NULL,
      item text NOT NULL,
      field text NOT NULL,
      opened_on date NOT NULL,
      opened_by_run text,
      closed_on date,
      closed_by text CHECK (closed_by IN ('RUN', 'RESOLVED')),
      closed_by_run text,
      recorded_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX activity_breaks_opened ON reporting.activity_breaks (opened_on)`);
    await q.query(`CREATE TABLE reporting.activity_dead_letters (
      position text PRIMARY KEY,
      source_topic text NOT NULL,
      consumer text,
      parked_at timestamptz,
      dead_date date NOT NULL,
      date_source text NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX activity_dead_letters_date ON reporting.activity_dead_letters (dead_date)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reporting.activity_dead_letters`);
    await q.query(`DROP TABLE reporting.activity_breaks`);
    await q.query(`DROP TABLE reporting.activity_exceptions`);
    await q.query(`DROP TABLE reporting.activity_executions_received`);
  }
}
