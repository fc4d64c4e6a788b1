import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { compareCash, compareHoldings, comparePnl, breakTransition, ageInBusinessDays } from './compare.js';
import { readCamt053, readSemt002 } from './statements.js';
import { addDays, TARGET } from '@postera/kernel';

const fixture = (p: string) => readFileSync(new URL(`../../../test/fixtures/statements/${p}`, import.meta.url), 'utf8');

const corpus = (p: string) => readFileSync(new URL(`../../../../../libs/shared/iso20022/corpus/${p}`, import.meta.url), 'utf8');

describe('statements read by the ISO 20022 library readers (golden files)', () => {
  it('semt.002 ok: header, SETT basis and two holdings', () => {
    const s = readSemt002(fixture('ok/semt002-sett.xml'));
    expect([s.statementId, s.statementDate, s.safekeepingAccount, s.basis]).toEqual(['SEMT-CLI-0003-20261130', '2026-11-30', 'SAFE-CLI-0003', 'SETT']);
    expect(s.holdings.map((h) => [h.isin, h.quantity])).toEqual([
      ['FR0000120271', '60'],
      ['FR0000131104', '200'],
    ]);
    expect(s.problems).toEqual([]);
  });
  it("semt.002 with a sub-account: the account holds its own 40 L'Oréal plus the sub-account's short 15, i.e. 25; TTE 150 from the sub-account", () => {
    const s = readSemt002(corpus('ok/semt002-001-11-subaccounts-and-bad-row.xml'));
    expect(s.holdings.map((h) => [h.isin, h.quantity])).toEqual([
      ['FR0000120321', '25'],
      ['FR0000120271', '150'],
    ]);
    expect(s.problems.map((p) => p.row)).toEqual([2]);
  });
  it('camt.053 ok: opening −2000.00, closing −5483.48, one debit of 3483.48 for FO-EQ:REC-1', () => {
    const [c, ...more] = readCamt053(fixture('ok/camt053-eur.xml'));
    expect(more).toEqual([]);
    expect([c!.currency, c!.statementDate, c!.openingBalance, c!.closingBalance]).toEqual(['EUR', '2026-11-30', '-2000.00', '-5483.48']);
    expect(c!.entries.map((e) => [e.entryRef, e.amount, e.valueDate, e.tradeRef])).toEqual([['N1', '-3483.48', '2026-11-30', 'FO-EQ:REC-1']]);
    expect(c!.problems).toEqual([]);
  });
  it('camt.053 batched entry: split into its three settlements (−3483.48, −8000.00, +1500.00 = −9983.48, the entry)', () => {
    const [c] = readCamt053(corpus('ok/camt053-001-08-fr-bank-batched.xml'));
    expect(c!.entries.map((e) => e.movements)).toEqual([
      [
        { ref: 'FO-EQ:REC-1', amount: '-3483.48' },
        { ref: 'FO-EQ:REC-2', amount: '-8000.00' },
        { ref: 'FO-EQ:DEL-4', amount: '1500.00' },
      ],
      [{ ref: 'FO-EQ:DEL-7', amount: '6500.00' }],
    ]);
  });
  it('camt.053 with two statements: one per currency', () => {
    expect(readCamt053(corpus('ok/camt053-001-08-two-statements-eur-usd.xml')).map((c) => [c.currency, c.closingBalance])).toEqual([
      ['EUR', '4143.65'],
      ['USD', '1250.50'],
    ]);
  });
  it('a bad row is a problem of that row naming the element; the other rows are read; a gap in the balances is a warning', () => {
    const s = readSemt002(fixture('not-ok/semt002-planted-breaks.xml'));
    expect(s.holdings.map((h) => h.isin)).toEqual(['FR0000120271', 'FR0000133308']);
    expect(s.problems).toEqual([{ row: 3, problem: 'Document/SctiesBalCtdyRpt/BalForAcct[3]/AggtBal/Qty/Qty/Qty/Unit (line 67): abc is not a decimal' }]);
    const [c] = readCamt053(fixture('not-ok/camt053-planted-breaks.xml'));
    expect(c!.entries.map((e) => e.entryRef)).toEqual(['N1', 'N2']);
    // −2000.00 − 3483.84 + 120.00 = −5363.84; the bank says −5483.84: a gap of −120 for the operator to look at.
    expect(c!.problems).toEqual([
      {
        row: 3,
        problem: 'Document/BkToCstmrStmt/Stmt/Ntry[3]/Amt (line 96): -5.00: amounts and quantities are unsigned, the sign is given by another element',
      },
      { row: 0, problem: 'Document/BkToCstmrStmt/Stmt (line 8): opening -2000.00 + booked entries -3363.84 = -5363.84, closing is -5483.84 (gap -120)' },
    ]);
  });
  it.each([
    ['not-ok/semt002-dtd.xml', 'line 2: a DTD is not accepted'],
    ['not-ok/semt002-wrong-namespace.xml', /^Document \(line 2\): namespace urn:iso:std:iso:20022:tech:xsd:semt.002.001.99 is not one of/],
    ['not-ok/semt002-unclosed.xml', 'Document/SctiesBalCtdyRpt (line 58): unexpected close tag.'],
  ])('%s is refused whole', (file, message) => {
    expect(() => readSemt002(fixture(file))).toThrow(message);
  });
});

