import type { EventEnvelope } from './envelope.js';

/**
 * marketdata.prices.v1 (compacted) — a closing (reference) price of an instrument for a business day,
 * used for CSDR penalties and revaluations. Key: `isin`. Producers: the market simulator at each
 * close, or an operator import.
 */
export interface ClosingPriceV1 {
  isin: string;
  priceDate: string;
  /** Per unit for shares and ETFs, percent of nominal for bonds. */
  price: string;
  priceType: 'UNIT' | 'PERCENT';
  currency: string;
  source: string;
}

/**
 * marketdata.fx-rates.v1 (compacted) — an ECB euro foreign exchange reference rate: units of
 * `currency` per 1 EUR on `rateDate` (DOMAIN.md §3). Key: `currency`.
 */
export interface FxRateV1 {
  rateDate: string;
  currency: string;
  unitsPerEur: string;
  source: string;
}

export type MarketDataEvent = EventEnvelope<ClosingPriceV1, 'ClosingPrice'> | EventEnvelope<FxRateV1, 'FxRate'>;
