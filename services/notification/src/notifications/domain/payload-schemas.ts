import { isIsoDate, isIsoTimestampWithZone, parseDecimalString } from '@postera/kernel';
import { z } from 'zod';

/**
 * What notification reads from the events it consumes, checked when the event arrives: a payload
 * that cannot make a correct notice goes to the DLQ with its reasons rather than becoming a
 * notice with a blank figure.
 */
const decimalString = z.string().refine((v) => parseDecimalString(v).ok, 'a decimal string (digits, optional fraction, no exponent)');
const isoDate = z.string().refine((v) => isIsoDate(v), 'an ISO date');
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code');
const text = (max: number) => z.string().min(1).max(max);

export const tradeEconomicsSchema = z.object({
  tradeRef: text(200),
  version: z.number().int().min(1),
  side: z.enum(['BUY', 'SELL']),
  isin: z.string().regex(/^[A-Z]{2}[A-Z0-9]{9}[0-9]$/, 'an ISIN'),
  quantity: decimalString,
  price: decimalString,
  priceType: z.enum(['UNIT', 'PERCENT']),
  currency,
  grossAmount: decimalString,
  accruedInterest: decimalString.optional(),
  instrumentType: z.string().max(16).optional(),
  fxConversion: z
    .object({ baseCurrency: currency, rate: decimalString, source: text(200), rateDate: isoDate, netAmountInBase: decimalString })
    .nullable()
    .optional(),
  feesAmount: decimalString,
  netAmount: decimalString,
  fees: z.array(z.object({ type: text(64), amount: decimalString, currency })).max(20),
  tradeDate: isoDate,
  settlementDate: isoDate,
  executedAt: z.string().refine((v) => isIsoTimestampWithZone(v), 'an ISO timestamp with zone'),
  venue: text(16),
  account: text(64),
  capacity: z.enum(['AOTC', 'DEAL', 'MTCH']),
  orderType: z.string().max(16).nullable(),
  clientId: text(64),
  accountType: z.enum(['CLIENT', 'PROPRIETARY']),
});

/** The settlement statuses a client hears about. */
export const NOTIFIED_SETTLEMENT_STATUSES = ['SETTLED', 'PARTIALLY_SETTLED', 'FAILING'] as const;

export const instructionSettledSchema = z.object({
  instructionId: text(64),
  tradeRef: text(200),
  status: z.enum(NOTIFIED_SETTLEMENT_STATUSES),
  reason: z.string().max(64).nullable().optional(),
  stepQuantity: decimalString.nullable().optional(),
  stepAmount: decimalString.nullable().optional(),
  isin: z.string().regex(/^[A-Z]{2}[A-Z0-9]{9}[0-9]$/, 'an ISIN'),
  side: z.enum(['BUY', 'SELL']),
  account: text(64),
  currency,
  quantity: decimalString,
  settlementAmount: decimalString,
  intendedSettlementDate: isoDate,
  settledQuantity: decimalString.nullable(),
  settledAmount: decimalString.nullable(),
  effectiveSettlementDate: isoDate.nullable(),
  clientId: text(64),
});

export const counterpartyConfirmationSchema = z.object({
  tradeRef: text(200),
  version: z.number().int().min(1),
  counterparty: z.object({ lei: z.string().regex(/^[A-Z0-9]{20}$/, 'a LEI'), name: text(200), bic: z.string().max(11).nullable() }),
  side: z.enum(['BUY', 'SELL']),
  isin: z.string().regex(/^[A-Z]{2}[A-Z0-9]{9}[0-9]$/, 'an ISIN'),
  quantity: decimalString,
  price: decimalString,
  priceType: z.enum(['UNIT', 'PERCENT']),
  currency,
  tradeDate: isoDate,
  settlementDate: isoDate,
  settlementAmount: decimalString,
});

/** Every problem of a payload, as `path: message` lines; none when it is usable. */
export function payloadProblems(schema: z.ZodType, payload: unknown): string[] {
  const r = schema.safeParse(payload);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`);
}
