import { z } from 'zod';
import type { EventEnvelope } from './envelope.js';
import { count, decimalString, isoDate, type Same } from './wire-schemas.js';

/**
 * The referential's topics (compacted), produced by capture from its referential. Every payload
 * carries the row's `version`: 1 when first imported, + 1 at each change (an import of an identical
 * row changes nothing and publishes nothing). Event ids are deterministicId('<Type>', key, version),
 * so a replayed import is idempotent downstream and a row changed back still reaches consumers.
 */

export const INSTRUMENT_TYPES = ['SHARE', 'BOND', 'ETF'] as const;
export type InstrumentType = (typeof INSTRUMENT_TYPES)[number];

/** Where a trade settles, which picks the settlement cycle and the calendar. */
export const SETTLEMENT_MARKETS = ['EU', 'US'] as const;
export type SettlementMarket = (typeof SETTLEMENT_MARKETS)[number];

/** CSDR cash-penalty classes (Delegated Regulation (EU) 2017/389, annex I). */
export const LIQUIDITY_CLASSES = ['LIQUID_SHARE', 'ILLIQUID_SHARE', 'SME_SHARE', 'SOVEREIGN_DEBT', 'OTHER_DEBT', 'SME_DEBT', 'OTHER'] as const;
export type LiquidityClass = (typeof LIQUIDITY_CLASSES)[number];

export const DAY_COUNTS = ['ACT/ACT-ICMA', 'ACT/360', 'ACT/365F', '30E/360', '30/360'] as const;
export type DayCount = (typeof DAY_COUNTS)[number];

export const COUPON_FREQUENCIES = [1, 2, 4, 12] as const;
export type CouponFrequency = (typeof COUPON_FREQUENCIES)[number];

/** Portfolio categories of ANC 2014-07 art. 2371-1. */
export const ACCOUNTING_CATEGORIES = ['TRADING', 'PLACEMENT', 'INVESTMENT', 'PORTFOLIO_ACTIVITY', 'OTHER_LONG_TERM', 'PARTICIPATIONS'] as const;
export type AccountingCategory = (typeof ACCOUNTING_CATEGORIES)[number];

/** Cost of fungible lots: weighted average cost (coût moyen pondéré) or first in, first out. */
export const COST_METHODS = ['CMP', 'FIFO'] as const;
export type CostMethod = (typeof COST_METHODS)[number];

