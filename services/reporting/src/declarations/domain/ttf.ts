import { Dec, roundToMinor } from '@postera/kernel';
import type { Decimal } from 'decimal.js';

/**
 * French financial transaction tax (TTF, CGI art. 235 ter ZD) — DOMAIN.md §4.
 *
 * - Taxable event: the transfer of ownership, i.e. the settlement. Everything here is by
 *   settlement date: a purchase is taxed in the month it settles, at the rate in force on the date
 *   it settles (so a trade of 31 Mar 2025 settling 2 Apr 2025 pays 0.4 %).
 * - Scope: the instrument is on the official list of the settlement date's year (refdata's
 *   `ttfScopeYears`).
 * - Base: per buyer account, ISIN and settlement date, the net buying position at the end of the day
 *   (quantity bought − quantity sold that day, when positive), valued at the weighted average price of
 *   that day's purchases. A day that nets to zero or a sale is not taxed (intraday round trips).
 * - Rounding (written modes): the base of a line to the cent HALF_UP; the tax of a line (one
 *   "transaction" of the declaration: one buyer, ISIN, day) to the cent HALF_UP; the total per payer
 *   to the euro HALF_UP (CGI annex III: amounts paid in whole euros).
 * - Written forms: amounts in EUR with 2 decimals, always (`23.40`; a total due in whole euros is
 *   `23.00`, see ttf-files.ts); the average price with AVERAGE_PRICE_DECIMALS decimals, always,
 *   rounded HALF_UP, the mode of every other TTF rounding (`70.00000000`, `61.25000000`,
 *   `60.66666667`). The base is computed from the exact average, not from the written one.
 */

/**
 * Decimals of the written average price. Input prices carry at most 12 decimals; 8 keep the written
 * average within 0.000000005 of the exact one, so the net quantity × the written average stays
 * within half a cent of the base for any line under 1,000,000 shares — a reader can recompute the
 * base from the file — while a price such as 60.666… gets one fixed width instead of its full expansion.
 */
export const AVERAGE_PRICE_DECIMALS = 8;

/** Effective-dated rates: a rate applies from its date (inclusive) to the next one's. */
export interface TtfRate {
  from: string;
  rate: string;
}

/** 0.2 % from 1 Aug 2012, 0.3 % from 1 Jan 2017, 0.4 % from 1 Apr 2025 (finance law 2025, art. 98). */
export const TTF_RATES: readonly TtfRate[] = Object.freeze([
  { from: '2012-08-01', rate: '0.002' },
  { from: '2017-01-01', rate: '0.003' },
  { from: '2025-04-01', rate: '0.004' },
]);

export function ttfRateOn(date: string, rates: readonly TtfRate[] = TTF_RATES): Decimal {
  let found: TtfRate | undefined;
  for (const r of rates) if (r.from <= date) found = r;
  if (!found) throw new Error(`no TTF rate in force on ${date}`);
  return new Dec(found.rate);
}

/** Exemptions (CGI art. 235 ter ZD II), each a flag: switched off, the trades are taxed like any other. */
export const TTF_EXEMPTIONS = ['MARKET_MAKING', 'LIQUIDITY_CONTRACT', 'PRIMARY_MARKET', 'INTRAGROUP', 'REPO_LENDING'] as const;
export type TtfExemption = (typeof TTF_EXEMPTIONS)[number];

export interface TtfExemptionRules {
  enabled: readonly TtfExemption[];
  /** A DEAL trade on one of these books is market making. */
  marketMakingBooks: readonly string[];
  /** Every trade on one of these books is under a liquidity contract (contrat de liquidité). */
  liquidityContractBooks: readonly string[];
  /** Trades from these source systems are subscriptions on the primary market. */
  primaryMarketSources: readonly string[];
  /** LEIs of the group's own entities. */
  intragroupLeis: readonly string[];
  /** Books and source systems of repos and securities lending. */
  repoLendingBooks: readonly string[];
  repoLendingSources: readonly string[];
}

/** One settled step of a trade (a whole settlement, or one part of a partial one), with the trade's economics. */
export interface TtfSettlement {
  tradeRef: string;
  sourceSystem: string;
  account: string;
  /** The payer of the line: the acquirer on whose behalf the firm declares (the account's client). */
  payer: string;
  isin: string;
  side: 'BUY' | 'SELL';
  quantity: string;
  price: string;
  currency: string;
  tradeDate: string;
  settlementDate: string;
  capacity: 'AOTC' | 'DEAL' | 'MTCH';
  book: string;
  counterparty: string;
}

export interface TtfInstrument {
  isin: string;
  ttfScopeYears: readonly number[];
}

export interface TtfLine {
  /** Unique within a declaration: `<account>/<isin>/<settlementDate>`. */
  reference: string;
  payer: string;
  account: string;
  isin: string;
  /** Trade dates of the day's purchases (one or several), ascending. */
  tradeDates: string[];
  settlementDate: string;
  tradeRefs: string[];
  quantityBought: string;
  quantitySold: string;
  netQuantity: string;
  /** Weighted average price of the day's purchases, AVERAGE_PRICE_DECIMALS decimals (HALF_UP). */
  averagePrice: string;
  currency: string;
  base: string;
  rate: string;
  tax: string;
  /** Set when the line is exempt: its tax is 0 and it is declared for information. */
  exemption: TtfExemption | null;
}

export interface TtfPayerTotal {
  payer: string;
  /** Sum of the lines' taxes (cents). */
  taxLines: string;
  /** What the payer pays: taxLines rounded to the euro HALF_UP. */
  taxDue: string;
}

