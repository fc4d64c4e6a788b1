import { describe, expect, it } from '@jest/globals';
import { instructionTypeFor, isProgress, statusFromCustodian } from './instruction-status.js';

describe('instruction lifecycle', () => {
  it('maps custodian codes', () => {
    expect(['PACK', 'REJT', 'MACH', 'NMAT', 'PEND', 'SETT', 'CAND'].map((c) => statusFromCustodian(c as never))).toEqual([
      'ACCEPTED',
      'REJECTED',
      'MATCHED',
      'UNMATCHED',
      'FAILING',
      'SETTLED',
      'CANCELLED',
    ]);
  });
  it('moves forward only, settled and rejected are terminal', () => {
    expect(isProgress('SENT', 'ACCEPTED')).toBe(true);
    expect(isProgress('MATCHED', 'SETTLED')).toBe(true);
    expect(isProgress('FAILING', 'SETTLED')).toBe(true);
    expect(isProgress('FAILING', 'FAILING')).toBe(true);
    expect(isProgress('MATCHED', 'ACCEPTED')).toBe(false);
    expect(isProgress('SETTLED', 'FAILING')).toBe(false);
    expect(isProgress('REJECTED', 'MATCHED')).toBe(false);
    expect(isProgress('ACCEPTED', 'REJECTED')).toBe(true); // a rejection after the acceptance advice
  });
  it('cancelled is terminal: the custodian confirming our cancellation again, or a late advice, changes nothing', () => {
    expect(isProgress('CANCELLED', 'CANCELLED')).toBe(false);
    expect(isProgress('CANCELLED', 'MATCHED')).toBe(false);
    expect(isProgress('CANCELLED', 'SETTLED')).toBe(false);
    expect(isProgress('MATCHED', 'CANCELLED')).toBe(true); // the CSD cancelled it
    expect(isProgress('SETTLED', 'CANCELLED')).toBe(false); // never un-settled
  });
  it('buy receives against payment, sell delivers against payment', () => {
    expect([instructionTypeFor('BUY'), instructionTypeFor('SELL')]).toEqual(['RVP', 'DVP']);
  });
});
