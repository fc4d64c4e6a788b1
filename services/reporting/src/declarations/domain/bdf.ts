import { Dec } from '@postera/kernel';
import type { Decimal } from 'decimal.js';
import { create } from 'xmlbuilder2';

/**
 * Banque de France monthly statistical reports (DOMAIN.md §4): the balance-of-payments report of
 * settlements with non-resident counterparties, and the security-by-security holdings by ISIN at
 * month end. The public documents are old and the OneGate layouts change, so every element and
 * attribute name, the namespace and the direction codes live in one object, BDF_LAYOUT, which a
 * deployment replaces with a JSON file (BDF_LAYOUT_FILE) without touching the code.
 */
export interface BdfLayout {
  namespace: string;
  bop: {
    root: string;
    header: string;
    declarant: string;
    period: string;
    item: string;
    country: string;
    instrumentType: string;
    currency: string;
    direction: string;
    amount: string;
    count: string;
    /** Code written for our purchases (cash paid to a non-resident) and our sales. */
    directionCodes: { BUY: string; SELL: string };
  };
  holdings: {
    root: string;
    header: string;
    declarant: string;
    date: string;
    item: string;
    isin: string;
    issuerCountry: string;
    instrumentType: string;
    currency: string;
    quantity: string;
    /** Attribute saying whether quantity is a number of units (shares) or a nominal (bonds). */
    quantityType: string;
  };
}

export const BDF_LAYOUT: BdfLayout = {
  namespace: 'urn:postera:bdf:v1',
  bop: {
    root: 'BalanceOfPaymentsReport',
    header: 'Header',
    declarant: 'Declarant',
    period: 'Period',
    item: 'Settlement',
    country: 'CounterpartyCountry',
    instrumentType: 'InstrumentType',
    currency: 'Currency',
    direction: 'Direction',
    amount: 'Amount',
    count: 'Count',
    directionCodes: { BUY: 'PURCHASE_FROM_NON_RESIDENT', SELL: 'SALE_TO_NON_RESIDENT' },
  },
  holdings: {
    root: 'SecuritiesHoldingsReport',
    header: 'Header',
    declarant: 'Declarant',
    date: 'ReportingDate',
    item: 'Holding',
    isin: 'ISIN',
    issuerCountry: 'IssuerCountry',
    instrumentType: 'InstrumentType',
    currency: 'Currency',
    quantity: 'Quantity',
    quantityType: 'type',
  },
};

/** Overlays a deployment's layout (parsed JSON) on the default, so a file may name only what changes. */
export function mergeLayout(base: BdfLayout, override: unknown): BdfLayout {
  if (typeof override !== 'object' || override === null) return base;
  const o = override as Partial<Record<keyof BdfLayout, unknown>>;
  const bop = { ...base.bop, ...((o.bop as object) ?? {}) } as BdfLayout['bop'];
  bop.directionCodes = { ...base.bop.directionCodes, ...(((o.bop as { directionCodes?: object })?.directionCodes as object) ?? {}) };
  return {
    namespace: typeof o.namespace === 'string' ? o.namespace : base.namespace,
    bop,
    holdings: { ...base.holdings, ...((o.holdings as object) ?? {}) } as BdfLayout['holdings'],
  };
}

export interface BdfSettlement {
  tradeRef: string;
  side: 'BUY' | 'SELL';
  isin: string;
  quantity: string;
  amount: string;
  currency: string;
  settlementDate: string;
  counterparty: string;
}

export interface BdfInstrument {
  isin: string;
  instrumentType: string;
  issuerCountry: string;
  currency: string;
}

export interface BopItem {
  country: string;
  instrumentType: string;
  currency: string;
  direction: 'BUY' | 'SELL';
  amount: string;
  count: number;
}

