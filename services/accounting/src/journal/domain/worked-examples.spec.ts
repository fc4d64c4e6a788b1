import { describe, expect, it } from '@jest/globals';
import { Dec } from '@postera/kernel';
import { settlementStepPosting, tradeDatePosting } from './posting-rules.js';
import { fxResultToDate } from '../../fx/domain/revaluation.js';
import { RULE_SET_V1 } from '../../ledger/rule-sets/rule-set-v1.js';
import { settlementStep, type TradeFigures } from '../../ledger/domain/amounts.js';
import { applyOperation, emptyPosition, type Position } from '../../ledger/domain/cost.js';
import { applyRules, imbalance, reversalOf, type JournalLine } from '../../ledger/domain/rules-engine.js';

// Worked examples of the accounting issue, every figure written out. Lines are [account, debit, credit].
const show = (lines: JournalLine[]) => lines.map((l) => [l.accountCode, l.debit.toFixed(2), l.credit.toFixed(2)]);
const d = (v: string) => new Dec(v);
const ctx = { securitiesAccount: '311000', aux: { CUSTODIAN: 'SICVFRPPXXX', COUNTERPARTY: '529900COUNTERPTY0129', CLIENT: 'CL-0003' } };
const fresh = (t: Omit<TradeFigures, 'settledQuantity' | 'settledCommitment' | 'settledAccrued' | 'settledFees' | 'settledNet'>): TradeFigures => ({
  ...t,
  settledQuantity: '0',
  settledCommitment: '0',
  settledAccrued: '0',
  settledFees: '0',
  settledNet: '0',
});

describe('a buy and a sell settling on time (CMP, settlement-date recognition)', () => {
  // Buy 100 FR0000120271 at 58.00: gross 5800.00, commission 5.80 → net paid 5805.80.
  const buy = fresh({ side: 'BUY', currency: 'EUR', quantity: '100', grossAmount: '5800.00', accruedInterest: '0', feesAmount: '5.80', netAmount: '5805.80' });
  // Sell 40 at 61.50: gross 2460.00, commission 2.46 → net received 2457.54.
  const sell = fresh({ side: 'SELL', currency: 'EUR', quantity: '40', grossAmount: '2460.00', accruedInterest: '0', feesAmount: '2.46', netAmount: '2457.54' });
  let p: Position = emptyPosition('CMP');

  it('buy: 5800.00 to receive off balance sheet at trade date; at settlement securities 5800.00 + fees 5.80 against nostro 5805.80', () => {
    expect(show(tradeDatePosting(buy))).toEqual([
      ['903100', '5800.00', '0.00'],
      ['903900', '0.00', '5800.00'],
    ]);
    const step = settlementStep(buy, {});
    const cost = applyOperation(p, 'BUY', step.quantity, step.gross, 'EUR');
    p = cost.position;
    expect(show(settlementStepPosting('BUY', step, cost, 'SETTLEMENT_DATE', RULE_SET_V1, ctx))).toEqual([
      ['903900', '5800.00', '0.00'],
      ['903100', '0.00', '5800.00'],
      ['311000', '5800.00', '0.00'],
      ['622000', '5.80', '0.00'],
      ['512000', '0.00', '5805.80'],
    ]);
    expect([p.quantity.toFixed(), p.cost.toFixed()]).toEqual(['100', '5800']);
  });

  it('sell 40: securities credited at cost 40 × 58.00 = 2320.00, realized gain 2460.00 − 2320.00 = 140.00 on 767000', () => {
    const step = settlementStep(sell, {});
    const cost = applyOperation(p, 'SELL', step.quantity, step.gross, 'EUR');
    const lines = settlementStepPosting('SELL', step, cost, 'SETTLEMENT_DATE', RULE_SET_V1, ctx);
    expect(show(lines)).toEqual([
      ['904100', '2460.00', '0.00'],
      ['904900', '0.00', '2460.00'],
      ['512000', '2457.54', '0.00'],
      ['622000', '2.46', '0.00'],
      ['311000', '0.00', '2320.00'],
      ['767000', '0.00', '140.00'],
    ]);
    expect(imbalance(lines).isZero()).toBe(true);
    expect(lines.find((l) => l.accountCode === '512000')?.aux).toBe('SICVFRPPXXX');
    expect([cost.position.quantity.toFixed(), cost.position.cost.toFixed()]).toEqual(['60', '3480']);
  });
});