export interface TtfDeclaration {
  periodStart: string;
  periodEnd: string;
  lines: TtfLine[];
  totals: TtfPayerTotal[];
  /** Sum of the payers' taxDue. */
  total: string;
  /** Settlements left out, each with why (out of scope, unknown instrument, not in EUR). */
  excluded: Array<{ tradeRef: string; isin: string; reason: string }>;
}

export function exemptionOf(s: TtfSettlement, rules: TtfExemptionRules): TtfExemption | null {
  const on = (e: TtfExemption) => rules.enabled.includes(e);
  if (on('MARKET_MAKING') && s.capacity === 'DEAL' && rules.marketMakingBooks.includes(s.book)) return 'MARKET_MAKING';
  if (on('LIQUIDITY_CONTRACT') && rules.liquidityContractBooks.includes(s.book)) return 'LIQUIDITY_CONTRACT';
  if (on('PRIMARY_MARKET') && rules.primaryMarketSources.includes(s.sourceSystem)) return 'PRIMARY_MARKET';
  if (on('INTRAGROUP') && rules.intragroupLeis.includes(s.counterparty)) return 'INTRAGROUP';
  if (on('REPO_LENDING') && (rules.repoLendingBooks.includes(s.book) || rules.repoLendingSources.includes(s.sourceSystem))) return 'REPO_LENDING';
  return null;
}

const ZERO = new Dec(0);

/**
 * The declaration of one period from the settlements of that period. Exempt trades are grouped on
 * their own (one line per buyer, ISIN, day and exemption) and do not net against taxable ones.
 */
export function computeTtf(
  period: { start: string; end: string },
  settlements: readonly TtfSettlement[],
  instruments: ReadonlyMap<string, TtfInstrument>,
  rules: TtfExemptionRules,
  rates: readonly TtfRate[] = TTF_RATES,
): TtfDeclaration {
  const excluded: TtfDeclaration['excluded'] = [];
  const groups = new Map<string, { exemption: TtfExemption | null; items: TtfSettlement[] }>();
  for (const s of settlements) {
    if (s.settlementDate < period.start || s.settlementDate > period.end) continue;
    const instrument = instruments.get(s.isin);
    if (!instrument) {
      excluded.push({ tradeRef: s.tradeRef, isin: s.isin, reason: 'instrument unknown to the referential' });
      continue;
    }
    const year = Number(s.settlementDate.slice(0, 4));
    if (!instrument.ttfScopeYears.includes(year)) {
      excluded.push({ tradeRef: s.tradeRef, isin: s.isin, reason: `not on the ${year} TTF list` });
      continue;
    }
    if (s.currency !== 'EUR') {
      excluded.push({ tradeRef: s.tradeRef, isin: s.isin, reason: `traded in ${s.currency}: no conversion to EUR here` });
      continue;
    }
    const exemption = exemptionOf(s, rules);
    const key = `${s.account}/${s.isin}/${s.settlementDate}/${exemption ?? ''}`;
    const g = groups.get(key) ?? { exemption, items: [] };
    g.items.push(s);
    groups.set(key, g);
  }

  const lines: TtfLine[] = [];
  for (const { exemption, items } of groups.values()) {
    const buys = items.filter((i) => i.side === 'BUY');
    if (buys.length === 0) continue; // a sell-only day: no acquisition, nothing to declare
    const first = items[0]!;
    const bought = buys.reduce((a, b) => a.plus(b.quantity), ZERO);
    const sold = items.filter((i) => i.side === 'SELL').reduce((a, b) => a.plus(b.quantity), ZERO);
    const net = bought.minus(sold);
    if (net.lte(0)) continue; // the day nets to nothing bought: not taxed
    const paid = buys.reduce((a, b) => a.plus(new Dec(b.quantity).times(b.price)), ZERO);
    const averagePrice = paid.div(bought);
    const base = roundToMinor(net.times(averagePrice), 'EUR', 'HALF_UP');
    const rate = ttfRateOn(first.settlementDate, rates);
    const tax = exemption ? ZERO : roundToMinor(base.times(rate), 'EUR', 'HALF_UP');
    lines.push({
      reference: `${first.account}/${first.isin}/${first.settlementDate}${exemption ? `/${exemption}` : ''}`,
      payer: first.payer,
      account: first.account,
      isin: first.isin,
      tradeDates: [...new Set(buys.map((b) => b.tradeDate))].sort(),
      settlementDate: first.settlementDate,
      tradeRefs: [...new Set(items.map((i) => i.tradeRef))].sort(),
      quantityBought: bought.toString(),
      quantitySold: sold.toString(),
      netQuantity: net.toString(),
      averagePrice: averagePrice.toFixed(AVERAGE_PRICE_DECIMALS, Dec.ROUND_HALF_UP),
      currency: 'EUR',
      base: base.toFixed(2),
      rate: rate.toString(),
      tax: tax.toFixed(2),
      exemption,
    });
  }
  lines.sort((a, b) => (a.payer + a.reference < b.payer + b.reference ? -1 : a.payer + a.reference > b.payer + b.reference ? 1 : 0));

  const perPayer = new Map<string, Decimal>();
  for (const l of lines) perPayer.set(l.payer, (perPayer.get(l.payer) ?? ZERO).plus(l.tax));
  const totals = [...perPayer.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([payer, taxLines]) => ({ payer, taxLines: taxLines.toFixed(2), taxDue: taxLines.toDecimalPlaces(0, Dec.ROUND_HALF_UP).toFixed(0) }));
  return {
    periodStart: period.start,
    periodEnd: period.end,
    lines,
    totals,
    total: totals.reduce((a, t) => a.plus(t.taxDue), ZERO).toFixed(0),
    excluded,
  };
}
