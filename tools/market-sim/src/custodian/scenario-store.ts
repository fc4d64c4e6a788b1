import type { EntityManager } from 'typeorm';
import type { MarketSimConfig, ScenarioRule } from '../config.js';

type Query = Pick<EntityManager, 'query'>;

/** The scenario the CSD follows: the one a tester set (PUT /scenario), else the one it started with. */
export interface Scenario {
  rules: ScenarioRule[];
  failRate: number;
  /** Who set it and when; null for the start-up scenario (MARKET_SIM_RULES, MARKET_SIM_FAIL_RATE). */
  setBy: { updatedBy: string; updatedAt: string } | null;
}

/** The scenario in force, read in the caller's transaction so that a cycle runs under one scenario from start to end. */
export async function scenarioInForce(tx: Query, config: Pick<MarketSimConfig, 'MARKET_SIM_RULES' | 'MARKET_SIM_FAIL_RATE'>): Promise<Scenario> {
  const [row] = (await tx.query(
    `SELECT rules, fail_rate::float8 AS "failRate", updated_by AS "updatedBy", updated_at AS "updatedAt" FROM market_sim.scenario WHERE id = 1`,
  )) as Array<{ rules: ScenarioRule[]; failRate: number; updatedBy: string; updatedAt: Date }>;
  if (!row) return { rules: config.MARKET_SIM_RULES, failRate: config.MARKET_SIM_FAIL_RATE, setBy: null };
  return { rules: row.rules, failRate: row.failRate, setBy: { updatedBy: row.updatedBy, updatedAt: row.updatedAt.toISOString() } };
}

/** The configuration the rules read (ruleFor, outcomeOnDay) with the scenario in force in place of the start-up one. */
export function withScenario<C extends Pick<MarketSimConfig, 'MARKET_SIM_RULES' | 'MARKET_SIM_FAIL_RATE'>>(config: C, s: Scenario): C {
  return { ...config, MARKET_SIM_RULES: s.rules, MARKET_SIM_FAIL_RATE: s.failRate };
}

export async function setScenario(tx: Query, s: { rules: ScenarioRule[]; failRate: number }, who: string): Promise<void> {
  await tx.query(
    `INSERT INTO market_sim.scenario (id, rules, fail_rate, updated_by, updated_at) VALUES (1, $1, $2, $3, now())
     ON CONFLICT (id) DO UPDATE SET rules = EXCLUDED.rules, fail_rate = EXCLUDED.fail_rate, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [JSON.stringify(s.rules), s.failRate, who],
  );
}