describe('a partial settlement (60 then 40 of 100)', () => {
  // Buy 100 at 58.00: gross 5800.00, fees 5.80, net 5805.80. The CSD settles 60 (cash 3483.48 = 5805.80 × 60 %), then 40 (2322.32).
  const t = fresh({ side: 'BUY', currency: 'EUR', quantity: '100', grossAmount: '5800.00', accruedInterest: '0', feesAmount: '5.80', netAmount: '5805.80' });

  it('first step: 60 shares, commitment 3480.00 released, securities 3480.00, fees 3.48, nostro 3483.48', () => {
    const s = settlementStep(t, { stepQuantity: '60', stepAmount: '3483.48', settledQuantity: '60' });
    expect([s.quantity.toFixed(), s.commitment.toFixed(2), s.gross.toFixed(2), s.fees.toFixed(2), s.net.toFixed(2), s.final]).toEqual([
      '60',
      '3480.00',
      '3480.00',
      '3.48',
      '3483.48',
      false,
    ]);
    expect(show(settlementStepPosting('BUY', s, { securities: s.gross, realized: d('0') }))).toEqual([
      ['903900', '3480.00', '0.00'],
      ['903100', '0.00', '3480.00'],
      ['311000', '3480.00', '0.00'],
      ['622000', '3.48', '0.00'],
      ['512000', '0.00', '3483.48'],
    ]);
  });

  it('last step: the remainder of each figure — commitment 2320.00, fees 5.80 − 3.48 = 2.32, nostro 2322.32; nothing left off balance sheet', () => {
    const after = { ...t, settledQuantity: '60', settledCommitment: '3480.00', settledFees: '3.48', settledNet: '3483.48' };
    const s = settlementStep(after, { stepQuantity: '40', stepAmount: '2322.32', settledQuantity: '100' });
    expect([s.quantity.toFixed(), s.commitment.toFixed(2), s.gross.toFixed(2), s.fees.toFixed(2), s.net.toFixed(2), s.final]).toEqual([
      '40',
      '2320.00',
      '2320.00',
      '2.32',
      '2322.32',
      true,
    ]);
  });

  it('a step without stepQuantity takes what the cumulative settled quantity adds', () => {
    const s = settlementStep({ ...t, settledQuantity: '60' }, { settledQuantity: '75' });
    expect(s.quantity.toFixed()).toBe('15');
  });
});

describe('a cancellation leaves every balance at zero', () => {
  const sum = (lines: JournalLine[]) => {
    const b = new Map<string, Dec>();
    for (const l of lines) b.set(l.accountCode, (b.get(l.accountCode) ?? d('0')).plus(l.debit).minus(l.credit));
    return Object.fromEntries([...b].map(([k, v]) => [k, v.toFixed(2)]));
  };
  const buy = { side: 'BUY' as const, currency: 'EUR', grossAmount: '5800.00', accruedInterest: '0', feesAmount: '5.80', netAmount: '5805.80' };

  it('settlement-date recognition: 903100 and 903900 back to 0.00', () => {
    const booked = tradeDatePosting(buy);
    expect(sum([...booked, ...reversalOf(booked)])).toEqual({ '903100': '0.00', '903900': '0.00' });
  });

  it('trade-date recognition: securities, fees and the counterparty account back to 0.00', () => {
    const booked = tradeDatePosting(buy, 'TRADE_DATE', { securities: d('5800.00'), realized: d('0') }, RULE_SET_V1, ctx);
    expect(show(booked)).toEqual([
      ['311000', '5800.00', '0.00'],
      ['622000', '5.80', '0.00'],
      ['461200', '0.00', '5805.80'],
    ]);
    expect(sum([...booked, ...reversalOf(booked)])).toEqual({ '311000': '0.00', '622000': '0.00', '461200': '0.00' });
  });
});

