import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { parseCamt053, type Camt053Read } from './camt053.js';
import { parseSemt002, type Semt002Read } from './semt002.js';
import { identify, schemaFile, validateAgainst, type SchemaVersion } from '../schemas.js';
import { XmlReadError } from '../xml/read.js';

/**
 * The corpus: statements shaped the way banks and custodians send them (ok/), and files a reader
 * must refuse (not-ok/), each with what the reader must produce written out beside it
 * (`<name>.expected.json`). Files of a version whose official schema we carry are validated against
 * it here, which proves they are real-shaped; the others (.02, .04, semt .010) are hand-checked.
 */

const dir = (d: string) => new URL(`../../corpus/${d}/`, import.meta.url);
const files = (d: string) =>
  readdirSync(dir(d))
    .filter((f) => f.endsWith('.xml'))
    .sort();
const xmlOf = (d: string, f: string) => readFileSync(new URL(f, dir(d)));
const expectedOf = (d: string, f: string) =>
  JSON.parse(readFileSync(new URL(f.replace(/\.xml$/, '.expected.json'), dir(d)), 'utf8')) as Record<string, unknown>;
const readerOf = (f: string) => (f.startsWith('semt002') ? parseSemt002 : parseCamt053);

/** What a camt.053 read is compared on; hash keys are compared on their shape (`#…`, `#…~2`) and checked stable separately. */
function camtFigures(r: Camt053Read) {
  return {
    version: r.version,
    messageId: r.messageId,
    statements: r.statements.map((s) => ({
      statementId: s.statementId,
      cashAccount: s.cashAccount,
      accountScheme: s.accountScheme,
      currency: s.currency,
      statementDate: s.statementDate,
      openingBalance: s.openingBalance,
      openingBalanceType: s.openingBalanceType,
      closingBalance: s.closingBalance,
      balanceTypes: s.balances.map((b) => b.type),
      entries: s.entries.map((e) => ({
        entryRef: e.entryRefSource === 'hash' ? e.entryRef.replace(/^#[0-9a-f]{32}/, '#') : e.entryRef,
        entryRefSource: e.entryRefSource,
        amount: e.amount,
        status: e.status,
        booked: e.booked,
        reversal: e.reversal,
        bookingDate: e.bookingDate,
        valueDate: e.valueDate,
        bankTransactionCode: e.bankTransactionCode,
        tradeRef: e.tradeRef,
        transactions: e.transactions.map((t) => ({ ref: t.ref, amount: t.amount })),
      })),
      problems: s.problems.map((p) => ({ row: p.row, reason: p.reason })),
    })),
  };
}

function semtFigures(r: Semt002Read) {
  const holding = (h: Semt002Read['holdings'][number]) => ({
    row: h.row,
    isin: h.isin,
    quantity: h.quantity,
    quantityType: h.quantityType,
    amortisedValue: h.amortisedValue,
    short: h.short,
  });
  return {
    version: r.version,
    statementId: r.statementId,
    statementDate: r.statementDate,
    safekeepingAccount: r.safekeepingAccount,
    basis: r.basis,
    activity: r.activity,
    holdings: r.holdings.map(holding),
    subAccounts: r.subAccounts.map((s) => ({ safekeepingAccount: s.safekeepingAccount, holdings: s.holdings.map(holding) })),
    problems: r.problems.map((p) => ({ row: p.row, reason: p.reason })),
  };
}

describe('corpus ok/: every statement reads to the figures written beside it', () => {
  it.each(files('ok'))('%s', (f) => {
    const { comment: _comment, ...expected } = expectedOf('ok', f);
    const xml = xmlOf('ok', f);
    const read = f.startsWith('semt002') ? semtFigures(parseSemt002(xml)) : camtFigures(parseCamt053(xml));
    expect(read).toEqual(expected);
  });

  it('an entry without NtryRef or AcctSvcrRef gets the same hash key on every read, and identical entries distinct ones', () => {
    const xml = xmlOf('ok', 'camt053-001-02-de-sparkasse-iban-prcd.xml');
    const keys = (r: Camt053Read) => r.statements[0]!.entries.map((e) => e.entryRef);
    const [a, b] = [keys(parseCamt053(xml)), keys(parseCamt053(xml.toString('utf8')))];
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(a.length);
    expect(a[3]).toBe(`${a[1]}~2`);
  });

  it('the files of versions whose official schema we carry validate against it (one xmllint run per version)', async () => {
    const byVersion = new Map<string, Array<{ f: string; xml: string }>>();
    for (const f of files('ok')) {
      const xml = xmlOf('ok', f).toString('utf8');
      const { version } = identify(xml);
      if (!schemaFile(version)) continue;
      byVersion.set(version, [...(byVersion.get(version) ?? []), { f, xml }]);
    }
    expect([...byVersion.keys()].sort()).toEqual(['camt.053.001.08', 'camt.053.001.09', 'camt.053.001.12', 'semt.002.001.11']);
    const failed: Array<{ f: string; problems: unknown }> = [];
    for (const [version, docs] of byVersion) {
      const checks = await validateAgainst(
        version as SchemaVersion,
        docs.map((d) => d.xml),
      );
      checks.forEach((c, i) => {
        if (!c.valid) failed.push({ f: docs[i]!.f, problems: c.problems });
      });
    }
    if (failed.length > 0) console.log(JSON.stringify(failed, null, 1));
    expect(failed).toEqual([]);
  });
});

describe('corpus not-ok/: every file is refused with the element and the reason written beside it', () => {
  it.each(files('not-ok'))('%s', (f) => {
    const expected = expectedOf('not-ok', f);
    expect(expected.reader).toBe(f.startsWith('semt002') ? 'semt.002' : 'camt.053');
    let thrown: unknown = null;
    try {
      readerOf(f)(xmlOf('not-ok', f));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(XmlReadError);
    expect((thrown as XmlReadError).message).toBe(expected.error);
  });
});
