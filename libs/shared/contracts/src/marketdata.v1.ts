import { z } from 'zod';
import type { EventEnvelope } from './envelope.js';
import { decimalString, isoDate } from './wire-schemas.js';

/**
 * marketdata.prices.v1 (compacted) — a closing (reference) price of an instrument for a business day,
 * used for CSDR penalties and revaluations. Key: `isin`. Producers: the market simulator at each
 * close, or an operator import.
 */
export const ClosingPriceV1Schema = z.object({
  isin: z.string(),
  priceDate: isoDate,
  /** Per unit for shares and ETFs, percent of nominal for bonds. */
  price: decimalString,
  priceType: z.enum(['UNIT', 'PERCENT']),
  currency: z.string(),
  source: z.string(),
});
export type ClosingPriceV1 = z.infer<typeof ClosingPriceV1Schema>;

/**
 * marketdata.fx-rates.v1 (compacted) — an ECB euro foreign exchange reference rate: units of
 * `currency` per 1 EUR on `rateDate` (DOMAIN.md §3). Key: `currency`.
 */
export const FxRateV1Schema = z.object({ rateDate: isoDate, currency: z.string(), unitsPerEur: decimalString, source: z.string() });
export type FxRateV1 = z.infer<typeof FxRateV1Schema>;

export type MarketDataEvent = EventEnvelope<ClosingPriceV1, 'ClosingPrice'> | EventEnvelope<FxRateV1, 'FxRate'>;