describe('weighted average (CMP) and FIFO realized P&L across several buys and sells', () => {
  // Buy 100 at 10.00 (1000.00), buy 100 at 12.00 (1200.00), sell 150 at 13.00 (1950.00), buy 50 at 11.00 (550.00), sell 80 at 9.00 (720.00).
  const ops: Array<['BUY' | 'SELL', string, string]> = [
    ['BUY', '100', '1000.00'],
    ['BUY', '100', '1200.00'],
    ['SELL', '150', '1950.00'],
    ['BUY', '50', '550.00'],
    ['SELL', '80', '720.00'],
  ];
  const run = (method: 'CMP' | 'FIFO') => {
    let p = emptyPosition(method);
    const realized: string[] = [];
    const released: string[] = [];
    for (const [side, q, g] of ops) {
      const o = applyOperation(p, side, d(q), d(g), 'EUR');
      p = o.position;
      if (side === 'SELL') {
        realized.push(o.realized.toFixed(2));
        released.push(o.securities.negated().toFixed(2));
      }
    }
    return { realized, released, quantity: p.quantity.toFixed(), cost: p.cost.toFixed(2), lots: p.lots.map((l) => [l.quantity.toFixed(), l.cost.toFixed(2)]) };
  };

  it('CMP: average 11.00 → sell 150 releases 1650.00, gain 300.00; then 100 at 11.00 → sell 80 releases 880.00, loss 160.00; 20 left at 220.00', () => {
    expect(run('CMP')).toEqual({ realized: ['300.00', '-160.00'], released: ['1650.00', '880.00'], quantity: '20', cost: '220.00', lots: [] });
  });

  it('FIFO: sell 150 releases 1000.00 + 600.00, gain 350.00; sell 80 releases 600.00 + 330.00, loss 210.00; the lot of 20 at 220.00 left', () => {
    expect(run('FIFO')).toEqual({ realized: ['350.00', '-210.00'], released: ['1600.00', '930.00'], quantity: '20', cost: '220.00', lots: [['20', '220.00']] });
  });

  it('the loss posts to 667000: sell 80 at 9.00 under CMP — Dr nostro 720.00, Cr 311000 880.00, Dr 667000 160.00', () => {
    const step = { commitment: d('720.00'), accrued: d('0'), fees: d('0'), net: d('720.00') };
    expect(show(settlementStepPosting('SELL', step, { securities: d('-880.00'), realized: d('-160.00') }))).toEqual([
      ['904100', '720.00', '0.00'],
      ['904900', '0.00', '720.00'],
      ['512000', '720.00', '0.00'],
      ['311000', '0.00', '880.00'],
      ['667000', '160.00', '0.00'],
    ]);
  });

  it('a sale beyond the holding opens a short at its proceeds, and the buy-back realizes proceeds − price paid', () => {
    const short = applyOperation(emptyPosition('CMP'), 'SELL', d('10'), d('1000.00'), 'EUR');
    expect([short.position.quantity.toFixed(), short.position.cost.toFixed(), short.realized.toFixed()]).toEqual(['-10', '-1000', '0']);
    const cover = applyOperation(short.position, 'BUY', d('10'), d('900.00'), 'EUR');
    expect([cover.position.quantity.toFixed(), cover.position.cost.toFixed(), cover.realized.toFixed(2), cover.securities.toFixed(2)]).toEqual([
      '0',
      '0',
      '100.00',
      '1000.00',
    ]);
  });
});

