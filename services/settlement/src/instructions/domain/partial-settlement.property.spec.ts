import { describe, expect, it } from '@jest/globals';
import { Dec } from '@postera/kernel';
import fc from 'fast-check';
// The simulator's partial steps (tools/market-sim) drive settlement's step application: a test may
// read both, as the e2e harness does; the service itself never imports the tool.
// eslint-disable-next-line no-restricted-imports -- a test joining the two sides of one exchange, never shipped code
import { afterStep, partialFraction, partialStep, type PartialIndicator } from '../../../../../tools/market-sim/src/custodian/partial.js';
import { applyStep } from './settlement-steps.js';

describe('partial settlement: settled + remaining = instructed, whatever steps the simulator produces', () => {
  it('holds for every instruction, indicator and sequence of draws, quantity and cash alike', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000_000 }), // cash in cents
        fc.constantFrom<PartialIndicator>('PART', 'NPAR', 'PARC', 'PARQ'),
        fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { minLength: 0, maxLength: 12 }),
        (qty, cents, indicator, draws) => {
          const instructed = {
            quantity: String(qty),
            settlementAmount: new Dec(cents).div(100).toFixed(),
            settledQuantity: null as string | null,
            settledAmount: null as string | null,
          };
          let rem = { quantity: instructed.quantity, amount: instructed.settlementAmount, currency: 'EUR' };
          const check = () => {
            expect(new Dec(instructed.settledQuantity ?? 0).plus(rem.quantity).toFixed()).toBe(instructed.quantity);
            expect(new Dec(instructed.settledAmount ?? 0).plus(rem.amount).eq(instructed.settlementAmount)).toBe(true);
            expect(new Dec(rem.quantity).gte(0)).toBe(true);
          };
          for (const u of draws) {
            const step = partialStep(rem, partialFraction(u), indicator, { minQuantity: '100', minAmount: '1000.00' });
            if (!step) continue;
            const applied = applyStep(instructed, step);
            if (!applied.ok) throw new Error(applied.why);
            expect(applied.complete).toBe(false); // a partial step never completes the instruction
            Object.assign(instructed, { settledQuantity: applied.settledQuantity, settledAmount: applied.settledAmount });
            rem = afterStep(rem, step);
            expect(applied.remainingQuantity).toBe(rem.quantity);
            check();
          }
          // The last step: the remainder, exactly.
          const last = applyStep(instructed, { quantity: rem.quantity, amount: rem.amount });
          if (rem.quantity === '0') return; // (cannot happen: a partial step never takes the whole)
          if (!last.ok) throw new Error(last.why);
          expect(last.complete).toBe(true);
          expect(last.settledQuantity).toBe(instructed.quantity);
          expect(new Dec(last.settledAmount).eq(instructed.settlementAmount)).toBe(true);
        },
      ),
      { numRuns: 500, seed: 20261130 },
    );
  });

  it('NPAR never settles partially; a step beyond the remainder is refused', () => {
    expect(partialStep({ quantity: '150', amount: '8784.53', currency: 'EUR' }, new Dec(0.4), 'NPAR', { minQuantity: '1', minAmount: '0.01' })).toBeNull();
    // PART, 40 % of 150 = 60 shares; cash 8,784.53 × 60 / 150 = 3,513.812 → 3,513.81 (half-up).
    expect(partialStep({ quantity: '150', amount: '8784.53', currency: 'EUR' }, new Dec(0.4), 'PART', { minQuantity: '1', minAmount: '0.01' })).toEqual({
      quantity: '60',
      amount: '3513.81',
    });
    expect(applyStep({ quantity: '150', settlementAmount: '1', settledQuantity: '100', settledAmount: '0' }, { quantity: '60', amount: '0' })).toEqual({
      ok: false,
      why: 'settled 160 would exceed the instructed 150',
    });
  });
});
