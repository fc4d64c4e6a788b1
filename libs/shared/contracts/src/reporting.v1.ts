import type { EventEnvelope } from './envelope.js';

/**
 * reporting.events.v1 — the French financial transaction tax (TTF, CGI art. 235 ter ZD) assessed
 * by reporting for one buyer account, ISIN and day: the base is the net buying position at the end
 * of the day, valued at the weighted average price of the day's purchases (DOMAIN.md §4).
 * Key: the account. Accounting accrues it (TTF payable) when it arrives. A re-assessment of the
 * same account, ISIN and date carries a new `assessmentId` and `supersedes` the earlier one.
 */
export interface TtfAssessedV1 {
  assessmentId: string;
  /** The buyer account (the referential's account id) and its book. */
  account: string;
  book: string;
  isin: string;
  /** The day of the net buying position (the trade date; the tax is due on settlement, the month after). */
  tradeDate: string;
  /** The base, in EUR, as a decimal string. */
  base: string;
  /** The rate applied, as a decimal fraction ("0.004" is 0.4 %). */
  rate: string;
  /** base × rate, rounded to the cent (half-up). */
  amount: string;
  currency: 'EUR';
  /** The assessment this one replaces, if any (accounting reverses it and books this one). */
  supersedes?: string | null;
}

export type ReportingEvent = EventEnvelope<TtfAssessedV1, 'TtfAssessed'>;
