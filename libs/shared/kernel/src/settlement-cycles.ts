import { addBusinessDays, type SettlementCalendar } from './calendars.js';
import { isIsoDate, type IsoDate } from './dates.js';

/** One era of a market's settlement cycle: trades executed on or after tradeDateFrom settle T+cycleDays. */
export interface SettlementCycleEra {
  readonly tradeDateFrom: IsoDate;
  readonly cycleDays: number;
  readonly basis: string;
}

/** A market's settlement calendar (by code, see calendarByCode) and its cycles, oldest era first. */
export interface SettlementMarket {
  readonly calendarCode: string;
  readonly cycles: readonly SettlementCycleEra[];
}

/**
 * Settlement cycles per market, effective-dated by trade date. The cycle that applies is fixed by the
 * trade date, never by today's date, so a trade executed the day before a switch keeps the old cycle.
 * A trade older than the first era is refused rather than guessed.
 */
export const SETTLEMENT_MARKETS: Readonly<Record<string, SettlementMarket>> = Object.freeze({
  EU: {
    calendarCode: 'TARGET',
    cycles: [
      // Most EU markets moved to T+2 together on 6 Oct 2014; before that, cycles differed per market.
      // Art. 5(2) binds trades executed on trading venues; OTC trades follow it by market practice.
      { tradeDateFrom: '2014-10-06', cycleDays: 2, basis: 'CSDR (Regulation (EU) 909/2014) art. 5(2), T+2' },
      { tradeDateFrom: '2027-10-11', cycleDays: 1, basis: 'CSDR art. 5(2) as amended for a shorter settlement cycle (COM(2025) 38), T+1' },
    ],
  },
  US: {
    calendarCode: 'US',
    cycles: [
      { tradeDateFrom: '1995-06-07', cycleDays: 3, basis: 'SEC rule 15c6-1 (T+3)' },
      { tradeDateFrom: '2017-09-05', cycleDays: 2, basis: 'SEC rule 15c6-1 as amended in 2017 (T+2)' },
      { tradeDateFrom: '2024-05-28', cycleDays: 1, basis: 'SEC rule 15c6-1 as amended in 2023 (T+1)' },
    ],
  },
});

function marketOf(market: string): SettlementMarket {
  if (!Object.prototype.hasOwnProperty.call(SETTLEMENT_MARKETS, market)) throw new Error(`unknown settlement market ${market}`);
  return SETTLEMENT_MARKETS[market]!;
}

/** The settlement cycle in business days of a trade executed on tradeDate in market. */
export function settlementCycleDays(market: string, tradeDate: IsoDate): number {
  if (!isIsoDate(tradeDate)) throw new Error(`not an ISO date: ${tradeDate}`);
  const eras = marketOf(market).cycles;
  let cycle: number | undefined;
  for (const era of eras) if (tradeDate >= era.tradeDateFrom) cycle = era.cycleDays;
  if (cycle === undefined) throw new Error(`no settlement cycle for market ${market} on trade date ${tradeDate} (first era from ${eras[0]?.tradeDateFrom})`);
  return cycle;
}

/**
 * Intended settlement date: the trade date plus the market's cycle in business days of the calendar
 * (the market's calendarCode; passed in so a calendar loaded from the referential can be used).
 * Business days are counted strictly after the trade date, as addBusinessDays does, so a trade dated
 * on a closing day counts from that day: an EU T+2 trade dated Saturday settles on Tuesday when
 * Monday and Tuesday are open, and the cycle is the trade date's, even if that date is a closing day.
 */
export function intendedSettlementDate(market: string, tradeDate: IsoDate, calendar: SettlementCalendar): IsoDate {
  return addBusinessDays(tradeDate, settlementCycleDays(market, tradeDate), calendar);
}
