import type { AccountingCategory, CostMethod } from '@postera/contracts';
import type { EntityManager } from 'typeorm';
import { calendarByCode, calendarFromHolidays, type SettlementCalendar } from '@postera/kernel';
import { loadTradeReferentialRows } from './persistence/referential.repository.js';

/**
 * The referential as the trade pipeline reads it: everything one batch of trades refers to, loaded
 * in the batch's transaction with one query (accounts, instruments, parties, the SSIs of those
 * accounts and counterparties, the calendars) whatever the batch size.
 */

export interface InstrumentRef {
  isin: string;
  name: string;
  instrumentType: 'SHARE' | 'BOND' | 'ETF';
  currency: string;
  issuerCountry: string;
  settlementMarket: string;
  placeOfSettlement: string;
  liquidityClass: string;
  ttfScopeYears: number[];
  bond: null | { couponRate: string; couponFrequency: 1 | 2 | 4 | 12; dayCount: string; maturityDate: string };
  version: number;
}
export interface PartyRef {
  lei: string;
  name: string;
  country: string;
  bic: string | null;
  version: number;
}
export interface AccountRef {
  account: string;
  clientId: string;
  clientName: string;
  accountType: 'CLIENT' | 'PROPRIETARY';
  book: string;
  accountingCategory: AccountingCategory;
  costMethod: CostMethod;
  language: 'fr' | 'en';
  contacts: Array<{ channel: 'EMAIL' | 'WEBHOOK'; address: string }>;
  baseCurrency: string;
  netting: boolean;
  version: number;
}
export interface SsiRef {
  owner: string;
  market: string;
  currency: string;
  placeOfSettlement: string;
  safekeepingAccount: string;
  cashAccount: string | null;
  agentBic: string | null;
  version: number;
}
export interface BatchReferential {
  accounts: Map<string, AccountRef>;
  instruments: Map<string, InstrumentRef>;
  parties: Map<string, PartyRef>;
  /** The SSI of an owner (account id or LEI) for a market and currency. */
  ssi(owner: string, market: string, currency: string): SsiRef | undefined;
  /** The calendar as data when imported, else the kernel's rule-based calendar of that code (calendarByCode), else undefined. */
  calendar(code: string): SettlementCalendar | undefined;
}

/** Everything a batch of trades refers to, in one query whatever the batch size. */
export async function loadReferential(tx: EntityManager, keys: { accounts: string[]; isins: string[]; leis: string[] }): Promise<BatchReferential> {
  const { accounts, instruments, parties, ssis, calendars } = await loadTradeReferentialRows(tx, keys);
  const ssiByKey = new Map(ssis.map((s) => [`${s.owner}:${s.market}:${s.currency}`, s]));
  const fromData = new Map(
    calendars.map((c) => [
      c.code,
      calendarFromHolidays(
        c.code,
        c.holidays.map((h) => h.date),
        c.weekend,
      ),
    ]),
  );
  return {
    accounts,
    instruments,
    parties,
    ssi: (owner, market, currency) => ssiByKey.get(`${owner}:${market}:${currency}`),
    calendar: (code) => fromData.get(code) ?? ruleBased(code),
  };
}

function ruleBased(code: string): SettlementCalendar | undefined {
  try {
    return calendarByCode(code);
  } catch {
    return undefined; // calendarByCode throws on a code it does not know
  }
}
