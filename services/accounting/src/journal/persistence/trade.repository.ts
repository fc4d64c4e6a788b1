import type { EventEnvelope, TradeEconomics } from '@postera/contracts';
import type { EntityManager } from 'typeorm';
import type { TradeForPosting } from '../domain/posting-rules.js';
import type { HoldReason, TradeState } from '../domain/trade-lifecycle.js';

/** A trade as accounting keeps it (accounting.trades): the economics of the version booked, and where it stands. */
export interface StoredTrade extends TradeForPosting, TradeState {
  tradeRef: string;
  isin: string;
  book: string;
  tradeDate: string;
  settlementDate: string;
}

export function storedTrade(t: TradeEconomics): StoredTrade {
  return {
    tradeRef: t.tradeRef,
    version: t.version,
    status: 'OPEN',
    settlementEventId: null,
    side: t.side,
    isin: t.isin,
    currency: t.currency,
    grossAmount: t.grossAmount,
    // Absent on events produced before bonds carried it: no accrued interest.
    accruedInterest: t.accruedInterest ?? '0',
    feesAmount: t.feesAmount,
    netAmount: t.netAmount,
    book: t.book,
    tradeDate: t.tradeDate,
    settlementDate: t.settlementDate,
  };
}

/** The trades of a batch, locked until it commits. */
export async function loadTrades(tx: EntityManager, refs: string[]): Promise<Map<string, StoredTrade>> {
  const rows = (await tx.query(
    `SELECT trade_ref AS "tradeRef", version, status, settlement_event_id AS "settlementEventId", side, isin, currency,
            gross_amount::text AS "grossAmount", accrued_interest::text AS "accruedInterest", fees_amount::text AS "feesAmount",
            net_amount::text AS "netAmount", book, to_char(trade_date, 'YYYY-MM-DD') AS "tradeDate",
            to_char(settlement_date, 'YYYY-MM-DD') AS "settlementDate"
     FROM accounting.trades WHERE trade_ref = ANY($1::text[]) FOR UPDATE`,
    [[...new Set(refs)]],
  )) as StoredTrade[];
  return new Map(rows.map((r) => [r.tradeRef, r]));
}

/** Writes the final state of each trade the batch created or changed, in one statement. */
export async function saveTrades(tx: EntityManager, trades: StoredTrade[]): Promise<void> {
  if (trades.length === 0) return;
  const c = <K extends keyof StoredTrade>(k: K) => trades.map((t) => t[k]);
  await tx.query(
    `INSERT INTO accounting.trades (trade_ref, version, status, settlement_event_id, side, isin, currency, gross_amount, accrued_interest,
       fees_amount, net_amount, book, trade_date, settlement_date)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::numeric[], $9::numeric[],
       $10::numeric[], $11::numeric[], $12::text[], $13::date[], $14::date[])
     ON CONFLICT (trade_ref) DO UPDATE SET version = EXCLUDED.version, status = EXCLUDED.status, settlement_event_id = EXCLUDED.settlement_event_id,
       side = EXCLUDED.side, isin = EXCLUDED.isin, currency = EXCLUDED.currency, gross_amount = EXCLUDED.gross_amount,
       accrued_interest = EXCLUDED.accrued_interest, fees_amount = EXCLUDED.fees_amount, net_amount = EXCLUDED.net_amount, book = EXCLUDED.book,
       trade_date = EXCLUDED.trade_date, settlement_date = EXCLUDED.settlement_date`,
    [
      c('tradeRef'),
      c('version'),
      c('status'),
      c('settlementEventId'),
      c('side'),
      c('isin'),
      c('currency'),
      c('grossAmount'),
      c('accruedInterest'),
      c('feesAmount'),
      c('netAmount'),
      c('book'),
      c('tradeDate'),
      c('settlementDate'),
    ],
  );
}

export interface HeldEvent {
  tradeRef: string;
  reason: HoldReason;
  event: EventEnvelope;
}

/** Keeps events the journal refuses (never posted), whole, for an operator; a replayed one is kept once. */
export async function holdEvents(tx: EntityManager, held: HeldEvent[]): Promise<void> {
  if (held.length === 0) return;
  await tx.query(
    `INSERT INTO accounting.held_events (event_id, trade_ref, event_type, reason, event)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[]) ON CONFLICT (event_id) DO NOTHING`,
    [
      held.map((h) => h.event.eventId),
      held.map((h) => h.tradeRef),
      held.map((h) => h.event.type),
      held.map((h) => h.reason),
      held.map((h) => JSON.stringify(h.event)),
    ],
  );
}
