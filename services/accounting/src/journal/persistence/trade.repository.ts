import type { EventEnvelope, TradeEconomics } from '@postera/contracts';
import type { EntityManager } from 'typeorm';
import { pgArray } from '../../database/pg-array.js';
import type { TradeForPosting } from '../domain/posting-rules.js';
import type { HoldReason, TradeState } from '../domain/trade-lifecycle.js';
import type { CostMethod } from '../../ledger/domain/cost.js';
import type { Recognition } from '../../ledger/domain/rules-engine.js';

/** A trade as accounting keeps it (accounting.trades): the economics of the version booked, and where it stands. */
export interface StoredTrade extends TradeForPosting, TradeState {
  tradeRef: string;
  isin: string;
  book: string;
  tradeDate: string;
  settlementDate: string;
  quantity: string;
  account: string;
  counterparty: string;
  clientId: string;
  accountType: string;
  placeOfSettlement: string;
  /** Chosen when the trade is booked (the book's policy then), kept for its whole life. */
  recognition: Recognition;
  securitiesAccount: string;
  costMethod: CostMethod;
  /** Trade-date recognition: what the trade-date entry posted to the securities (at cost) and as realized P&L. */
  tdSecurities: string;
  tdRealized: string;
  /** The last day marked on the partition before the event that booked this version ('' before any): its settlements are costed no earlier. */
  markedThrough: string;
  /** What the settlement steps posted so far. */
  settledQuantity: string;
  settledCommitment: string;
  settledAccrued: string;
  settledFees: string;
  settledNet: string;
}

export interface BookingChoices {
  recognition: Recognition;
  securitiesAccount: string;
  costMethod: CostMethod;
}

export function storedTrade(t: TradeEconomics, c: BookingChoices = { recognition: 'SETTLEMENT_DATE', securitiesAccount: '311000', costMethod: 'CMP' }): StoredTrade {
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
    quantity: t.quantity,
    account: t.account,
    counterparty: t.counterparty,
    clientId: t.clientId,
    accountType: t.accountType,
    placeOfSettlement: t.placeOfSettlement,
    recognition: c.recognition,
    securitiesAccount: c.securitiesAccount,
    costMethod: c.costMethod,
    tdSecurities: '0',
    tdRealized: '0',
    markedThrough: '',
    settledQuantity: '0',
    settledCommitment: '0',
    settledAccrued: '0',
    settledFees: '0',
    settledNet: '0',
  };
}

/**
 * Serializes a batch of trade events with a batch of settlements of the same trades, before either
 * reads them: without it, a settlement could be parked (its trade not visible yet) by a transaction
 * committing while the trade's own transaction looks for parked settlements (the settlement not
 * visible yet), and stay parked until some later batch or the close. Whichever takes the lock second
 * reads what the first committed (each statement reads as of its start). Transaction-scoped advisory
 * locks, taken in one order (by hash) so that two batches never wait on each other.
 */
export async function lockTradesAgainstParking(tx: EntityManager, refs: string[]): Promise<void> {
  if (refs.length === 0) return;
  await tx.query(
    `SELECT count(pg_advisory_xact_lock(h)) FROM (SELECT DISTINCT hashtextextended('accounting.trade:' || r, 0) AS h FROM unnest($1::text[]) AS r ORDER BY h) x`,
    [refs],
  );
}

/** The trades of a batch, locked until it commits. */
export async function loadTrades(tx: EntityManager, refs: string[]): Promise<Map<string, StoredTrade>> {
  const rows = (await tx.query(
    `SELECT trade_ref AS "tradeRef", version, status, settlement_event_id AS "settlementEventId", side, isin, currency,
            gross_amount::text AS "grossAmount", accrued_interest::text AS "accruedInterest", fees_amount::text AS "feesAmount",
            net_amount::text AS "netAmount", book, to_char(trade_date, 'YYYY-MM-DD') AS "tradeDate",
            to_char(settlement_date, 'YYYY-MM-DD') AS "settlementDate", coalesce(quantity, 0)::text AS quantity, coalesce(account, '') AS account,
            coalesce(counterparty, '') AS counterparty, coalesce(client_id, '') AS "clientId", coalesce(account_type, 'CLIENT') AS "accountType",
            coalesce(place_of_settlement, '') AS "placeOfSettlement", recognition, securities_account AS "securitiesAccount", cost_method AS "costMethod",
            td_securities::text AS "tdSecurities", td_realized::text AS "tdRealized", marked_through AS "markedThrough", settled_quantity::text AS "settledQuantity",
            settled_commitment::text AS "settledCommitment", settled_accrued::text AS "settledAccrued", settled_fees::text AS "settledFees",
            settled_net::text AS "settledNet"
     FROM accounting.trades WHERE trade_ref = ANY($1::text[]) FOR UPDATE`,
    [[...new Set(refs)]],
  )) as StoredTrade[];
  return new Map(rows.map((r) => [r.tradeRef, r]));
}

