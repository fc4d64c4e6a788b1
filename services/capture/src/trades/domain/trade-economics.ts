import type { SettlementParty, TradeEconomics, TradeExecutedV1 } from '@postera/contracts';
import {
  accruedInterest,
  amountAtLeastMinorUnits,
  Dec,
  grossAmount,
  intendedSettlementDate,
  tradeRef,
  type Dec as Decimal,
  type SettlementCalendar,
} from '@postera/kernel';
import type { AccountRef, InstrumentRef, PartyRef, SsiRef } from '../../referential/referential.reader.js';
import type { InputProblem } from './trade-input-rules.js';

/** What the referential says about a trade: its account, instrument, counterparty, calendar and both SSIs. */
export interface Enrichment {
  account: AccountRef;
  instrument: InstrumentRef;
  party: PartyRef;
  calendar: SettlementCalendar;
  accountSsi: SsiRef | undefined;
  counterpartySsi: SsiRef | undefined;
  origin: 'ELECTRONIC' | 'MANUAL';
  lateBooking: boolean;
}

const settlementParty = (s: SsiRef | undefined): SettlementParty | null =>
  s
    ? { owner: s.owner, placeOfSettlement: s.placeOfSettlement, safekeepingAccount: s.safekeepingAccount, cashAccount: s.cashAccount, agentBic: s.agentBic }
    : null;

/**
 * The enriched trade (DOMAIN.md §2):
 * - intended settlement date: the message's override, else trade date + the market's cycle
 *   (effective-dated) in business days of the market's settlement calendar;
 * - gross consideration: quantity × price, ÷ 100 for PERCENT, rounded half-up to the minor unit;
 * - accrued interest of a bond from its last coupon to the settlement date, on the nominal,
 *   rounded half-up to the minor unit (0 for shares and ETFs);
 * - net: what the account pays on a buy (gross + accrued + fees) or receives on a sell (gross + accrued − fees).
 */
export function tradeEconomics(m: TradeExecutedV1, e: Enrichment): TradeEconomics {
  const currency = m.currency;
  const settlementDate = m.settlementDate ?? intendedSettlementDate(e.instrument.settlementMarket, m.tradeDate, e.calendar);
  const gross = grossAmount(new Dec(m.quantity), new Dec(m.price), m.priceType, currency);
  const bond = e.instrument.bond;
  const accrued = bond
    ? accruedInterest(
        {
          nominal: m.quantity,
          couponRate: bond.couponRate,
          couponFrequency: bond.couponFrequency,
          dayCount: bond.dayCount as never,
          maturityDate: bond.maturityDate,
          currency,
        },
        settlementDate,
      ).amount
    : new Dec(0);
  const fees = (m.fees ?? []).reduce((sum, f) => sum.plus(f.amount), new Dec(0));
  const net = m.side === 'BUY' ? gross.plus(accrued).plus(fees) : gross.plus(accrued).minus(fees);
  // Amounts on the wire carry at least the currency's minor unit (10004.00 EUR, 123450 JPY); never rounded here.
  const money = (d: Decimal) => amountAtLeastMinorUnits(d, currency);
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
    currency,
    grossAmount: money(gross),
    accruedInterest: money(accrued),
    feesAmount: money(fees),
    netAmount: money(net),
    fees: m.fees ?? [],
    tradeDate: m.tradeDate,
    settlementDate,
    executedAt: m.executedAt,
    venue: m.venue,
    account: m.account,
    counterparty: m.counterparty,
    capacity: m.capacity,
    orderType: m.orderType ?? null,
    venueTransactionId: m.venueTransactionId ?? null,
    trader: m.trader ?? null,
    clientId: e.account.clientId,
    accountType: e.account.accountType,
    book: e.account.book,
    accountingCategory: e.account.accountingCategory,
    costMethod: e.account.costMethod,
    instrumentType: e.instrument.instrumentType,
    settlementMarket: e.instrument.settlementMarket,
    placeOfSettlement: e.instrument.placeOfSettlement,
    ssis: { account: settlementParty(e.accountSsi), counterparty: settlementParty(e.counterpartySsi) },
    origin: e.origin,
    lateBooking: e.lateBooking,
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