export interface BopReport {
  periodStart: string;
  periodEnd: string;
  items: BopItem[];
  /** Settlements that could not be classified (counterparty or instrument unknown to the referential). */
  unclassified: Array<{ tradeRef: string; reason: string }>;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Settlements of the period with non-resident counterparties (country ≠ the reporting country), by country, instrument type, currency and direction. */
export function balanceOfPayments(
  period: { start: string; end: string },
  settlements: readonly BdfSettlement[],
  counterpartyCountry: ReadonlyMap<string, string>,
  instruments: ReadonlyMap<string, BdfInstrument>,
  residentCountry = 'FR',
): BopReport {
  const unclassified: BopReport['unclassified'] = [];
  const sums = new Map<string, { item: Omit<BopItem, 'amount' | 'count'>; amount: Decimal; count: number }>();
  for (const s of settlements) {
    if (s.settlementDate < period.start || s.settlementDate > period.end) continue;
    const country = counterpartyCountry.get(s.counterparty);
    const instrument = instruments.get(s.isin);
    if (!country) {
      unclassified.push({ tradeRef: s.tradeRef, reason: `counterparty ${s.counterparty} unknown to the referential` });
      continue;
    }
    if (country === residentCountry) continue;
    if (!instrument) {
      unclassified.push({ tradeRef: s.tradeRef, reason: `instrument ${s.isin} unknown to the referential` });
      continue;
    }
    const item = { country, instrumentType: instrument.instrumentType, currency: s.currency, direction: s.side };
    const key = `${item.country}|${item.instrumentType}|${item.currency}|${item.direction}`;
    const acc = sums.get(key) ?? { item, amount: new Dec(0), count: 0 };
    acc.amount = acc.amount.plus(s.amount);
    acc.count += 1;
    sums.set(key, acc);
  }
  const items = [...sums.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([, v]) => ({ ...v.item, amount: v.amount.toFixed(2), count: v.count }));
  return { periodStart: period.start, periodEnd: period.end, items, unclassified };
}

export interface HoldingItem {
  isin: string;
  issuerCountry: string;
  instrumentType: string;
  currency: string;
  quantity: string;
}

/** Positions by ISIN at the date from every settlement up to it (bought − sold); zero positions are left out. */
export function holdingsAt(date: string, settlements: readonly BdfSettlement[], instruments: ReadonlyMap<string, BdfInstrument>): HoldingItem[] {
  const qty = new Map<string, Decimal>();
  for (const s of settlements) {
    if (s.settlementDate > date) continue;
    const signed = s.side === 'BUY' ? new Dec(s.quantity) : new Dec(s.quantity).neg();
    qty.set(s.isin, (qty.get(s.isin) ?? new Dec(0)).plus(signed));
  }
  return [...qty.entries()]
    .filter(([, q]) => !q.isZero())
    .sort(([a], [b]) => cmp(a, b))
    .map(([isin, q]) => {
      const i = instruments.get(isin);
      return { isin, issuerCountry: i?.issuerCountry ?? 'ZZ', instrumentType: i?.instrumentType ?? 'UNKNOWN', currency: i?.currency ?? 'XXX', quantity: q.toString() };
    });
}

export function bopXml(r: BopReport, declarant: string, layout: BdfLayout = BDF_LAYOUT): string {
  const L = layout.bop;
  const doc = create({ version: '1.0', encoding: 'UTF-8' }).ele(layout.namespace, L.root);
  doc
    .ele(L.header)
    .ele(L.declarant)
    .txt(declarant)
    .up()
    .ele(L.period)
    .txt(r.periodStart.slice(0, 7))
    .up();
  for (const i of r.items) {
    const e = doc.ele(L.item);
    e.ele(L.country).txt(i.country);
    e.ele(L.instrumentType).txt(i.instrumentType);
    e.ele(L.currency).txt(i.currency);
    e.ele(L.direction).txt(L.directionCodes[i.direction]);
    e.ele(L.amount).txt(i.amount);
    e.ele(L.count).txt(String(i.count));
  }
  return doc.end({ prettyPrint: true });
}

export function holdingsXml(date: string, items: readonly HoldingItem[], declarant: string, layout: BdfLayout = BDF_LAYOUT): string {
  const L = layout.holdings;
  const doc = create({ version: '1.0', encoding: 'UTF-8' }).ele(layout.namespace, L.root);
  doc.ele(L.header).ele(L.declarant).txt(declarant).up().ele(L.date).txt(date).up();
  for (const h of items) {
    const e = doc.ele(L.item);
    e.ele(L.isin).txt(h.isin);
    e.ele(L.issuerCountry).txt(h.issuerCountry);
    e.ele(L.instrumentType).txt(h.instrumentType);
    e.ele(L.currency).txt(h.currency);
    e.ele(L.quantity, { [L.quantityType]: h.instrumentType === 'BOND' ? 'NOMINAL' : 'UNITS' }).txt(h.quantity);
  }
  return doc.end({ prettyPrint: true });
}
