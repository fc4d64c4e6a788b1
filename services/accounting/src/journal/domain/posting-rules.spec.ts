import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Dec } from '@postera/kernel';
import { imbalance, reversalOf, settlementPosting, tradeDateCommitment, type JournalLine } from './posting-rules.js';

const show = (lines: JournalLine[]) => lines.map((l) => [l.accountCode, l.debit.toFixed(2), l.credit.toFixed(2)]);

describe('posting rules — worked examples', () => {
  // Buy 150 FR0000120271 at 101.255 EUR: gross 15188.25, fees 7.50, net paid 15195.75.
  const buy = { side: 'BUY' as const, currency: 'EUR', grossAmount: '15188.25', accruedInterest: '0.00', feesAmount: '7.50', netAmount: '15195.75' };
  // Sell 40 at 250.10 EUR: gross 10004.00, fees 5.00, net received 9999.00.
  const sell = { side: 'SELL' as const, currency: 'EUR', grossAmount: '10004.00', accruedInterest: '0.00', feesAmount: '5.00', netAmount: '9999.00' };

  it('buy at trade date: securities to receive 15188.25 off balance sheet', () => {
    expect(show(tradeDateCommitment(buy))).toEqual([
      ['903100', '15188.25', '0.00'],
      ['903900', '0.00', '15188.25'],
    ]);
  });
  it('buy at settlement: commitment reversed, securities 15188.25 + fees 7.50 against nostro 15195.75', () => {
    expect(show(settlementPosting(buy))).toEqual([
      ['903900', '15188.25', '0.00'],
      ['903100', '0.00', '15188.25'],
      ['311000', '15188.25', '0.00'],
      ['622000', '7.50', '0.00'],
      ['512000', '0.00', '15195.75'],
    ]);
  });
  it('sell at settlement: nostro 9999.00 + fees 5.00 against securities 10004.00', () => {
    expect(show(settlementPosting(sell))).toEqual([
      ['904100', '10004.00', '0.00'],
      ['904900', '0.00', '10004.00'],
      ['512000', '9999.00', '0.00'],
      ['622000', '5.00', '0.00'],
      ['311000', '0.00', '10004.00'],
    ]);
  });
  it('no fees: no zero line', () => {
    expect(settlementPosting({ ...buy, feesAmount: '0', netAmount: '15188.25' }).map((l) => l.accountCode)).toEqual(['903900', '903100', '311000', '512000']);
  });
});

describe('posting rules — bonds with accrued interest', () => {
  // Buy 100000 nominal of a 2.75 % bond at 98.50 PERCENT, 210 days after its last coupon (ACT/365):
  // gross 100000 × 98.50 % = 98500.00; accrued 100000 × 2.75 % × 210 / 365 = 1582.19 (half-up);
  // fees 25.00; the buyer pays 98500.00 + 1582.19 + 25.00 = 100107.19.
  const bondBuy = { side: 'BUY' as const, currency: 'EUR', grossAmount: '98500.00', accruedInterest: '1582.19', feesAmount: '25.00', netAmount: '100107.19' };
  // Sell 50000 nominal of a 3 % bond at 99.10 PERCENT, 192 days after its last coupon (ACT/365):
  // gross 49550.00; accrued 50000 × 3 % × 192 / 365 = 789.04; fees 12.50; the seller receives
  // 49550.00 + 789.04 − 12.50 = 50326.54.
  const bondSell = { side: 'SELL' as const, currency: 'EUR', grossAmount: '49550.00', accruedInterest: '789.04', feesAmount: '12.50', netAmount: '50326.54' };

  it('buy at trade date: the commitment is the clean consideration, 98500.00 (no accrued interest off balance sheet)', () => {
    expect(show(tradeDateCommitment(bondBuy))).toEqual([
      ['903100', '98500.00', '0.00'],
      ['903900', '0.00', '98500.00'],
    ]);
  });
  it('buy at settlement: securities 98500.00, accrued interest receivable 1582.19, fees 25.00 against nostro 100107.19', () => {
    expect(show(settlementPosting(bondBuy))).toEqual([
      ['903900', '98500.00', '0.00'],
      ['903100', '0.00', '98500.00'],
      ['311000', '98500.00', '0.00'],
      ['518100', '1582.19', '0.00'],
      ['622000', '25.00', '0.00'],
      ['512000', '0.00', '100107.19'],
    ]);
    // Debits 98500.00 + 98500.00 + 1582.19 + 25.00 = 198607.19 = credits 98500.00 + 100107.19.
    expect(imbalance(settlementPosting(bondBuy)).toFixed(2)).toBe('0.00');
  });
  it('sell at settlement: nostro 50326.54 and fees 12.50 against securities 49550.00 and accrued interest 789.04', () => {
    expect(show(settlementPosting(bondSell))).toEqual([
      ['904100', '49550.00', '0.00'],
      ['904900', '0.00', '49550.00'],
      ['512000', '50326.54', '0.00'],
      ['622000', '12.50', '0.00'],
      ['311000', '0.00', '49550.00'],
      ['518100', '0.00', '789.04'],
    ]);
  });
  it('a net that is not gross + accrued + fees does not balance (the database refuses it too)', () => {
    // The net of the trade without its accrued interest: short by exactly 1582.19.
    expect(imbalance(settlementPosting({ ...bondBuy, netAmount: '98525.00' })).toFixed(2)).toBe('1582.19');
  });
});

