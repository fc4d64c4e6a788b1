import type { TradeEconomics } from '@postera/contracts';
import type { InboundRecord } from '@postera/platform';
import type { EntityManager } from 'typeorm';
import type { InputProblem } from '../domain/trade-input-rules.js';

export interface ReceiptRow {
  messageId: string;
  outcome: 'CAPTURED' | 'EXCEPTION' | 'DUPLICATE';
  tradeRef: string | null;
}

export interface ExceptionRow {
  exceptionId: string;
  messageId: string;
  tradeRef: string | null;
  reasons: InputProblem[];
  record: InboundRecord;
}

export interface Referential {
  accounts: Map<string, { account: string; clientId: string; accountType: 'CLIENT' | 'PROPRIETARY'; book: string }>;
  instruments: Map<string, { isin: string; currency: string }>;
  parties: Set<string>;
}

const unique = (xs: string[]) => [...new Set(xs.filter((x) => x.length > 0))];

/** The referential rows a batch refers to, in three queries whatever the batch size. */
export async function loadReferential(tx: EntityManager, keys: { accounts: string[]; isins: string[]; leis: string[] }): Promise<Referential> {
  const [accounts, instruments, parties] = await Promise.all([
    tx.query(`SELECT account, client_id, account_type, book FROM capture.accounts WHERE account = ANY($1)`, [unique(keys.accounts)]),
    tx.query(`SELECT isin, currency FROM capture.instruments WHERE isin = ANY($1)`, [unique(keys.isins)]),
    tx.query(`SELECT lei FROM capture.parties WHERE lei = ANY($1)`, [unique(keys.leis)]),
  ]);
  return {
    accounts: new Map(
      (accounts as Array<{ account: string; client_id: string; account_type: 'CLIENT' | 'PROPRIETARY'; book: string }>).map((a) => [
        a.account,
        { account: a.account, clientId: a.client_id, accountType: a.account_type, book: a.book },
      ]),
    ),
    instruments: new Map((instruments as Array<{ isin: string; currency: string }>).map((i) => [i.isin, i])),
    parties: new Set((parties as Array<{ lei: string }>).map((p) => p.lei)),
  };
}

export async function loadTradeHashes(tx: EntityManager, refs: string[]): Promise<Map<string, { version: number; hash: string }>> {
  const rows = (await tx.query(`SELECT trade_ref, version, body_hash FROM capture.trades WHERE trade_ref = ANY($1)`, [unique(refs)])) as Array<{
    trade_ref: string;
    version: number;
    body_hash: string;
  }>;
  return new Map(rows.map((r) => [r.trade_ref, { version: r.version, hash: r.body_hash }]));
}

export async function insertTrades(tx: EntityManager, trades: Array<{ economics: TradeEconomics; messageId: string; hash: string }>): Promise<void> {
  if (trades.length === 0) return;
  const col = <T>(f: (t: { economics: TradeEconomics; messageId: string; hash: string }) => T) => trades.map(f);
  await tx.query(
    `INSERT INTO capture.trades (trade_ref, source_system, trade_id, version, status, side, isin, quantity, price, price_type, currency,
       gross_amount, fees_amount, net_amount, trade_date, settlement_date, executed_at, venue, account, counterparty, capacity, order_type,
       message_id, body_hash)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::numeric[], $9::numeric[],
       $10::text[], $11::text[], $12::numeric[], $13::numeric[], $14::numeric[], $15::date[], $16::date[], $17::timestamptz[], $18::text[],
       $19::text[], $20::text[], $21::text[], $22::text[], $23::text[], $24::text[])`,
    [
      col((t) => t.economics.tradeRef),
      col((t) => t.economics.sourceSystem),
      col((t) => t.economics.tradeId),
      col((t) => t.economics.version),
      col(() => 'CAPTURED'),
      col((t) => t.economics.side),
      col((t) => t.economics.isin),
      col((t) => t.economics.quantity),
      col((t) => t.economics.price),
      col((t) => t.economics.priceType),
      col((t) => t.economics.currency),
      col((t) => t.economics.grossAmount),
      col((t) => t.economics.feesAmount),
      col((t) => t.economics.netAmount),
      col((t) => t.economics.tradeDate),
      col((t) => t.economics.settlementDate),
      col((t) => t.economics.executedAt),
      col((t) => t.economics.venue),
      col((t) => t.economics.account),
      col((t) => t.economics.counterparty),
      col((t) => t.economics.capacity),
      col((t) => t.economics.orderType),
      col((t) => t.messageId),
      col((t) => t.hash),
    ],
  );
}

export async function insertReceipts(tx: EntityManager, rows: ReceiptRow[]): Promise<void> {
  if (rows.length === 0) return;
  // A message id is received once (the inbox saw to it); ON CONFLICT keeps a malformed
  // message that reuses an id from failing the whole batch.
  await tx.query(
    `INSERT INTO capture.receipts (message_id, outcome, trade_ref) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
    [rows.map((r) => r.messageId), rows.map((r) => r.outcome), rows.map((r) => r.tradeRef)],
  );
}

export async function insertExceptions(tx: EntityManager, rows: ExceptionRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO capture.exceptions (exception_id, message_id, trade_ref, reasons, original, headers, topic, kafka_partition, kafka_offset)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::bytea[], $6::jsonb[], $7::text[], $8::int[], $9::text[])`,
    [
      rows.map((r) => r.exceptionId),
      rows.map((r) => r.messageId),
      rows.map((r) => r.tradeRef),
      rows.map((r) => JSON.stringify(r.reasons)),
      rows.map((r) => r.record.value ?? Buffer.alloc(0)),
      rows.map((r) => JSON.stringify(r.record.headers)),
      rows.map((r) => r.record.topic),
      rows.map((r) => r.record.partition),
      rows.map((r) => r.record.offset),
    ],
  );
}
