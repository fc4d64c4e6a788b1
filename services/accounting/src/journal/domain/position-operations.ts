import { Dec } from '@postera/kernel';
import type { CostOpMeta } from '../../ledger/domain/cost-history.js';
import type { PostingContext } from '../../ledger/domain/rules-engine.js';
import type { StoredTrade } from '../persistence/trade.repository.js';
import type { CostEffect } from './posting-rules.js';

// What a trade's operations on its position carry: the position, the consideration, the key that
// orders them and what the costing needs to post (journal/commands/cost-day).

/** The position an operation moves. */
export const positionOf = (t: StoredTrade) => ({ account: t.account, isin: t.isin, costMethod: t.costMethod });

/** The consideration of an operation: the securities move at the gross, no P&L until its day is costed. */
export const consideration = (side: 'BUY' | 'SELL', gross: Dec): CostEffect => ({ securities: side === 'BUY' ? gross : gross.negated(), realized: new Dec(0) });

/** The later of two days marked ('' before any). */
export const laterMark = (a: string, b: string): string => (a > b ? a : b);

export const postingContext = (t: StoredTrade): PostingContext => ({
  securitiesAccount: t.securitiesAccount,
  aux: { CUSTODIAN: t.placeOfSettlement || null, COUNTERPARTY: t.counterparty || null, CLIENT: t.clientId || null },
});

/**
 * Where an operation sits in its position's economic order (ledger/domain/cost-history.ts):
 * recognition date | trade date | trade reference | event. A trade-date operation's key starts with
 * tradeDateOpPrefix, by which its amendment or cancellation finds it.
 */
export const tradeDateOpPrefix = (t: StoredTrade) => `${t.tradeDate}|${t.tradeDate}|${t.tradeRef}|`;
export const settlementOpKey = (t: StoredTrade, date: string, eventId: string) => `${date}|${t.tradeDate}|${t.tradeRef}|${eventId}`;

export const opMeta = (t: StoredTrade, event: CostOpMeta['event'], accountingDate: string): CostOpMeta => ({
  tradeRef: t.tradeRef,
  event,
  recognition: t.recognition,
  accountingDate,
  securitiesAccount: t.securitiesAccount,
  book: t.book,
  currency: t.currency,
});
