import { z } from 'zod';
import type { EventEnvelope } from './envelope.js';
import { UnconfirmedTradesAtCloseV1Schema } from './trade-events.v1.js';
import { count, decimalString, isoDate, type Same } from './wire-schemas.js';

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
  /**
   * The account's role and owner as its trades carried them, which decide who is charged (the
   * client, or the proprietary book's expense): absent on assessments made before they were carried
   * (accounting then reads its copy of the referential).
   */
  accountType?: 'CLIENT' | 'PROPRIETARY';
  clientId?: string;
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
export const TtfAssessedV1Schema = z.object({
  assessmentId: z.string(),
  account: z.string(),
  book: z.string(),
  accountType: z.enum(['CLIENT', 'PROPRIETARY']).optional(),
  clientId: z.string().optional(),
  isin: z.string(),
  tradeDate: isoDate,
  base: decimalString,
  rate: decimalString,
  amount: decimalString,
  currency: z.literal('EUR'),
  supersedes: z.string().nullable().optional(),
});
const _ttfAssessed: Same<TtfAssessedV1, z.infer<typeof TtfAssessedV1Schema>> = true;

export type ReportingEvent = EventEnvelope<TtfAssessedV1, 'TtfAssessed'>;

/**
 * The activity report of a business day, written by reporting at the day's close (key
 * `eod:<businessDate>`): counts over every trade received so far, and settlement efficiency for the
 * trades due by that day (settled on their intended date / due, a decimal string; null when none is due).
 */
export const EndOfDayReportProducedV1Schema = z.object({
  businessDate: isoDate.nullable(),
  captured: count,
  confirmed: count,
  validated: count,
  amended: count,
  cancelled: count,
  unconfirmedAtClose: UnconfirmedTradesAtCloseV1Schema.pick({ total: true, trades: true }).nullable(),
  instructed: count,
  settled: count,
  failing: count,
  failsByReason: z.record(z.string(), count),
  settledOnIntendedDate: count,
  settlementEfficiency: decimalString.nullable(),
  journalEntries: count,
});
export type EndOfDayReportProducedV1 = z.infer<typeof EndOfDayReportProducedV1Schema>;
export type EndOfDayReportProducedEvent = EventEnvelope<EndOfDayReportProducedV1, 'EndOfDayReportProduced'>;