describe('posting rules — reversal', () => {
  it('mirrors every line of the commitment, in order: 903100 credited and 903900 debited 15188.25', () => {
    const commitment = tradeDateCommitment({
      side: 'BUY',
      currency: 'EUR',
      grossAmount: '15188.25',
      accruedInterest: '0',
      feesAmount: '7.50',
      netAmount: '15195.75',
    });
    expect(show(reversalOf(commitment))).toEqual([
      ['903100', '0.00', '15188.25'],
      ['903900', '15188.25', '0.00'],
    ]);
  });
  it('a sell commitment reversed: 904900 credited and 904100 debited 10004.00', () => {
    const commitment = tradeDateCommitment({
      side: 'SELL',
      currency: 'EUR',
      grossAmount: '10004.00',
      accruedInterest: '0',
      feesAmount: '5.00',
      netAmount: '9999.00',
    });
    expect(show(reversalOf(commitment))).toEqual([
      ['904900', '0.00', '10004.00'],
      ['904100', '10004.00', '0.00'],
    ]);
  });
});

/** The balance of each account over a set of lines (debit − credit), zero balances left out. */
function balances(lines: JournalLine[]): Record<string, string> {
  const by = new Map<string, InstanceType<typeof Dec>>();
  for (const l of lines) by.set(l.accountCode, (by.get(l.accountCode) ?? new Dec(0)).plus(l.debit).minus(l.credit));
  return Object.fromEntries([...by].filter(([, v]) => !v.isZero()).map(([k, v]) => [k, v.toFixed(2)]));
}

describe('posting rules — invariants', () => {
  const cents = (max: bigint, min = 0n) => fc.bigInt({ min, max }).map((c) => new Dec(c.toString()).div(100));

  it('every entry balances for any trade, with or without accrued interest (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('BUY' as const, 'SELL' as const), cents(10n ** 13n, 1n), cents(10n ** 9n), cents(10n ** 6n), (side, gross, accrued, fees) => {
        fc.pre(fees.lte(gross)); // fees above the consideration are refused at capture
        const net = side === 'BUY' ? gross.plus(accrued).plus(fees) : gross.plus(accrued).minus(fees);
        const t = {
          side,
          currency: 'EUR',
          grossAmount: gross.toFixed(),
          accruedInterest: accrued.toFixed(),
          feesAmount: fees.toFixed(),
          netAmount: net.toFixed(),
        };
        const all = [tradeDateCommitment(t), settlementPosting(t), reversalOf(tradeDateCommitment(t))];
        for (const entry of all) expect(imbalance(entry).isZero()).toBe(true);
        for (const l of all.flat()) expect(l.debit.isZero() !== l.credit.isZero()).toBe(true);
      }),
    );
  });

  it('a commitment and its reversal leave every account at zero; a cancelled trade leaves nothing off balance sheet (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('BUY' as const, 'SELL' as const), cents(10n ** 13n, 1n), (side, gross) => {
        const t = { side, currency: 'EUR', grossAmount: gross.toFixed(), accruedInterest: '0', feesAmount: '0', netAmount: gross.toFixed() };
        expect(balances([...tradeDateCommitment(t), ...reversalOf(tradeDateCommitment(t))])).toEqual({});
      }),
    );
  });

  it('commitment then settlement: nothing left off balance sheet, securities at gross, the accrued interest on 518100 (property)', () => {
    fc.assert(
      fc.property(cents(10n ** 13n, 1n), cents(10n ** 9n), cents(10n ** 6n), (gross, accrued, fees) => {
        const net = gross.plus(accrued).plus(fees);
        const t = {
          side: 'BUY' as const,
          currency: 'EUR',
          grossAmount: gross.toFixed(),
          accruedInterest: accrued.toFixed(),
          feesAmount: fees.toFixed(),
          netAmount: net.toFixed(),
        };
        const b = balances([...tradeDateCommitment(t), ...settlementPosting(t)]);
        expect(b['903100']).toBeUndefined();
        expect(b['903900']).toBeUndefined();
        expect(b['311000']).toBe(gross.toFixed(2));
        expect(b['518100']).toBe(accrued.isZero() ? undefined : accrued.toFixed(2));
        expect(b['512000']).toBe(net.negated().toFixed(2));
      }),
    );
  });
});
