import { describe, expect, it } from '@jest/globals';
import { validateAgainst } from '../schemas.js';
import { XmlReadError } from '../xml/read.js';
import { parseSemt002, renderSemt002, type Semt002 } from './semt002.js';

// Generated ids are UUIDs written without their hyphens: 32 characters, within Max35Text.
const ID = '0f8e4c1d2b3a49c6a1e2f3d4c5b6a798';

const variants: Record<string, Semt002> = {
  'long shares': {
    statementId: ID,
    statementDate: '2026-11-30',
    safekeepingAccount: 'EF-10003',
    basis: 'SETT',
    holdings: [{ isin: 'FR0000120271', quantity: '60' }],
  },
  'short shares': {
    statementId: ID,
    statementDate: '2026-11-30',
    safekeepingAccount: 'EF-10003',
    basis: 'TRAD',
    holdings: [{ isin: 'FR0000120271', quantity: '-50' }],
  },
  'bond in face amount': {
    statementId: ID,
    statementDate: '2026-11-30',
    safekeepingAccount: 'EF-10003',
    basis: 'CONT',
    holdings: [{ isin: 'FR0014007L00', quantity: '1500000.00', quantityType: 'FAMT' }],
  },
  'amortised value': {
    statementId: ID,
    statementDate: '2026-11-30',
    safekeepingAccount: 'EF-10003',
    basis: 'SETT',
    holdings: [{ isin: 'XS2338643740', quantity: '731250.5', quantityType: 'AMOR' }],
  },
  'several ISINs, long and short': {
    statementId: ID,
    statementDate: '2026-12-01',
    safekeepingAccount: 'EF-10003',
    basis: 'SETT',
    holdings: [
      { isin: 'FR0000120271', quantity: '250' },
      { isin: 'FR0000131104', quantity: '-1000' },
      { isin: 'FR0014007L00', quantity: '200000', quantityType: 'FAMT' },
      { isin: 'US0378331005', quantity: '0.5' },
    ],
  },
  'empty account': { statementId: ID, statementDate: '2026-11-30', safekeepingAccount: 'EF-10009', basis: 'SETT', holdings: [] },
};

describe('semt.002 writer: every variant validates against semt.002.001.11', () => {
  it('all variants in one xmllint run', async () => {
    const names = Object.keys(variants);
    const checks = await validateAgainst(
      'semt.002.001.11',
      names.map((n) => renderSemt002(variants[n]!)),
    );
    const failed = names.map((n, i) => [n, checks[i]!] as const).filter(([, c]) => !c.valid);
    if (failed.length > 0) console.log(JSON.stringify(failed, null, 1));
    expect(failed).toEqual([]);
  });
  it('negative control: a 36-character StmtId, no SubAcctInd and no ShrtLngInd fail the schema', async () => {
    const good = renderSemt002(variants['long shares']!);
    const bad = [good.replace(ID, `${ID}abcd`), good.replace(/\s*<SubAcctInd>false<\/SubAcctInd>/, ''), good.replace(/\s*<ShrtLngInd>LONG<\/ShrtLngInd>/, '')];
    const checks = await validateAgainst('semt.002.001.11', bad);
    expect(checks.map((c) => c.valid)).toEqual([false, false, false]);
    expect(checks[0]!.problems[0]!.message).toMatch(/StmtId.*maxLength/);
  });
  it('refuses to write an id longer than Max35Text (a UUID with its hyphens)', () => {
    expect(() => renderSemt002({ ...variants['long shares']!, statementId: '0f8e4c1d-2b3a-49c6-a1e2-f3d4c5b6a798' })).toThrow(/Max35Text/);
  });
});

describe('semt.002 reader', () => {
  it('reads back what the writer wrote: short negative, face amount, the empty statement inactive', () => {
    const r = parseSemt002(renderSemt002(variants['several ISINs, long and short']!));
    expect(r.holdings.map((h) => [h.isin, h.quantity, h.quantityType, h.short])).toEqual([
      ['FR0000120271', '250', 'UNIT', false],
      ['FR0000131104', '-1000', 'UNIT', true],
      ['FR0014007L00', '200000', 'FAMT', false],
      ['US0378331005', '0.5', 'UNIT', false],
    ]);
    expect([r.version, r.statementId, r.statementDate, r.safekeepingAccount, r.basis, r.activity, r.problems]).toEqual([
      'semt.002.001.11',
      ID,
      '2026-12-01',
      'EF-10003',
      'SETT',
      true,
      [],
    ]);
    const empty = parseSemt002(renderSemt002(variants['empty account']!));
    expect([empty.activity, empty.holdings]).toEqual([false, []]);
  });
  it('a bad row is a problem naming its element; the other rows are read', () => {
    const xml = renderSemt002(variants['several ISINs, long and short']!).replace('<Unit>-', '<Unit>').replace('<Unit>0.5</Unit>', '<Unit>abc</Unit>');
    const r = parseSemt002(xml);
    expect(r.holdings.map((h) => h.isin)).toEqual(['FR0000120271', 'FR0000131104', 'FR0014007L00']);
    expect(r.problems).toEqual([
      expect.objectContaining({ row: 4, path: 'Document/SctiesBalCtdyRpt/BalForAcct[4]/AggtBal/Qty/Qty/Qty/Unit', reason: 'abc is not a decimal' }),
    ]);
  });
  it('page 1 of several is read, with a warning that the other pages are missing', () => {
    const r = parseSemt002(renderSemt002(variants['long shares']!).replace('<LastPgInd>true</LastPgInd>', '<LastPgInd>false</LastPgInd>'));
    expect(r.holdings.map((h) => h.isin)).toEqual(['FR0000120271']);
    expect(r.problems).toEqual([expect.objectContaining({ row: 0, reason: 'page 1 of several: the holdings on the other pages are not in this document' })]);
  });
  it('a statement without its header is refused whole with the element and the reason', () => {
    const xml = renderSemt002(variants['long shares']!).replace(/<StmtBsis>[\s\S]*?<\/StmtBsis>/, '');
    expect(() => parseSemt002(xml)).toThrow(XmlReadError);
    expect(() => parseSemt002(xml)).toThrow('Document/SctiesBalCtdyRpt/StmtGnlDtls (line 8): StmtBsis is missing');
  });
});
