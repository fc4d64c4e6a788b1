import { describe, expect, it } from '@jest/globals';
import { validateAgainst } from '../schemas.js';
import { XmlReadError } from '../xml/read.js';
import { parseCamt053, renderCamt053, type Camt053 } from './camt053.js';

// Generated ids are UUIDs written without their hyphens: 32 characters, within Max35Text.
const MSG = '5b1c2d3e4f5a4b6c8d7e9f0a1b2c3d4e';
const STMT = '7a6b5c4d3e2f41a0b9c8d7e6f5a4b3c2';
const ref = (n: number) => `9e8d7c6b5a4f43e2d1c0b9a8f7e6d5c${n}`;

const base: Camt053 = {
  messageId: MSG,
  statementId: STMT,
  cashAccount: 'CASH-CLI-0003-EUR',
  currency: 'EUR',
  statementDate: '2026-11-30',
  openingBalance: '100.00',
  closingBalance: '-8684.53',
  entries: [{ entryRef: ref(1), amount: '-8784.53', valueDate: '2026-11-30', tradeRef: 'FO-EQ:1' }],
};

const variants: Record<string, Camt053> = {
  'one debit with trade reference': base,
  'no entries (opening = closing)': { ...base, openingBalance: '2500.00', closingBalance: '2500.00', entries: [] },
  'credit and debit entries, with and without trade reference': {
    ...base,
    openingBalance: '-2000.00',
    closingBalance: '1016.52',
    entries: [
      { entryRef: ref(1), amount: '-3483.48', valueDate: '2026-11-30', tradeRef: 'FO-EQ:REC-1' },
      { entryRef: ref(2), amount: '6500.00', valueDate: '2026-11-30', tradeRef: 'FO-EQ:DEL-7' },
      { entryRef: ref(3), amount: '0', valueDate: '2026-11-27', tradeRef: null },
    ],
  },
  'USD account': {
    ...base,
    cashAccount: 'CASH-CLI-0003-USD',
    currency: 'USD',
    openingBalance: '0',
    closingBalance: '1250.5',
    entries: [{ entryRef: ref(4), amount: '1250.5', valueDate: '2026-11-30', tradeRef: 'FO-US:9' }],
  },
  'JPY account, debit balances': {
    ...base,
    currency: 'JPY',
    openingBalance: '-1000',
    closingBalance: '-161000',
    entries: [{ entryRef: ref(5), amount: '-160000', valueDate: '2026-11-30', tradeRef: null }],
  },
  'IBAN account': { ...base, cashAccount: 'FR7630006000011234567890189' },
};

describe('camt.053 writer: every variant validates against camt.053.001.08', () => {
  it('all variants in one xmllint run', async () => {
    const names = Object.keys(variants);
    const checks = await validateAgainst(
      'camt.053.001.08',
      names.map((n) => renderCamt053(variants[n]!)),
    );
    const failed = names.map((n, i) => [n, checks[i]!] as const).filter(([, c]) => !c.valid);
    if (failed.length > 0) console.log(JSON.stringify(failed, null, 1));
    expect(failed).toEqual([]);
  });
  it('negative control: 36-character MsgId, Stmt/Id and NtryRef (UUIDs with hyphens) fail the schema', async () => {
    const good = renderCamt053(base);
    const hyphenated = (id: string) => `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
    const checks = await validateAgainst('camt.053.001.08', [
      good.replace(MSG, hyphenated(MSG)),
      good.replace(STMT, hyphenated(STMT)),
      good.replace(ref(1), hyphenated(ref(1))),
    ]);
    expect(checks.map((c) => [c.valid, c.problems.some((p) => /maxLength/.test(p.message))])).toEqual([
      [false, true],
      [false, true],
      [false, true],
    ]);
  });
  it('refuses to write an id longer than Max35Text', () => {
    expect(() => renderCamt053({ ...base, statementId: 'x'.repeat(36) })).toThrow(/Max35Text/);
  });
});

describe('camt.053 reader on what the writer wrote', () => {
  it("signed amounts as written (at the currency's minor units: an entry of 0 EUR is 0.00), trade reference, NtryRef as the key, no balance warning", () => {
    const [s] = parseCamt053(renderCamt053(variants['credit and debit entries, with and without trade reference']!)).statements;
    expect([s!.currency, s!.statementDate, s!.openingBalance, s!.openingBalanceType, s!.closingBalance]).toEqual([
      'EUR',
      '2026-11-30',
      '-2000.00',
      'OPBD',
      '1016.52',
    ]);
    expect(s!.entries.map((e) => [e.entryRef, e.entryRefSource, e.amount, e.valueDate, e.tradeRef, e.booked])).toEqual([
      [ref(1), 'NtryRef', '-3483.48', '2026-11-30', 'FO-EQ:REC-1', true],
      [ref(2), 'NtryRef', '6500.00', '2026-11-30', 'FO-EQ:DEL-7', true],
      [ref(3), 'NtryRef', '0.00', '2026-11-27', null, true],
    ]);
    // −2000.00 − 3483.48 + 6500.00 + 0 = 1016.52: the balance check holds.
    expect(s!.problems).toEqual([]);
  });
  it("writes every amount at its currency's minor units, without its sign: USD 1250.5 as 1250.50, JPY -161000 as 161000; 1.005 EUR is refused, not rounded", () => {
    const amounts = (xml: string) => [...xml.matchAll(/<Amt Ccy="([A-Z]{3})">([^<]*)<\/Amt>/g)].map((m) => `${m[2]} ${m[1]}`);
    expect(amounts(renderCamt053(variants['USD account']!))).toEqual(['0.00 USD', '1250.50 USD', '1250.50 USD']);
    expect(amounts(renderCamt053(variants['JPY account, debit balances']!))).toEqual(['1000 JPY', '161000 JPY', '160000 JPY']);
    expect(() => renderCamt053({ ...base, closingBalance: '1.005' })).toThrow('1.005 EUR has more decimals than the 2 of EUR');
  });
  it('opening + entries ≠ closing is a warning on the statement with the gap, not a refusal', () => {
    const [s] = parseCamt053(renderCamt053({ ...base, closingBalance: '-8684.00' })).statements;
    expect(s!.problems).toEqual([
      expect.objectContaining({ row: 0, reason: 'opening 100.00 + booked entries -8784.53 = -8684.53, closing is -8684.00 (gap 0.53)' }),
    ]);
  });
  it('an entry with a signed amount is a problem of its row; a statement without CLBD is refused whole', () => {
    const xml = renderCamt053(variants['credit and debit entries, with and without trade reference']!).replace('>6500.00<', '>-6500.00<');
    const [s] = parseCamt053(xml).statements;
    expect(s!.entries.map((e) => e.entryRef)).toEqual([ref(1), ref(3)]);
    expect(s!.problems[0]).toMatchObject({ row: 2, path: 'Document/BkToCstmrStmt/Stmt/Ntry[2]/Amt' });
    expect(s!.problems[0]!.reason).toMatch(/unsigned/);
    const noClosing = renderCamt053(base).replace('<Cd>CLBD</Cd>', '<Cd>ITBD</Cd>');
    expect(() => parseCamt053(noClosing)).toThrow(XmlReadError);
    expect(() => parseCamt053(noClosing)).toThrow('Document/BkToCstmrStmt/Stmt (line 8): no closing booked balance (CLBD)');
  });
});
