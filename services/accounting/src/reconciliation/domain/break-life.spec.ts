import { describe, expect, it } from '@jest/globals';
import { addDays, TARGET } from '@postera/kernel';
import { ageInBusinessDays, breaksSummary, breakTransition, closingRun, sameReconciliation, type OpenBreak } from './compare.js';

const brk = (over: Partial<OpenBreak>): OpenBreak => ({
  breakId: 'b',
  kind: 'HOLDINGS',
  subject: 'CLI-0003',
  asOf: '2026-11-30',
  item: 'FR0000120271',
  field: 'quantity',
  status: 'OPEN',
  ...over,
});

describe('a break closed by the run that no longer finds it', () => {
  it('the next statement of the account agrees: the open and investigated breaks it no longer finds are closed, the one it finds again kept', () => {
    const open = [
      brk({ breakId: 'b1', item: 'FR0000120271' }),
      brk({ breakId: 'b2', item: 'FR0000131104', status: 'INVESTIGATING' }),
      brk({ breakId: 'b3', item: 'FR0000120578' }),
    ];
    const r = closingRun(open, { kind: 'HOLDINGS', subject: 'CLI-0003', asOf: '2026-12-01' }, [{ item: 'FR0000120578', field: 'quantity' }]);
    expect(r.closed.map((b) => b.breakId)).toEqual(['b1', 'b2']);
    expect([...r.kept.values()].map((b) => b.breakId)).toEqual(['b3']);
  });

  it('leaves alone the breaks of another account, another kind, a later statement, and those resolved or closed already', () => {
    const open = [
      brk({ breakId: 'other-account', subject: 'CLI-0004' }),
      brk({ breakId: 'cash', kind: 'CASH' }),
      brk({ breakId: 'newer', asOf: '2026-12-02' }),
      brk({ breakId: 'resolved', status: 'RESOLVED' }),
      brk({ breakId: 'closed', status: 'CLOSED' }),
    ];
    expect(closingRun(open, { kind: 'HOLDINGS', subject: 'CLI-0003', asOf: '2026-12-01' }, []).closed).toEqual([]);
  });

  it('a P&L break belongs to its own day: Tuesday matching closes nothing of Monday', () => {
    const monday = brk({ breakId: 'mon', kind: 'PNL', subject: 'PNL', asOf: '2026-11-30', item: 'PROP-EQ|EUR', field: 'pnl' });
    expect(sameReconciliation(monday, { kind: 'PNL', subject: 'PNL', asOf: '2026-12-01' })).toBe(false);
    expect(closingRun([monday], { kind: 'PNL', subject: 'PNL', asOf: '2026-12-01' }, []).closed).toEqual([]);
    expect(closingRun([monday], { kind: 'PNL', subject: 'PNL', asOf: '2026-11-30' }, []).closed.map((b) => b.breakId)).toEqual(['mon']);
  });

  it('nobody closes a break by hand, and a closed break is final', () => {
    expect(breakTransition('OPEN', 'CLOSED', 'alice', 'fixed')).toEqual({
      ok: false,
      problem: 'a break is closed only by a reconciliation run that no longer finds it',
    });
    expect(breakTransition('CLOSED', 'OPEN', 'alice', 'again')).toEqual({ ok: false, problem: 'CLOSED → OPEN is not allowed' });
  });
});

describe('the reconciliation screen’s figures', () => {
  const age = (asOf: string, today: string) => ageInBusinessDays(asOf, today, (d) => TARGET.isBusinessDay(d), addDays);

  it('counts the open breaks by kind and by business days since first seen, and what closed today', () => {
    // Friday 4 December 2026. Thursday 3 Dec: 1 business day; Monday 30 Nov: 4; Friday 27 Nov: 5; 6 Nov: 20; 5 Nov: 21.
    const open = [
      { kind: 'HOLDINGS', status: 'OPEN', asOf: '2026-12-04' },
      { kind: 'HOLDINGS', status: 'INVESTIGATING', asOf: '2026-12-03' },
      { kind: 'CASH', status: 'OPEN', asOf: '2026-11-30' },
      { kind: 'CASH', status: 'OPEN', asOf: '2026-11-27' },
      { kind: 'PNL', status: 'OPEN', asOf: '2026-11-06' },
      { kind: 'PNL', status: 'INVESTIGATING', asOf: '2026-11-05' },
    ];
    expect(breaksSummary('2026-12-04', open, { closedByRuns: 3, resolved: 1 }, age)).toEqual({
      businessDate: '2026-12-04',
      open: 6,
      investigating: 2,
      byKind: { HOLDINGS: 2, CASH: 2, PNL: 2 },
      ageing: { '0': 1, '1-2': 1, '3-5': 2, '6-20': 1, '>20': 1 },
      oldestBusinessDays: 21,
      closedToday: { byRuns: 3, resolved: 1 },
    });
  });
});
