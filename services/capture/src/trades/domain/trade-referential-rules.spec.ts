import { describe, expect, it } from '@jest/globals';
import { TARGET } from '@postera/kernel';
import { account, bond, message, party, share } from './trade-fixtures.spec-helper.js';
import { referentialProblems, type ReferentialView } from './trade-referential-rules.js';

const valid = message as unknown as Record<string, unknown>;
const known: ReferentialView = { account, instrument: share, party, calendarOf: () => TARGET };
const open = (businessDate: string) => ({ businessDate, status: 'OPEN' as const, nextBusinessDate: '2026-11-27' });

describe('rules that need the referential and the business day', () => {
  it('a known account, instrument and counterparty on the open day: no problem, not late', () => {
    expect(referentialProblems(valid, [], known, open('2026-11-26'))).toMatchObject({ problems: [], lateBooking: false });
  });

  it('unknown account, ISIN and counterparty are each named', () => {
    const r = referentialProblems(valid, [], { ...known, account: undefined, instrument: undefined, party: undefined }, null);
    expect(r.problems).toEqual([
      { field: 'account', value: 'CLI-0001', rule: 'account unknown to the referential' },
      { field: 'counterparty', value: '529900COUNTERPTY0129', rule: 'counterparty unknown to the referential' },
      { field: 'isin', value: 'FR0000120271', rule: 'instrument unknown to the referential' },
    ]);
  });

  it("a currency other than the instrument's, and a share priced in PERCENT", () => {
    const r = referentialProblems({ ...valid, currency: 'USD', priceType: 'PERCENT' }, [], known, null);
    expect(r.problems.map((p) => p.rule)).toEqual(['instrument FR0000120271 trades in EUR', 'FR0000120271 is a share: priced per UNIT']);
  });

  it('a bond priced per UNIT, and traded after its maturity', () => {
    const r = referentialProblems({ ...valid, isin: bond.isin, tradeDate: '2030-06-16' }, [], { ...known, instrument: bond }, null);
    expect(r.problems.map((p) => p.rule)).toEqual(['FR0013508470 is a bond: priced in PERCENT of nominal', 'bond FR0013508470 matured on 2030-06-15']);
  });

  it('a settlement date override on a TARGET closing day (Christmas 2026-12-25) is refused', () => {
    const r = referentialProblems({ ...valid, settlementDate: '2026-12-25' }, [], known, null);
    expect(r.problems).toEqual([{ field: 'settlementDate', value: '2026-12-25', rule: 'not a settlement day of the TARGET calendar' }]);
  });

  it('a trade date after the open business date is refused; before it, accepted and flagged late', () => {
    expect(referentialProblems({ ...valid, tradeDate: '2026-11-27' }, [], known, open('2026-11-26')).problems).toEqual([
      { field: 'tradeDate', value: '2026-11-27', rule: 'after the business date 2026-11-26' },
    ]);
    expect(referentialProblems({ ...valid, tradeDate: '2026-11-25' }, [], known, open('2026-11-26'))).toMatchObject({ problems: [], lateBooking: true });
  });

  it("once the day is closed, the next business day's trades may already arrive", () => {
    const closed = { businessDate: '2026-11-26', status: 'CLOSED' as const, nextBusinessDate: '2026-11-27' };
    expect(referentialProblems({ ...valid, tradeDate: '2026-11-27' }, [], known, closed).problems).toEqual([]);
    expect(referentialProblems({ ...valid, tradeDate: '2026-11-28' }, [], known, closed).problems.map((p) => p.rule)).toEqual([
      'after the business date 2026-11-27',
    ]);
  });

  it('a field that already failed its format rule is not checked again against the referential', () => {
    const r = referentialProblems({ ...valid, isin: 'BAD' }, [{ field: 'isin', value: 'BAD', rule: 'format' }], { ...known, instrument: undefined }, null);
    expect(r.problems).toEqual([]);
  });
});
