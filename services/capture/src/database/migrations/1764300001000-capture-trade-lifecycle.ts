import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The trade lifecycle (DOMAIN.md §1): versions, statuses from CAPTURED to CANCELLED, counterparty
 * confirmations, maker-checker, and an exceptions queue an operator can correct and replay.
 */
export class CaptureTradeLifecycle1764300001000 implements MigrationInterface {
  name = 'CaptureTradeLifecycle1764300001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE capture.trades
      ADD COLUMN accrued_interest numeric NOT NULL DEFAULT 0,
      ADD COLUMN origin text NOT NULL DEFAULT 'ELECTRONIC' CHECK (origin IN ('ELECTRONIC', 'MANUAL')),
      ADD COLUMN late_booking boolean NOT NULL DEFAULT false,
      ADD COLUMN economics jsonb,
      ADD COLUMN maker text,
      ADD COLUMN validated_by text,
      ADD COLUMN validated_how text,
      ADD COLUMN confirmation_id text,
      ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
      ADD CONSTRAINT trades_status CHECK (status IN ('CAPTURED', 'CONFIRMED', 'VALIDATED', 'INSTRUCTED', 'SETTLED', 'PARTIALLY_SETTLED', 'FAILED', 'CANCELLED'))`);
    await q.query(`CREATE INDEX trades_unconfirmed ON capture.trades (trade_date) WHERE status = 'CAPTURED'`);

    // Every version received of every trade, applied or not: the audit trail of amendments and the
    // guard against a conflicting duplicate (same version, other content).
    await q.query(`CREATE TABLE capture.trade_versions (
      trade_ref text NOT NULL,
      version integer NOT NULL,
      action text NOT NULL CHECK (action IN ('NEW', 'AMEND', 'CANCEL')),
      message_id text NOT NULL,
      body_hash text NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('APPLIED', 'STALE')),
      note text,
      economics jsonb NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (trade_ref, version)
    )`);

    // One row per status change, with who or what caused it: the trade's timeline for operators.
    await q.query(`CREATE TABLE capture.trade_history (
      id bigserial PRIMARY KEY,
      trade_ref text NOT NULL,
      version integer NOT NULL,
      status text NOT NULL,
      event_type text NOT NULL,
      cause text,
      actor text,
      detail jsonb,
      at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX trade_history_ref ON capture.trade_history (trade_ref, id)`);

    // Counterparty confirmations: kept even before their trade arrives (PENDING), then matched or not.
    await q.query(`CREATE TABLE capture.confirmations (
      message_id text PRIMARY KEY,
      confirmation_id text NOT NULL,
      trade_ref text NOT NULL,
      counterparty text NOT NULL,
      fields jsonb NOT NULL,
      original bytea NOT NULL,
      status text NOT NULL CHECK (status IN ('PENDING', 'MATCHED', 'MISMATCHED', 'SUPERSEDED')),
      differences jsonb,
      matched_version integer,
      received_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX confirmations_trade ON capture.confirmations (trade_ref, received_at)`);

    // A receipt per message per input topic: a confirmation may reuse an id a trading platform used.
    await q.query(`ALTER TABLE capture.receipts DROP CONSTRAINT receipts_outcome_check, DROP CONSTRAINT receipts_pkey`);
    await q.query(`ALTER TABLE capture.receipts
      ADD COLUMN topic text NOT NULL DEFAULT 'trades.executed.v1',
      ADD CONSTRAINT receipts_outcome_check CHECK (outcome IN ('CAPTURED', 'AMENDED', 'CANCELLED', 'STALE', 'CONFIRMED', 'MISMATCHED', 'PENDING', 'EXCEPTION', 'DUPLICATE')),
      ADD PRIMARY KEY (topic, message_id)`);

    // The exceptions queue: what kind, and how an operator resolved it (a corrected replay, or a rejection with a comment).
    await q.query(`ALTER TABLE capture.exceptions DROP CONSTRAINT exceptions_status_check`);
    await q.query(`ALTER TABLE capture.exceptions
      ADD COLUMN kind text NOT NULL DEFAULT 'INPUT' CHECK (kind IN ('INPUT', 'LIFECYCLE', 'CONFIRMATION')),
      ADD COLUMN resolved_by text,
      ADD COLUMN resolved_at timestamptz,
      ADD COLUMN resolution_comment text,
      ADD COLUMN corrected bytea,
      ADD COLUMN result jsonb,
      ADD COLUMN attempts jsonb NOT NULL DEFAULT '[]',
      ADD CONSTRAINT exceptions_status_check CHECK (status IN ('OPEN', 'REPLAYED', 'REJECTED'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE capture.exceptions DROP CONSTRAINT exceptions_status_check`);
    await q.query(`ALTER TABLE capture.exceptions DROP COLUMN kind, DROP COLUMN resolved_by, DROP COLUMN resolved_at, DROP COLUMN resolution_comment,
      DROP COLUMN corrected, DROP COLUMN result, DROP COLUMN attempts`);
    await q.query(`ALTER TABLE capture.exceptions ADD CONSTRAINT exceptions_status_check CHECK (status IN ('OPEN', 'REPLAYED', 'REJECTED'))`);
    await q.query(`ALTER TABLE capture.receipts DROP CONSTRAINT receipts_outcome_check, DROP CONSTRAINT receipts_pkey`);
    await q.query(`ALTER TABLE capture.receipts DROP COLUMN topic, ADD PRIMARY KEY (message_id)`);
    await q.query(`ALTER TABLE capture.receipts ADD CONSTRAINT receipts_outcome_check CHECK (outcome IN ('CAPTURED', 'EXCEPTION', 'DUPLICATE'))`);
    for (const t of ['confirmations', 'trade_history', 'trade_versions']) await q.query(`DROP TABLE capture.${t}`);
    await q.query(`DROP INDEX capture.trades_unconfirmed`);
    await q.query(`ALTER TABLE capture.trades DROP CONSTRAINT trades_status, DROP COLUMN accrued_interest, DROP COLUMN origin, DROP COLUMN late_booking,
      DROP COLUMN economics, DROP COLUMN maker, DROP COLUMN validated_by, DROP COLUMN validated_how, DROP COLUMN confirmation_id, DROP COLUMN updated_at`);
  }
}
