import type { AccountRefV1, CalendarRefV1, InstrumentRefV1, PartyRefV1, SsiRefV1, TradeExecutedV1 } from '@postera/contracts';
import { deterministicId, Dec } from '@postera/kernel';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './stack.js';

/** The sample referential, as capture imports it: the body of POST /referential/import, or its REFERENTIAL_FILE. */
export const SAMPLE_REFERENTIAL_FILE = join(REPO_ROOT, 'services/capture/referential/sample-referential.json');

type Unversioned<T> = Omit<T, 'version'>;
export interface ReferentialImportBody {
  instruments: Array<Unversioned<InstrumentRefV1>>;
  parties: Array<Unversioned<PartyRefV1>>;
  accounts: Array<Omit<Unversioned<AccountRefV1>, 'email'>>;
  ssis: Array<Unversioned<SsiRefV1>>;
  calendars: Array<Unversioned<CalendarRefV1>>;
}

/** French large caps, one US share, an ETF, an OAT and a USD bond; a few clients (French and English) and the house book; SSIs; TARGET and US calendars. */
export function referentialImport(): ReferentialImportBody {
  return JSON.parse(readFileSync(SAMPLE_REFERENTIAL_FILE, 'utf8')) as ReferentialImportBody;
}

/**
 * Reference prices of what the sample day trades, in cents. Shares only: the bonds of the sample
 * referential would be priced in PERCENT of nominal, and the ETF is left out so that a sample day
 * stays the same trades as before the referential grew.
 */
const REF_PRICE_CENTS: Readonly<Record<string, number>> = {
  FR0000120271: 5850,
  FR0000131104: 6420,
  FR0000120578: 9275,
  FR0000121014: 61230,
  FR0000120321: 35810,
  FR0000125007: 8744,
  FR0000133308: 1012,
  US0378331005: 23125,
};

/** What the trade generator draws from, in the file's order (the seeded draws pick by position). */
export const SAMPLE_REFERENTIAL = (() => {
  const file = referentialImport();
  return {
    instruments: file.instruments
      .filter((i) => REF_PRICE_CENTS[i.isin] !== undefined)
      .map((i) => ({ isin: i.isin, name: i.name, instrumentType: i.instrumentType, currency: i.currency, refPriceCents: REF_PRICE_CENTS[i.isin]! })),
    parties: file.parties.map((p) => ({ lei: p.lei, name: p.name, country: p.country })),
    accounts: file.accounts.map((a) => ({
      account: a.account,
      clientId: a.clientId,
      clientName: a.clientName,
      accountType: a.accountType,
      book: a.book,
      language: a.language,
      email: a.contacts.find((c) => c.channel === 'EMAIL')?.address ?? null,
      baseCurrency: a.baseCurrency,
    })),
  };
})();

/** mulberry32: a tiny seeded PRNG, so a sample day is the same on every machine. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SampleDayOptions {
  tradeDate: string;
  count: number;
  seed?: number;
  /** Every n-th message is made invalid in one of several ways (0: none). */
  invalidEvery?: number;
  sourceSystem?: string;
  runId?: string;
}

/**
 * A day of executions on trades.executed.v1. Prices are built from integer ticks with decimal.js,
 * never from floating point; every `invalidEvery`-th message breaks a rule of the contract.
 */
export function sampleDay(o: SampleDayOptions): Array<{ key: string; value: string; message: Record<string, unknown> }> {
  const rnd = prng(o.seed ?? 20261126);
  const src = o.sourceSystem ?? 'FO-EQ';
  const run = o.runId ?? 'S';
  const out: Array<{ key: string; value: string; message: Record<string, unknown> }> = [];
  for (let i = 0; i < o.count; i++) {
    const inst = SAMPLE_REFERENTIAL.instruments[Math.floor(rnd() * SAMPLE_REFERENTIAL.instruments.length)]!;
    const acct = SAMPLE_REFERENTIAL.accounts[Math.floor(rnd() * SAMPLE_REFERENTIAL.accounts.length)]!;
    const cpty = SAMPLE_REFERENTIAL.parties[Math.floor(rnd() * SAMPLE_REFERENTIAL.parties.length)]!;
    const ticks = inst.refPriceCents * 10 + Math.floor(rnd() * 200) - 100; // price in tenths of a cent
    const price = new Dec(ticks).div(1000).toFixed(3);
    const quantity = String(1 + Math.floor(rnd() * 500));
    const gross = new Dec(quantity).mul(price);
    // Brokerage 0.10 % of the consideration, rounded half-up to the cent.
    const commission = gross.mul('0.001').toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2);
    const tradeId = `${run}-${o.tradeDate.replaceAll('-', '')}-${String(i + 1).padStart(7, '0')}`;
    const seconds = 9 * 3600 + Math.floor((i / Math.max(1, o.count)) * 8.5 * 3600);
    const hh = String(Math.floor(seconds / 3600)).padStart(2, '0');
    const mm = String(Math.floor((seconds % 3600) / 60)).padStart(2, '0');
    const ss = String(seconds % 60).padStart(2, '0');
    const message: Record<string, unknown> & Partial<TradeExecutedV1> = {
      messageId: deterministicId('sample', run, o.tradeDate, String(i)),
      schemaVersion: 1,
      sourceSystem: src,
      tradeId,
      version: 1,
      action: 'NEW',
      executedAt: `${o.tradeDate}T${hh}:${mm}:${ss}.000+01:00`,
      tradeDate: o.tradeDate,
      side: rnd() < 0.55 ? 'BUY' : 'SELL',
      isin: inst.isin,
      quantity,
      price,
      priceType: 'UNIT',
      currency: inst.currency,
      venue: rnd() < 0.8 ? 'XPAR' : 'XOFF',
      account: acct.account,
      counterparty: cpty.lei,
      capacity: acct.accountType === 'CLIENT' ? 'AOTC' : 'DEAL',
      orderType: rnd() < 0.6 ? 'LIMIT' : 'MARKET',
      fees: [{ type: 'COMMISSION', amount: commission, currency: inst.currency }],
    };
    if (o.invalidEvery && (i + 1) % o.invalidEvery === 0) breakRule(message, Math.floor((i + 1) / o.invalidEvery));
    out.push({ key: `${src}:${tradeId}`, value: JSON.stringify(message), message });
  }
  return out;
}

/** The usual mistakes of an upstream platform, in turn. */
function breakRule(m: Record<string, unknown>, n: number): void {
  switch (n % 4) {
    case 0:
      m.isin = 'FR0000120272'; // wrong check digit
      break;
    case 1:
      m.quantity = 150; // a JSON number instead of a decimal string
      break;
    case 2:
      m.account = 'CLI-9999'; // unknown to the referential
      break;
    default:
      m.counterparty = '529900COUNTERPTY0128'; // LEI check digits off
      m.price = '1e3';
  }
}
