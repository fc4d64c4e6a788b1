import { platformTablesDown, platformTablesUp } from '@postera/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CaptureInitial1764190000000 implements MigrationInterface {
  name = 'CaptureInitial1764190000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of platformTablesUp('capture')) await q.query(sql);
    await q.query(`CREATE TABLE capture.accounts (
      account text PRIMARY KEY,
      client_id text NOT NULL,
      client_name text NOT NULL,
      account_type text NOT NULL CHECK (account_type IN ('CLIENT', 'PROPRIETARY')),
      book text NOT NULL,
      language text NOT NULL CHECK (language IN ('fr', 'en')),
      email text,
      base_currency text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE capture.instruments (
      isin text PRIMARY KEY,
      name text NOT NULL,
      instrument_type text NOT NULL,
      currency text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE capture.parties (
      lei text PRIMARY KEY,
      name text NOT NULL,
      country text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE capture.trades (
      trade_ref text PRIMARY KEY,
      source_system text NOT NULL,
      trade_id text NOT NULL,
      version integer NOT NULL CHECK (version >= 1),
      status text NOT NULL,
      side text NOT NULL CHECK (side IN ('BUY', 'SELL')),
      isin text NOT NULL,
      quantity numeric NOT NULL CHECK (quantity > 0),
      price numeric NOT NULL CHECK (price > 0),
      price_type text NOT NULL,
      currency text NOT NULL,
      gross_amount numeric NOT NULL,
      fees_amount numeric NOT NULL,
      net_amount numeric NOT NULL,
      trade_date date NOT NULL,
      settlement_date date NOT NULL,
      executed_at timestamptz NOT NULL,
      venue text NOT NULL,
      account text NOT NULL,
      counterparty text NOT NULL,
      capacity text NOT NULL,
      order_type text,
      message_id text NOT NULL,
      body_hash text NOT NULL,
      captured_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX trades_trade_date ON capture.trades (trade_date)`);
    // Every message received and what became of it: consumed = captured + exceptions + duplicates.
    await q.query(`CREATE TABLE capture.receipts (
      message_id text PRIMARY KEY,
      outcome text NOT NULL CHECK (outcome IN ('CAPTURED', 'EXCEPTION', 'DUPLICATE')),
      trade_ref text,
      received_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE capture.exceptions (
      exception_id uuid PRIMARY KEY,
      message_id text NOT NULL,
      trade_ref text,
      reasons jsonb NOT NULL,
      original bytea NOT NULL,
      headers jsonb NOT NULL,
      topic text NOT NULL,
      kafka_partition integer NOT NULL,
      kafka_offset text NOT NULL,
      status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'REPLAYED', 'REJECTED')),
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX exceptions_open ON capture.exceptions (created_at) WHERE status = 'OPEN'`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['exceptions', 'receipts', 'trades', 'parties', 'instruments', 'accounts']) await q.query(`DROP TABLE capture.${t}`);
    for (const sql of platformTablesDown('capture')) await q.query(sql);
  }
}
