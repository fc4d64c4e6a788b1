import { describe, expect, it } from '@jest/globals';
import { cancellationOutcome } from './cancellation.js';

describe('simulated CSD: a cancellation request', () => {
  it('cancels what is not settled: matched, unmatched or failing', () => {
    expect(['MATCHED', 'UNMATCHED', 'FAILING'].map((s) => cancellationOutcome(s as never).kind)).toEqual(['cancel', 'cancel', 'cancel']);
  });
  it('cannot cancel a settled instruction, nor one it never received; a second request does nothing', () => {
    expect(cancellationOutcome('SETTLED')).toEqual({ kind: 'ignore', why: 'already settled' });
    expect(cancellationOutcome(null)).toEqual({ kind: 'ignore', why: 'unknown instruction' });
    expect(cancellationOutcome('CANCELLED')).toEqual({ kind: 'ignore', why: 'already cancelled' });
  });
});