/** Writes the final state of each trade the batch created or changed, in one statement. */
export async function saveTrades(tx: EntityManager, trades: StoredTrade[]): Promise<void> {
  if (trades.length === 0) return;
  const c = <K extends keyof StoredTrade>(k: K) => pgArray(trades.map((t) => t[k] as string | number | null));
  await tx.query(
    `INSERT INTO accounting.trades (trade_ref, version, status, settlement_event_id, side, isin, currency, gross_amount, accrued_interest,
       fees_amount, net_amount, book, trade_date, settlement_date, quantity, account, counterparty, client_id, account_type, place_of_settlement,
       recognition, securities_account, cost_method, td_securities, td_realized, settled_quantity, settled_commitment, settled_accrued, settled_fees, settled_net, marked_through)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::numeric[], $9::numeric[],
       $10::numeric[], $11::numeric[], $12::text[], $13::date[], $14::date[], $15::numeric[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[],
       $21::text[], $22::text[], $23::text[], $24::numeric[], $25::numeric[], $26::numeric[], $27::numeric[], $28::numeric[], $29::numeric[], $30::numeric[], $31::text[])
     ON CONFLICT (trade_ref) DO UPDATE SET version = EXCLUDED.version, status = EXCLUDED.status, settlement_event_id = EXCLUDED.settlement_event_id,
       side = EXCLUDED.side, isin = EXCLUDED.isin, currency = EXCLUDED.currency, gross_amount = EXCLUDED.gross_amount,
       accrued_interest = EXCLUDED.accrued_interest, fees_amount = EXCLUDED.fees_amount, net_amount = EXCLUDED.net_amount, book = EXCLUDED.book,
       trade_date = EXCLUDED.trade_date, settlement_date = EXCLUDED.settlement_date, quantity = EXCLUDED.quantity, account = EXCLUDED.account,
       counterparty = EXCLUDED.counterparty, client_id = EXCLUDED.client_id, account_type = EXCLUDED.account_type,
       place_of_settlement = EXCLUDED.place_of_settlement, recognition = EXCLUDED.recognition, securities_account = EXCLUDED.securities_account,
       cost_method = EXCLUDED.cost_method, td_securities = EXCLUDED.td_securities, td_realized = EXCLUDED.td_realized,
       settled_quantity = EXCLUDED.settled_quantity, settled_commitment = EXCLUDED.settled_commitment, settled_accrued = EXCLUDED.settled_accrued,
       settled_fees = EXCLUDED.settled_fees, settled_net = EXCLUDED.settled_net, marked_through = EXCLUDED.marked_through`,
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
      c('quantity'),
      c('account'),
      c('counterparty'),
      c('clientId'),
      c('accountType'),
      c('placeOfSettlement'),
      c('recognition'),
      c('securitiesAccount'),
      c('costMethod'),
      c('tdSecurities'),
      c('tdRealized'),
      c('settledQuantity'),
      c('settledCommitment'),
      c('settledAccrued'),
      c('settledFees'),
      c('settledNet'),
      c('markedThrough'),
    ],
  );
}

/**
 * Writes what a settlement step changes on trades already stored and locked (loadTrades): status,
 * the last settlement event and the running settled figures. Narrower than saveTrades (8 columns,
 * an UPDATE, no 30-column upsert).
 */
export async function saveSettledTrades(tx: EntityManager, trades: StoredTrade[]): Promise<void> {
  if (trades.length === 0) return;
  const c = <K extends keyof StoredTrade>(k: K) => pgArray(trades.map((t) => t[k] as string | number | null));
  await tx.query(
    `UPDATE accounting.trades t SET status = x.status, settlement_event_id = x.event_id, settled_quantity = x.quantity, settled_commitment = x.commitment,
       settled_accrued = x.accrued, settled_fees = x.fees, settled_net = x.net
     FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[])
       AS x(trade_ref, status, event_id, quantity, commitment, accrued, fees, net)
     WHERE t.trade_ref = x.trade_ref`,
    [c('tradeRef'), c('status'), c('settlementEventId'), c('settledQuantity'), c('settledCommitment'), c('settledAccrued'), c('settledFees'), c('settledNet')],
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