describe('an FX revaluation across two closes', () => {
  // USD book: bought 100 at 100.00 USD (10000.00) and sold them at 110.00 (11000.00): the nostro holds +1000.00 USD, the only USD balance-sheet position.
  it('close 1 at 1.10 USD/EUR records the position; close 2 at 1.05: 1000/1.05 − 1000/1.10 = 952.38 − 909.09 = 43.29 EUR gain', () => {
    // Each close books the FX result to date less what was booked before.
    const held = [{ closeDate: '2026-11-30', rate: '1.10', movement: '1000.00' }];
    const t1 = fxResultToDate(held, d('1.10'));
    expect(t1.toFixed(2)).toBe('0.00');
    const t2 = fxResultToDate(held, d('1.05'));
    expect(t2.minus(t1).toFixed(2)).toBe('43.29');
    const lines = applyRules(
      RULE_SET_V1,
      { event: 'FX_REVALUATION', recognition: 'SETTLEMENT_DATE', variant: 'GAIN' },
      { amount: t2.minus(t1) },
      { securitiesAccount: '', aux: { CURRENCY: 'USD' } },
    );
    expect(show(lines)).toEqual([
      ['479000', '43.29', '0.00'],
      ['766000', '0.00', '43.29'],
    ]);
    // Close 3 at 1.12: 1000/1.12 − 1000/1.10 = 892.86 − 909.09 = −16.23 to date, so −16.23 − 43.29 = −59.52 at this close, a loss
    // (1000/1.12 − 1000/1.05 = 892.86 − 952.38 close on close).
    const t3 = fxResultToDate(held, d('1.12'));
    expect(t3.toFixed(2)).toBe('-16.23');
    expect(t3.minus(t2).toFixed(2)).toBe('-59.52');
  });

  it('flows of the day are taken at the day rate: a position bought on the day of a close gives no result that close', () => {
    const periods = [
      { closeDate: '2026-11-30', rate: '1.10', movement: '0' },
      { closeDate: '2026-12-01', rate: '1.05', movement: '5000.00' },
    ];
    expect(fxResultToDate(periods, d('1.05')).toFixed(2)).toBe('0.00');
  });
});

describe('fees, TTF accrual and penalties', () => {
  it('TTF on a client purchase: base 5800.00 × 0.4 % = 23.20 charged to the client, TTF payable 23.20', () => {
    const lines = applyRules(
      RULE_SET_V1,
      { event: 'TTF_ACCRUAL', recognition: 'SETTLEMENT_DATE', variant: 'CLIENT' },
      { amount: d('5800.00').times('0.004') },
      ctx,
    );
    expect(show(lines)).toEqual([
      ['461100', '23.20', '0.00'],
      ['447100', '0.00', '23.20'],
    ]);
    expect(lines[0]!.aux).toBe('CL-0003');
  });
  it('TTF of a proprietary book is an expense (635100)', () => {
    expect(show(applyRules(RULE_SET_V1, { event: 'TTF_ACCRUAL', recognition: 'TRADE_DATE', variant: 'PROPRIETARY' }, { amount: d('23.20') }, ctx))).toEqual([
      ['635100', '23.20', '0.00'],
      ['447100', '0.00', '23.20'],
    ]);
  });
  it('a penalty receivable 12.34 from the counterparty, and one payable 7.50', () => {
    expect(show(applyRules(RULE_SET_V1, { event: 'PENALTY', recognition: 'SETTLEMENT_DATE', variant: 'RECEIVABLE' }, { amount: d('12.34') }, ctx))).toEqual([
      ['468100', '12.34', '0.00'],
      ['708100', '0.00', '12.34'],
    ]);
    expect(show(applyRules(RULE_SET_V1, { event: 'PENALTY', recognition: 'SETTLEMENT_DATE', variant: 'PAYABLE' }, { amount: d('7.50') }, ctx))).toEqual([
      ['658100', '7.50', '0.00'],
      ['468200', '0.00', '7.50'],
    ]);
  });
  it('a bond bought at trade date with accrued interest and fees: securities, 518100 and 622000 against the counterparty', () => {
    const bond = { side: 'BUY' as const, currency: 'EUR', grossAmount: '98500.00', accruedInterest: '1582.19', feesAmount: '25.00', netAmount: '100107.19' };
    expect(show(tradeDatePosting(bond, 'TRADE_DATE', { securities: d('98500.00'), realized: d('0') }, RULE_SET_V1, ctx))).toEqual([
      ['311000', '98500.00', '0.00'],
      ['518100', '1582.19', '0.00'],
      ['622000', '25.00', '0.00'],
      ['461200', '0.00', '100107.19'],
    ]);
  });
});
