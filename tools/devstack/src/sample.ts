import type { TradeExecutedV1 } from '@postera/contracts';
import { deterministicId, Dec } from '@postera/kernel';

/** The sample referential: French large caps and one US share, a few clients (French and English) and the house book. */
export const SAMPLE_REFERENTIAL = {
  instruments: [
    { isin: 'FR0000120271', name: 'TotalEnergies SE', instrumentType: 'SHARE', currency: 'EUR', refPriceCents: 5850 },
    { isin: 'FR0000131104', name: 'BNP Paribas SA', instrumentType: 'SHARE', currency: 'EUR', refPriceCents: 6420 },
    { isin: 'FR0000120578', name: 'Sanofi SA', instrumentType: 'SHARE', currency: 'EUR', refPriceCents: 9275 },
    { isin: 'FR0000121014', name: 'LVMH Moët Hennessy Louis Vuitton SE', instrumentType: 'SHARE', currency: 'EUR', refPriceCents: 61230 },
    { isin: 'FR0000120321', name: "L'Oréal SA", instrumentType: 'SHARE', currency: 'EUR', refPriceCents: 35810 },
    { isin: 'FR0000125007', name: 'Compagnie de Saint-Gobain SA', instrumentType: 'SHARE', currency: 'EUR', refPriceCents: 8744 },
    { isin: 'FR0000133308', name: 'Orange SA', instrumentType: 'SHARE', currency: 'EUR', refPriceCents: 1012 },
    { isin: 'US0378331005', name: 'Apple Inc.', instrumentType: 'SHARE', currency: 'USD', refPriceCents: 23125 },
  ],
  parties: [
    { lei: '529900COUNTERPTY0129', name: 'Contrepartie Alpha SA', country: 'FR' },
    { lei: '529900COUNTERPTY0226', name: 'Counterparty Beta GmbH', country: 'DE' },
    { lei: '213800COUNTERPTY0344', name: 'Counterparty Gamma Ltd', country: 'GB' },
  ],
  accounts: [
    {
      account: 'CLI-0001',
      clientId: 'C0001',
      clientName: 'Mme Claire Dubois',
      accountType: 'CLIENT',
      book: 'CLIENTS',
      language: 'fr',
      email: 'claire.dubois@example.fr',
      baseCurrency: 'EUR',
    },
    {
      account: 'CLI-0002',
      clientId: 'C0002',
      clientName: 'M. Hugo Martin',
      accountType: 'CLIENT',
      book: 'CLIENTS',
      language: 'fr',
      email: 'hugo.martin@example.fr',
      baseCurrency: 'EUR',
    },
    {
      account: 'CLI-0003',
      clientId: 'C0003',
      clientName: 'Ms Emily Carter',
      accountType: 'CLIENT',
      book: 'CLIENTS',
      language: 'en',
      email: 'emily.carter@example.co.uk',
      baseCurrency: 'EUR',
    },
    {
      account: 'CLI-0004',
      clientId: 'C0004',
      clientName: 'Fondation Lumière',
      accountType: 'CLIENT',
      book: 'CLIENTS',
      language: 'fr',
      email: 'tresorerie@fondation-lumiere.example',
      baseCurrency: 'EUR',
    },
    {
      account: 'PROP-TRADING',
      clientId: 'HOUSE',
      clientName: 'Postera Securities — trading book',
      accountType: 'PROPRIETARY',
      book: 'TRADING',
      language: 'en',
      email: null,
      baseCurrency: 'EUR',
    },
  ],
} as const;

export function referentialImport() {
  return {
    instruments: SAMPLE_REFERENTIAL.instruments.map(({ refPriceCents: _p, ...i }) => i),
    parties: SAMPLE_REFERENTIAL.parties.map((p) => ({ ...p })),
    accounts: SAMPLE_REFERENTIAL.accounts.map((a) => ({ ...a })),
  };
}

/** mulberry32: a tiny seeded PRNG, so a sample day is the same on every machine. */
function prng(seed: number) {
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
