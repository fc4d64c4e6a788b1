import { describe, expect, it } from '@jest/globals';
import { draw, outcomeOnDay } from './scenario.js';

const base = { MARKET_SIM_FAIL_ISINS: [] as string[], MARKET_SIM_FAIL_REASON: 'LACK' as const, MARKET_SIM_FAIL_RATE: 0, MARKET_SIM_SEED: 's1' };

describe('market simulator scenario', () => {
  it('fails every instruction on a listed ISIN with the configured reason', () => {
    expect(
      outcomeOnDay(
        { ...base, MARKET_SIM_FAIL_ISINS: ['FR0000120271'], MARKET_SIM_FAIL_REASON: 'LACK' },
        { instructionId: 'a', isin: 'FR0000120271' },
        '2026-11-30',
      ),
    ).toEqual({ kind: 'fail', reason: 'LACK' });
  });
  it('settles everything at rate 0', () => {
    expect(outcomeOnDay(base, { instructionId: 'a', isin: 'FR0000131104' }, '2026-11-30')).toEqual({ kind: 'settle' });
  });
  it('is deterministic for a seed, and a 25% rate fails about a quarter of 4,000 instructions', () => {
    const cfg = { ...base, MARKET_SIM_FAIL_RATE: 0.25 };
    const run = () => Array.from({ length: 4000 }, (_, i) => outcomeOnDay(cfg, { instructionId: `i${i}`, isin: 'X' }, '2026-11-30').kind);
    const first = run();
    expect(run()).toEqual(first);
    const fails = first.filter((k) => k === 'fail').length;
    expect(fails).toBeGreaterThan(900);
    expect(fails).toBeLessThan(1100);
  });
  it('draws differ by seed', () => {
    expect(draw('a', 'i', 'd')).not.toEqual(draw('b', 'i', 'd'));
  });
});