export const CONTACT_CHANNELS = ['EMAIL', 'WEBHOOK'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/** The terms of a bond, present exactly when the instrument is a BOND. */
export interface BondTermsV1 {
  /** Annual coupon in percent of nominal, a decimal string ("0.75" is 0.75 %). */
  couponRate: string;
  /** Coupons a year. */
  couponFrequency: CouponFrequency;
  dayCount: DayCount;
  maturityDate: string;
}
export const BondTermsV1Schema = z.object({
  couponRate: decimalString,
  couponFrequency: z.literal(COUPON_FREQUENCIES),
  dayCount: z.enum(DAY_COUNTS),
  maturityDate: isoDate,
});
const _bondTerms: Same<BondTermsV1, z.infer<typeof BondTermsV1Schema>> = true;

/** refdata.instruments.v1 — key: ISIN. */
export interface InstrumentRefV1 {
  isin: string;
  name: string;
  instrumentType: InstrumentType;
  /** Trading currency, ISO 4217. */
  currency: string;
  /** ISO 3166 alpha-2 country of the issuer's registered office. */
  issuerCountry: string;
  settlementMarket: SettlementMarket;
  /** BIC of the CSD where it settles (SICVFRPPXXX Euroclear France, DTCYUS33XXX DTC…). */
  placeOfSettlement: string;
  liquidityClass: LiquidityClass;
  /** Years whose official French TTF list includes the instrument (CGI art. 235 ter ZD), ascending. */
  ttfScopeYears: number[];
  bond: BondTermsV1 | null;
  version: number;
}
export const InstrumentRefV1Schema = z.object({
  isin: z.string(),
  name: z.string(),
  instrumentType: z.enum(INSTRUMENT_TYPES),
  currency: z.string(),
  issuerCountry: z.string(),
  settlementMarket: z.enum(SETTLEMENT_MARKETS),
  placeOfSettlement: z.string(),
  liquidityClass: z.enum(LIQUIDITY_CLASSES),
  ttfScopeYears: z.array(z.number().int()),
  bond: BondTermsV1Schema.nullable(),
  version: count,
});
const _instrumentRef: Same<InstrumentRefV1, z.infer<typeof InstrumentRefV1Schema>> = true;
export type InstrumentRefEvent = EventEnvelope<InstrumentRefV1, 'InstrumentUpserted'>;

/** refdata.parties.v1 — key: LEI. */
export interface PartyRefV1 {
  lei: string;
  name: string;
  /** ISO 3166 alpha-2. */
  country: string;
  /** ISO 9362, 8 or 11 characters. */
  bic: string | null;
  version: number;
}
export const PartyRefV1Schema = z.object({ lei: z.string(), name: z.string(), country: z.string(), bic: z.string().nullable(), version: count });
const _partyRef: Same<PartyRefV1, z.infer<typeof PartyRefV1Schema>> = true;
export type PartyRefEvent = EventEnvelope<PartyRefV1, 'PartyUpserted'>;

export interface ContactV1 {
  channel: ContactChannel;
  /** An email address, or the https URL of a webhook. */
  address: string;
}
export const ContactV1Schema = z.object({ channel: z.enum(CONTACT_CHANNELS), address: z.string() });
const _contact: Same<ContactV1, z.infer<typeof ContactV1Schema>> = true;

/** refdata.accounts.v1 — key: account id. */
export interface AccountRefV1 {
  account: string;
  clientId: string;
  clientName: string;
  accountType: 'CLIENT' | 'PROPRIETARY';
  book: string;
  language: 'fr' | 'en';
  /** The first EMAIL contact, or null (kept for the consumers that read only this). */
  email: string | null;
  baseCurrency: string;
  accountingCategory: AccountingCategory;
  costMethod: CostMethod;
  /** Where the client's notices go, in order. */
  contacts: ContactV1[];
  /** Settlement netting agreed for this account (one instruction per counterparty, ISIN, date, currency). */
  netting: boolean;
  /**
   * Optional: the client as a natural person, as MiFIR transaction reports identify one (RTS 22
   * art. 6, fields 9–11): names, birth date (YYYY-MM-DD) and national id written country code first
   * (`FR19800101JEAN#DUPON` for a CONCAT). Absent or null: a legal entity (its clientId is an LEI),
   * or not known yet — the client's MiFIR reports then wait as exceptions.
   */
  naturalPerson?: { firstName: string; name: string; birthDate: string; nationalId: string; scheme: 'NIDN' | 'CCPT' | 'CONCAT' } | null;
  /**
   * Optional: how the client's notices go out by email. IMMEDIATE (absent: the same) one mail per
   * notice; DAILY one mail per business day at the close carrying that day's notices, each its own PDF.
   * Webhooks are per notice either way.
   */
  noticeDelivery?: 'IMMEDIATE' | 'DAILY';
  version: number;
}
export const AccountRefV1Schema = z.object({
  account: z.string(),
  clientId: z.string(),
  clientName: z.string(),
  accountType: z.enum(['CLIENT', 'PROPRIETARY']),
  book: z.string(),
  language: z.enum(['fr', 'en']),
  email: z.string().nullable(),
  baseCurrency: z.string(),
  accountingCategory: z.enum(ACCOUNTING_CATEGORIES),
  costMethod: z.enum(COST_METHODS),
  contacts: z.array(ContactV1Schema),
  netting: z.boolean(),
  naturalPerson: z
    .object({ firstName: z.string(), name: z.string(), birthDate: isoDate, nationalId: z.string(), scheme: z.enum(['NIDN', 'CCPT', 'CONCAT']) })
    .nullable()
    .optional(),
  noticeDelivery: z.enum(['IMMEDIATE', 'DAILY']).optional(),
  version: count,
});
const _accountRef: Same<AccountRefV1, z.infer<typeof AccountRefV1Schema>> = true;
export type AccountRefEvent = EventEnvelope<AccountRefV1, 'AccountUpserted'>;

/** refdata.ssis.v1 — standing settlement instructions; key: `owner:market:currency`. */
export interface SsiRefV1 {
  /** An account id (our side) or a counterparty's LEI. */
  owner: string;
  market: SettlementMarket;
  currency: string;
  /** BIC of the CSD. */
  placeOfSettlement: string;
  safekeepingAccount: string;
  cashAccount: string | null;
  /** BIC of the settlement agent, when the owner settles through one. */
  agentBic: string | null;
  version: number;
}
export const SsiRefV1Schema = z.object({
  owner: z.string(),
  market: z.enum(SETTLEMENT_MARKETS),
  currency: z.string(),
  placeOfSettlement: z.string(),
  safekeepingAccount: z.string(),
  cashAccount: z.string().nullable(),
  agentBic: z.string().nullable(),
  version: count,
});
const _ssiRef: Same<SsiRefV1, z.infer<typeof SsiRefV1Schema>> = true;
export type SsiRefEvent = EventEnvelope<SsiRefV1, 'SsiUpserted'>;

/** refdata.calendars.v1 — key: calendar code; the whole calendar in each event. */
export interface CalendarRefV1 {
  code: string;
  description: string;
  /** Closed days of the week, 0 = Sunday … 6 = Saturday, ascending. */
  weekend: number[];
  /** Closing days besides the weekend, ascending by date. */
  holidays: Array<{ date: string; name: string }>;
  version: number;
}
export const CalendarRefV1Schema = z.object({
  code: z.string(),
  description: z.string(),
  weekend: z.array(z.number().int().min(0).max(6)),
  holidays: z.array(z.object({ date: isoDate, name: z.string() })),
  version: count,
});
const _calendarRef: Same<CalendarRefV1, z.infer<typeof CalendarRefV1Schema>> = true;
export type CalendarRefEvent = EventEnvelope<CalendarRefV1, 'CalendarUpserted'>;

/** The key of an SSI on refdata.ssis.v1. */
export function ssiKey(s: { owner: string; market: string; currency: string }): string {
  return `${s.owner}:${s.market}:${s.currency}`;
}
