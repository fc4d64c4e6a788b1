import type { TradeEconomics } from '@postera/contracts';
import { Dec, grossAmount, tradeRef } from '@postera/kernel';
import type { ValidTradeMessage } from './trade-input-rules.js';
import { intendedSettlementDate } from './settlement-cycle.js';

export interface AccountRef {
  account: string;
  clientId: string;
  accountType: 'CLIENT' | 'PROPRIETARY';
  book: string;
}

/**
 * The enriched trade: gross consideration (half-up to the minor unit), fees summed, and the net
 * cash the account pays on a buy (gross + fees) or receives on a sell (gross − fees).
 */
export function tradeEconomics(m: ValidTradeMessage, account: AccountRef): TradeEconomics {
  const gross = grossAmount(new Dec(m.quantity), new Dec(m.price), m.priceType, m.currency);
  const fees = (m.fees ?? []).reduce((sum, f) => sum.plus(f.amount), new Dec(0));
  const net = m.side === 'BUY' ? gross.plus(fees) : gross.minus(fees);
  return {
    tradeRef: tradeRef(m.sourceSystem, m.tradeId),
    sourceSystem: m.sourceSystem,
    tradeId: m.tradeId,
    version: m.version,
    side: m.side,
    isin: m.isin,
    quantity: m.quantity,
    price: m.price,
    priceType: m.priceType,
    currency: m.currency,
    grossAmount: gross.toFixed(),
    feesAmount: fees.toFixed(),
    netAmount: net.toFixed(),
    fees: m.fees ?? [],
    tradeDate: m.tradeDate,
    settlementDate: intendedSettlementDate(m.tradeDate, m.settlementDate),
    executedAt: m.executedAt,
    venue: m.venue,
    account: m.account,
    counterparty: m.counterparty,
    capacity: m.capacity,
    orderType: m.orderType ?? null,
    clientId: account.clientId,
    accountType: account.accountType,
    book: account.book,
  };
}
