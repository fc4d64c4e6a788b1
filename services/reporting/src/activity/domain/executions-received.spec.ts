import { describe, expect, it } from '@jest/globals';
import type { ExecutionsReceivedV1 } from '@postera/contracts';
import { batchCounts, executionsReceivedProblem } from './executions-received.js';

describe('an ExecutionsReceived (one capture batch, its records counted by outcome)', () => {
  it('is accepted when its counts add up to its records: 7 = 5 captured + 1 amended + 1 duplicate', () => {
    expect(executionsReceivedProblem({ outcomes: { CAPTURED: 5, AMENDED: 1, DUPLICATE: 1 }, records: 7 })).toBeNull();
    expect(batchCounts({ outcomes: { CAPTURED: 5, AMENDED: 1, DUPLICATE: 1 } })).toEqual({
      CAPTURED: 5,
      AMENDED: 1,
      CANCELLED: 0,
      STALE: 0,
      EXCEPTION: 0,
      DUPLICATE: 1,
    });
  });

  it('is refused when the counts do not add up, name an unknown outcome, are not whole numbers, or count no record', () => {
    expect(executionsReceivedProblem({ outcomes: { CAPTURED: 5, EXCEPTION: 1 }, records: 7 })).toBe('outcomes add up to 6, records 7');
    const confirmed = { outcomes: { CONFIRMED: 2 }, records: 2 } as unknown as ExecutionsReceivedV1;
    expect(executionsReceivedProblem(confirmed)).toBe('unknown outcome CONFIRMED');
    expect(executionsReceivedProblem({ outcomes: { CAPTURED: 1.5, STALE: 0.5 }, records: 2 })).toBe('a count that is not a whole number of records');
    expect(executionsReceivedProblem({ outcomes: { CAPTURED: -1, DUPLICATE: 2 }, records: 1 })).toBe('a count that is not a whole number of records');
    expect(executionsReceivedProblem({ outcomes: {}, records: 0 })).toBe('no record');
  });
});
