import type { TradeEconomics } from '@postera/contracts';
import { Dec, grossAmount, minorUnits, tradeRef, type Dec as Decimal } from '@postera/kernel';
import type { InputProblem, ValidTradeMessage } from './trade-input-rules.js';
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
  // Amounts on the wire carry at least the currency's minor unit (10004.00 EUR, 123450 JPY); never rounded here.
  const money = (d: Decimal) => d.toFixed(Math.max(minorUnits(m.currency), d.decimalPlaces()));
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
    grossAmount: money(gross),
    feesAmount: money(fees),
    netAmount: money(net),
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

/**
 * Rules on the computed figures: a consideration that rounds to zero, or fees above it on a
 * sell (the account would pay to deliver), cannot be booked and are held for an operator.
 */
export function economicsProblems(e: TradeEconomics): InputProblem[] {
  const problems: InputProblem[] = [];
  if (new Dec(e.grossAmount).lte(0)) {
    problems.push({ field: 'quantity', value: e.quantity, rule: `quantity × price rounds to ${e.grossAmount} ${e.currency}: nothing to settle` });
  }
  if (new Dec(e.feesAmount).gt(e.grossAmount)) {
    problems.push({ field: 'fees', value: e.fees, rule: `fees ${e.feesAmount} exceed the consideration ${e.grossAmount} ${e.currency}` });
  }
  return problems;
}