describe('breaks name the item, the field, both values and the difference (ours − theirs)', () => {
  it('holdings', () => {
    const c = compareHoldings(
      new Map([
        ['FR0000120271', '60'],
        ['FR0000131104', '200'],
      ]),
      new Map([
        ['FR0000120271', '55'],
        ['FR0000133308', '10'],
      ]),
    );
    expect([c.checked, c.matched]).toEqual([3, 0]);
    expect(c.breaks).toEqual([
      { item: 'FR0000120271', field: 'quantity', ours: '60', theirs: '55', difference: '5' },
      { item: 'FR0000131104', field: 'quantity (missing at the custodian)', ours: '200', theirs: null, difference: '200' },
      { item: 'FR0000133308', field: 'quantity (missing in our books)', ours: null, theirs: '10', difference: '-10' },
    ]);
  });
  it('cash', () => {
    const c = compareCash(
      { closingBalance: '-5483.48', movements: new Map([['FO-EQ:REC-1', '-3483.48']]) },
      { closingBalance: '-5483.84', movements: new Map([['FO-EQ:REC-1', '-3483.84']]) },
    );
    expect(c.breaks).toEqual([
      { item: 'account', field: 'closingBalance', ours: '-5483.48', theirs: '-5483.84', difference: '0.36' },
      { item: 'FO-EQ:REC-1', field: 'movement.amount', ours: '-3483.48', theirs: '-3483.84', difference: '0.36' },
    ]);
  });
  it('P&L with a tolerance of 1.00: 140.00 vs 139.50 matches, 140.00 vs 138.90 breaks by 1.10', () => {
    expect(comparePnl(new Map([['PROP|EUR', '140.00']]), new Map([['PROP|EUR', '139.50']]), '1.00').breaks).toEqual([]);
    expect(comparePnl(new Map([['PROP|EUR', '140.00']]), new Map([['PROP|EUR', '138.90']]), '1.00').breaks).toEqual([
      { item: 'PROP|EUR', field: 'pnl', ours: '140.00', theirs: '138.90', difference: '1.1' },
    ]);
  });
  it('the workflow needs a person and a comment, and goes open → investigating → resolved', () => {
    expect(breakTransition('OPEN', 'INVESTIGATING', undefined, 'x')).toEqual({ ok: false, problem: 'a person must be named' });
    expect(breakTransition('OPEN', 'INVESTIGATING', 'marie', '')).toEqual({ ok: false, problem: 'a comment is required' });
    expect(breakTransition('OPEN', 'INVESTIGATING', 'marie', 'asked the custodian')).toEqual({ ok: true });
    expect(breakTransition('RESOLVED', 'OPEN', 'marie', 'again')).toEqual({ ok: false, problem: 'RESOLVED → OPEN is not allowed' });
  });
  it('age in TARGET business days: Friday 27 Nov 2026 to Tuesday 1 Dec 2026 is 2', () => {
    expect(ageInBusinessDays('2026-11-27', '2026-12-01', (d) => TARGET.isBusinessDay(d), addDays)).toBe(2);
  });
});
