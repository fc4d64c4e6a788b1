import { addBusinessDays, type SettlementCalendar } from '@postera/kernel';

/**
 * Late matching (LMFP) and settlement fails (SEFP) share one instruction's days without overlap
 * (Delegated Regulation (EU) 2017/389, annex I; DOMAIN.md §2): an instruction matched after its
 * intended settlement date is charged LMFP for each business day from the intended date up to the
 * day before its matching, computed on the matching date; from the matching date on, a day it does
 * not settle is an SEFP day. So no day is ever charged twice.
 */

/** Bound on the late-matching days of one instruction (a year and a half of business days); beyond it the caller logs and stops. */
export const LATE_MATCHING_DAYS_MAX = 366;

/**
 * The LMFP days of an instruction intended for `intended` and matched on `matched`: business days
 * of `calendar` from the intended date (the next business day when it is a closing day) up to the
 * day before `matched`. None when it matched on or before its intended date.
 */
export function lateMatchingDays(intended: string, matched: string, calendar: SettlementCalendar): string[] {
  const days: string[] = [];
  for (let d = addBusinessDays(intended, 0, calendar); d < matched && days.length < LATE_MATCHING_DAYS_MAX; d = addBusinessDays(d, 1, calendar)) {
    days.push(d);
  }
  return days;
}

/**
 * Whether a fail reported for `day` is an SEFP day: on or after the intended date, and on or after the
 * matching date when one is known (before it the instruction was unmatched: those days are LMFP's).
 */
export function isSettlementFailDay(day: string, intended: string, matched: string | null): boolean {
  return day >= intended && (matched === null || day >= matched);
}

export interface PenaltyDaysOfAdvice {
  /** LMFP days, when this advice is the instruction's matching. */
  lmfp: string[];
  /** The SEFP day, when this advice is a fail on a day that is one. */
  sefp: string | null;
}

/**
 * The penalty days one custodian advice brings: its matching (`matchedOn`, only the first time an
 * instruction is matched) yields the LMFP days; its fail day (`failedOn`) is an SEFP day unless it
 * falls before the matching date (the one known before, or the one this advice brings).
 */
export function penaltyDaysOfAdvice(
  instruction: { intendedSettlementDate: string; matchedDate: string | null },
  advice: { matchedOn: string | null; failedOn: string | null },
  calendar: SettlementCalendar,
): PenaltyDaysOfAdvice {
  const isd = instruction.intendedSettlementDate;
  const matched = instruction.matchedDate ?? advice.matchedOn;
  return {
    lmfp: advice.matchedOn !== null && instruction.matchedDate === null ? lateMatchingDays(isd, advice.matchedOn, calendar) : [],
    sefp: advice.failedOn !== null && isSettlementFailDay(advice.failedOn, isd, matched) ? advice.failedOn : null,
  };
}
