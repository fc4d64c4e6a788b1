import type { MarketSimConfig, ScenarioRule } from '../config.js';
import { draw } from './scenario.js';

export interface RuleSubject {
  instructionId: string;
  isin: string;
  account: string;
  counterparty: string;
}

/**
 * The scenario rule that applies to an instruction: the first of MARKET_SIM_RULES whose filters all
 * match, then the older single-purpose settings (MARKET_SIM_UNMATCHED_ISINS, MARKET_SIM_FAIL_ISINS)
 * as rules. A `share` is drawn once per instruction and rule (not per day), so an instruction is in
 * or out of a rule for its whole life.
 */
export function ruleFor(
  config: Pick<MarketSimConfig, 'MARKET_SIM_RULES' | 'MARKET_SIM_SEED' | 'MARKET_SIM_UNMATCHED_ISINS' | 'MARKET_SIM_FAIL_ISINS' | 'MARKET_SIM_FAIL_REASON'>,
  i: RuleSubject,
): ScenarioRule | null {
  for (const [n, r] of config.MARKET_SIM_RULES.entries()) {
    if (r.isin !== undefined && r.isin !== i.isin) continue;
    if (r.account !== undefined && r.account !== i.account) continue;
    if (r.counterparty !== undefined && r.counterparty !== i.counterparty) continue;
    if (r.share !== undefined && !(draw(config.MARKET_SIM_SEED, i.instructionId, `rule-${n}`) < r.share)) continue;
    return r;
  }
  if (config.MARKET_SIM_UNMATCHED_ISINS.includes(i.isin)) return { outcome: 'UNMATCHED', reason: 'CMIS' };
  if (config.MARKET_SIM_FAIL_ISINS.includes(i.isin)) return { outcome: 'FAIL', reason: config.MARKET_SIM_FAIL_REASON };
  return null;
}
