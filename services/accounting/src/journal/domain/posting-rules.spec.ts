import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Dec } from '@postera/kernel';
import { imbalance, settlementPosting, tradeDateCommitment, type JournalLine } from './posting-rules.js';

const show = (lines: JournalLine[]) => lines.map((l) => [l.accountCode, l.debit.toFixed(2), l.credit.toFixed(2)]);

describe('posting rules — worked examples', () => {
  // Buy 150 FR0000120271 at 101.255 EUR: gross 15188.25, fees 7.50, net paid 15195.75.
  const buy = { side: 'BUY' as const, currency: 'EUR', grossAmount: '15188.25', feesAmount: '7.50', netAmount: '15195.75' };
  // Sell 40 at 250.10 EUR: gross 10004.00, fees 5.00, net received 9999.00.
  const sell = { side: 'SELL' as const, currency: 'EUR', grossAmount: '10004.00', feesAmount: '5.00', netAmount: '9999.00' };

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

describe('posting rules — invariants', () => {
  it('every entry balances for any trade (property)', () => {
    const cents = fc.bigInt({ min: 1n, max: 10n ** 13n }).map((c) => new Dec(c.toString()).div(100));
    fc.assert(
      fc.property(fc.constantFrom('BUY' as const, 'SELL' as const), cents, fc.bigInt({ min: 0n, max: 10n ** 6n }), (side, gross, feeCents) => {
        const fees = new Dec(feeCents.toString()).div(100);
        fc.pre(fees.lte(gross)); // fees above the consideration are refused at capture
        const net = side === 'BUY' ? gross.plus(fees) : gross.minus(fees);
        const t = { side, currency: 'EUR', grossAmount: gross.toFixed(), feesAmount: fees.toFixed(), netAmount: net.toFixed() };
        expect(imbalance(tradeDateCommitment(t)).isZero()).toBe(true);
        expect(imbalance(settlementPosting(t)).isZero()).toBe(true);
        for (const l of [...tradeDateCommitment(t), ...settlementPosting(t)]) expect(l.debit.isZero() !== l.credit.isZero()).toBe(true);
      }),
    );
  });
});
