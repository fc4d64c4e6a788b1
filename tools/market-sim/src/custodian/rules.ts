import { addBusinessDays, type SettlementCalendar } from '@postera/kernel';
import { isMatchingOutcome, type MarketSimConfig, type ScenarioRule } from '../config.js';
import { draw } from './scenario.js';

export interface RuleSubject {
  instructionId: string;
  isin: string;
  account: string;
  counterparty: string;
}

/** What a rule decides: the matching (UNMATCHED, LATE_MATCH) or the settlement (FAIL, PARTIAL). */
export type RuleAspect = 'matching' | 'settlement';

/**
 * The scenario rule that applies to an instruction for one aspect: the first of MARKET_SIM_RULES of
 * that aspect whose filters all match, then the older single-purpose settings
 * (MARKET_SIM_UNMATCHED_ISINS for the matching, MARKET_SIM_FAIL_ISINS for the settlement) as rules.
 * A `share` is drawn once per instruction and rule (not per day), so an instruction is in or out of
 * a rule for its whole life.
 */
export function ruleFor(
  config: Pick<MarketSimConfig, 'MARKET_SIM_RULES' | 'MARKET_SIM_SEED' | 'MARKET_SIM_UNMATCHED_ISINS' | 'MARKET_SIM_FAIL_ISINS' | 'MARKET_SIM_FAIL_REASON'>,
  i: RuleSubject,
  aspect: RuleAspect,
): ScenarioRule | null {
  for (const [n, r] of config.MARKET_SIM_RULES.entries()) {
    if (isMatchingOutcome(r.outcome) !== (aspect === 'matching')) continue;
    if (r.isin !== undefined && r.isin !== i.isin) continue;
    if (r.account !== undefined && r.account !== i.account) continue;
    if (r.counterparty !== undefined && r.counterparty !== i.counterparty) continue;
    if (r.share !== undefined && !(draw(config.MARKET_SIM_SEED, i.instructionId, `rule-${n}`) < r.share)) continue;
    return r;
  }
  if (aspect === 'matching' && config.MARKET_SIM_UNMATCHED_ISINS.includes(i.isin)) return { outcome: 'UNMATCHED', reason: 'CMIS' };
  if (aspect === 'settlement' && config.MARKET_SIM_FAIL_ISINS.includes(i.isin)) return { outcome: 'FAIL', reason: config.MARKET_SIM_FAIL_REASON };
  return null;
}

/** Whether an instruction is left unmatched when it arrives: an UNMATCHED rule for at least one close, or a LATE_MATCH rule. */
export function unmatchedOnReceipt(rule: ScenarioRule | null): boolean {
  return (rule?.outcome === 'UNMATCHED' && (rule.days === undefined || rule.days > 0)) || rule?.outcome === 'LATE_MATCH';
}

/** The day a LATE_MATCH instruction is matched: the `days`-th business day after its intended date (1 when absent). */
export function lateMatchDay(rule: ScenarioRule & { outcome: 'LATE_MATCH' }, intended: string, calendar: SettlementCalendar): string {
  return addBusinessDays(intended, rule.days ?? 1, calendar);
}

/**
 * Whether an unmatched instruction is matched at the close of `day`: an UNMATCHED rule once its
 * `days` closes are counted (this close included); a LATE_MATCH rule from its matching day on (a close
 * that did not run on that day matches it at the next one). An instruction no matching rule applies
 * to any more stays as it is.
 */
export function matchesAtClose(
  rule: ScenarioRule | null,
  i: { settlementDate: string; unmatchedDays: number },
  day: string,
  calendar: SettlementCalendar,
): boolean {
  if (rule?.outcome === 'UNMATCHED') return rule.days !== undefined && i.unmatchedDays + 1 >= rule.days;
  if (rule?.outcome === 'LATE_MATCH') return day >= lateMatchDay(rule as ScenarioRule & { outcome: 'LATE_MATCH' }, i.settlementDate, calendar);
  return false;
}
