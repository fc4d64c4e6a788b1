import { isIsoDate, SETTLEMENT_MARKETS, type SettlementCalendar } from '@postera/kernel';
import type { AccountRef, InstrumentRef, PartyRef } from '../../referential/referential.reader.js';
import type { InputProblem } from './trade-input-rules.js';

/** The business day capture follows (ops.business-day.v1); null before the first day event. */
export interface BusinessDay {
  businessDate: string;
  status: 'OPEN' | 'CLOSED';
  /** The next business day of the calendar: when the day is closed, trades may already carry it. */
  nextBusinessDate: string;
}

export interface ReferentialView {
  account: AccountRef | undefined;
  instrument: InstrumentRef | undefined;
  party: PartyRef | undefined;
  calendarOf(market: string): SettlementCalendar | undefined;
}

/**
 * The rules of DESIGN.md §4 that need the referential or the business day. Only checked on fields
 * that passed their own format rule, so each problem is reported once, precisely.
 */
export function referentialProblems(
  f: Record<string, unknown>,
  formatProblems: InputProblem[],
  ref: ReferentialView,
  day: BusinessDay | null,
): { problems: InputProblem[]; lateBooking: boolean; calendar: SettlementCalendar | undefined } {
  const problems: InputProblem[] = [];
  const ok = (field: string) => typeof f[field] === 'string' && formatProblems.every((p) => p.field !== field);
  if (ok('account') && !ref.account) problems.push({ field: 'account', value: f.account, rule: 'account unknown to the referential' });
  if (ok('counterparty') && !ref.party) problems.push({ field: 'counterparty', value: f.counterparty, rule: 'counterparty unknown to the referential' });
  const i = ref.instrument;
  let calendar: SettlementCalendar | undefined;
  if (ok('isin') && !i) problems.push({ field: 'isin', value: f.isin, rule: 'instrument unknown to the referential' });
  if (i) {
    if (ok('currency') && i.currency !== f.currency)
      problems.push({ field: 'currency', value: f.currency, rule: `instrument ${i.isin} trades in ${i.currency}` });
    if (ok('priceType')) {
      if (i.instrumentType === 'BOND' && f.priceType !== 'PERCENT')
        problems.push({ field: 'priceType', value: f.priceType, rule: `${i.isin} is a bond: priced in PERCENT of nominal` });
      if (i.instrumentType !== 'BOND' && f.priceType !== 'UNIT')
        problems.push({ field: 'priceType', value: f.priceType, rule: `${i.isin} is a ${i.instrumentType.toLowerCase()}: priced per UNIT` });
    }
    const market = SETTLEMENT_MARKETS[i.settlementMarket];
    calendar = market ? ref.calendarOf(i.settlementMarket) : undefined;
    if (!calendar) problems.push({ field: 'isin', value: f.isin, rule: `no settlement calendar for market ${i.settlementMarket} of ${i.isin}` });
    else if (ok('settlementDate') && isIsoDate(f.settlementDate) && !calendar.isBusinessDay(f.settlementDate)) {
      problems.push({ field: 'settlementDate', value: f.settlementDate, rule: `not a settlement day of the ${calendar.code} calendar` });
    }
    if (i.bond && ok('tradeDate') && isIsoDate(f.tradeDate) && f.tradeDate > i.bond.maturityDate) {
      problems.push({ field: 'tradeDate', value: f.tradeDate, rule: `bond ${i.isin} matured on ${i.bond.maturityDate}` });
    }
  }
  let lateBooking = false;
  if (day && ok('tradeDate') && isIsoDate(f.tradeDate)) {
    // An open day accepts its own date; once it is closed, the next business day's trades may arrive early.
    const latest = day.status === 'OPEN' ? day.businessDate : day.nextBusinessDate;
    if (f.tradeDate > latest) problems.push({ field: 'tradeDate', value: f.tradeDate, rule: `after the business date ${latest}` });
    lateBooking = f.tradeDate < day.businessDate;
  }
  return { problems, lateBooking, calendar };
}
