import { createHash } from 'node:crypto';
import type { MarketSimConfig } from '../config.js';

export type SettlementOutcome = { kind: 'settle' } | { kind: 'fail'; reason: string };

/** A number in [0, 1) from the seed, the instruction and the day: the same run gives the same fails. */
export function draw(seed: string, instructionId: string, date: string): number {
  const h = createHash('sha256').update(`${seed}|${instructionId}|${date}`).digest();
  return h.readUInt32BE(0) / 2 ** 32;
}

export function outcomeOnDay(
  config: Pick<MarketSimConfig, 'MARKET_SIM_FAIL_ISINS' | 'MARKET_SIM_FAIL_REASON' | 'MARKET_SIM_FAIL_RATE' | 'MARKET_SIM_SEED'>,
  instruction: { instructionId: string; isin: string },
  date: string,
): SettlementOutcome {
  if (config.MARKET_SIM_FAIL_ISINS.includes(instruction.isin)) return { kind: 'fail', reason: config.MARKET_SIM_FAIL_REASON };
  if (config.MARKET_SIM_FAIL_RATE > 0 && draw(config.MARKET_SIM_SEED, instruction.instructionId, date) < config.MARKET_SIM_FAIL_RATE) {
    return { kind: 'fail', reason: config.MARKET_SIM_FAIL_REASON };
  }
  return { kind: 'settle' };
}
