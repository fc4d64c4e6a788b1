import { Dec, isKnownCurrency, isMicFormat, isValidIsin, isValidLei } from '@postera/kernel';
import { el, namespaceOf, renderXml, type XmlOut } from '@postera/iso20022';

/**
 * MiFIR transaction reports (art. 26, RTS 22 — Delegated Regulation (EU) 2017/590) as ISO 20022
 * auth.016.001.03 (FinInstrmRptgTxRpt), for the AMF by D+1. Every report written validates against
 * the official schema (libs/shared/iso20022/schemas/auth.016.001.03.xsd): whatever would not is
 * caught by `validateMifirReport` first and kept back as an exception for the operator.
 *
 * One report per reportable trade: a NEW when the trade is captured; an amendment is a CANC of the
 * report in force plus a NEW with a new transaction reference; a cancellation is a CANC of the
 * report in force. The transaction reference (TxId, RTS 22 field 2: up to 52 alphanumerics) is the
 * one identifier here that is not a hyphen-less UUID like Postera's other ISO 20022 ids: RTS 22
 * wants it unique per executing entity and stable for later cancellation, so it is
 * `<prefix><trade date yyyymmdd><sequence>`, from a database sequence, unique in the database.
 */
export const AUTH016_VERSION = 'auth.016.001.03';
export const AUTH016_NAMESPACE = namespaceOf(AUTH016_VERSION);

/** National identifier schemes of RTS 22 art. 6 / annex II: national id, passport, CONCAT. */
export const PERSON_ID_SCHEMES = ['NIDN', 'CCPT', 'CONCAT'] as const;
export type PersonIdScheme = (typeof PERSON_ID_SCHEMES)[number];

/**
 * A natural person as RTS 22 fields 9–11 (buyer) and 18–20 (seller) identify one: first name(s),
 * surname(s), birth date and the national client identifier of art. 6, written country code first
 * (ESMA's convention: `FR19800101JEAN#DUPON` for a French CONCAT).
 */
export interface MifirPerson {
  firstName: string;
  name: string;
  /** YYYY-MM-DD. */
  birthDate: string;
  nationalId: string;
  scheme: PersonIdScheme;
}

/** A client as the referential knows it: a legal entity by its LEI, or a natural person. */
export type MifirClient = { lei: string } | { person: MifirPerson };

/** A person within the firm (fields 57 and 59): the country of the branch supervising them and their national id. */
export interface MifirFirmPerson {
  branchCountry: string;
  nationalId: string;
  scheme: PersonIdScheme;
}

/** Field 59, execution within the firm: a person, an algorithm, or NORE when the client decided. */
export type MifirExecution = { person: MifirFirmPerson } | { algorithm: string } | { client: true };

export interface MifirTrade {
  tradeRef: string;
  version: number;
  side: 'BUY' | 'SELL';
  isin: string;
  quantity: string;
  price: string;
  priceType: 'UNIT' | 'PERCENT';
  currency: string;
  executedAt: string;
  tradeDate: string;
  venue: string;
  venueTransactionId: string | null;
  counterparty: string;
  capacity: string;
  accountType: 'CLIENT' | 'PROPRIETARY';
  clientId: string;
  instrumentType: string;
  /**
   * The owner of a client account as the referential identifies it; null when it has neither an LEI
   * nor the natural-person data RTS 22 asks for (the report is then an exception, see validate).
   */
  client: MifirClient | null;
  /**
   * Who executed within the firm (field 59), as the trade's input says; null when it says nothing,
   * and `executionWithinFirm` decides from the capacity.
   */
  execution: MifirExecution | null;
  /** The trader the input names (optional there), as given: a name or desk code unless it is a national id. */
  trader: string | null;
  /** The trading platform the trade came from, and whether it came electronically (no person booked it). */
  sourceSystem: string;
  origin: 'ELECTRONIC' | 'MANUAL';
}

export interface MifirFirm {
  lei: string;
  /** ISO 3166 country of the branch that executed (RTS 22 field 37) and that received the client's order (fields 8, 17). */
  branchCountry: string;
}

export type MifirReport =
  { kind: 'NEW'; transactionReference: string; trade: MifirTrade } | { kind: 'CANC'; transactionReference: string; originalTradeRef: string };

export interface MifirProblem {
  field: string;
  value: string | null;
  rule: string;
}

const TXID = /^[A-Z0-9]{1,52}$/;
const CAPACITIES = ['DEAL', 'MTCH', 'AOTC'];
const COUNTRY = /^[A-Z]{2}$/;
/** Venues that are no trading venue: off venue (XOFF), or an instrument traded nowhere (XXXX). */
const OFF_VENUE = ['XOFF', 'XXXX'];
/** Whether a trade on this venue carries the venue's transaction id (field 3). */
export const onTradingVenue = (venue: string): boolean => !OFF_VENUE.includes(venue);

/**
 * The decimal formats of the schema (xs:decimal facets): price as an amount with 13 decimals or a
 * percentage with 10, quantity in units with 17 or a nominal with 5 — digits beyond them would
 * make a file the schema refuses, so they are a problem before filing, never a rounding.
 */
const FORMATS = {
  amount13: { total: 18, fraction: 13 },
  percentage: { total: 11, fraction: 10 },
  units: { total: 18, fraction: 17 },
  nominal: { total: 18, fraction: 5 },
} as const;

function fits(d: Dec, f: { total: number; fraction: number }): boolean {
  const integer = d.abs().trunc();
  const integerDigits = integer.isZero() ? 0 : integer.toFixed(0).length;
  return d.decimalPlaces() <= f.fraction && integerDigits + d.decimalPlaces() <= f.total;
}

const isBond = (t: MifirTrade): boolean => t.instrumentType === 'BOND';
const priceFormat = (t: MifirTrade) => (t.priceType === 'PERCENT' ? FORMATS.percentage : FORMATS.amount13);
const quantityFormat = (t: MifirTrade) => (isBond(t) ? FORMATS.nominal : FORMATS.units);

/** Our side is the client when we act for it on its account (AOTC); the firm itself otherwise (DEAL, MTCH). */
const clientIsOurSide = (t: MifirTrade): boolean => t.accountType === 'CLIENT' && t.capacity === 'AOTC';

/**
 * Field 59 (mandatory): what the input says, else decided by the capacity. AOTC with no person
 * named: the client's order decided the execution, NORE (ESMA's code for a decision outside the
 * firm). DEAL or MTCH with no person named, arrived electronically: the trading platform's
 * algorithm, by its code. A trader named without a national id, or a manual DEAL or MTCH with
 * nobody named, cannot be reported (a person did execute, and only their national id may say who): null.
 */
export function executionWithinFirm(t: MifirTrade): MifirExecution | null {
  if (t.execution) return t.execution;
  if (t.trader !== null) return null;
  if (t.capacity === 'AOTC') return { client: true };
  if (t.origin === 'ELECTRONIC' && t.sourceSystem) return { algorithm: t.sourceSystem };
  return null;
}

/**
 * Field 57, investment decision within the firm: only when the firm decided for itself (DEAL), by
 * whoever executed it; on AOTC and MTCH the decision is the client's (no discretionary mandate is
 * known to the referential), so it stays empty.
 */
function investmentDecisionWithinFirm(t: MifirTrade): MifirExecution | null {
  if (t.capacity !== 'DEAL') return null;
  const e = executionWithinFirm(t);
  return e && !('client' in e) ? e : null;
}

/** The main validation rules of RTS 22 checked before filing; every broken rule is listed. */
export function validateMifirReport(r: MifirReport, firm: MifirFirm, now: Date): MifirProblem[] {
  const p: MifirProblem[] = [];
  const check = (ok: boolean, field: string, value: string | null, rule: string) => {
    if (!ok) p.push({ field, value, rule });
  };
  check(isValidLei(firm.lei), 'ExctgPty', firm.lei, 'the firm LEI must be a valid ISO 17442 LEI (check digits)');
  check(TXID.test(r.transactionReference), 'TxId', r.transactionReference, 'up to 52 characters A-Z 0-9');
  if (r.kind === 'CANC') return p;
  const t = r.trade;
  check(COUNTRY.test(firm.branchCountry), 'CtryOfBrnch', firm.branchCountry, 'an ISO 3166 alpha-2 country of the branch');
  check(isValidLei(t.counterparty), 'Buyr/Sellr', t.counterparty, 'the counterparty must be identified by a valid LEI');
  if (clientIsOurSide(t)) checkClient(t, check);
  check(isValidIsin(t.isin), 'FinInstrm/Id', t.isin, 'a valid ISIN (ISO 6166, check digit)');
  check(isMicFormat(t.venue), 'TradVn', t.venue, 'an ISO 10383 MIC (XOFF off venue)');
  if (t.venueTransactionId !== null && onTradingVenue(t.venue))
    check(
      t.venueTransactionId.length >= 1 && t.venueTransactionId.length <= 52,
      'TradPlcMtchgId',
      t.venueTransactionId,
      'the venue transaction id: 1 to 52 characters',
    );
  const price = safeDec(t.price);
  check(price !== null && price.gt(0), 'Pric', t.price, 'a price greater than zero');
  if (price !== null && price.gt(0))
    check(fits(price, priceFormat(t)), 'Pric', t.price, `at most ${priceFormat(t).fraction} decimals and ${priceFormat(t).total} digits (auth.016)`);
  const qty = safeDec(t.quantity);
  check(qty !== null && qty.gt(0), 'Qty', t.quantity, 'a quantity greater than zero');
  if (qty !== null && qty.gt(0))
    check(fits(qty, quantityFormat(t)), 'Qty', t.quantity, `at most ${quantityFormat(t).fraction} decimals and ${quantityFormat(t).total} digits (auth.016)`);
  check(CAPACITIES.includes(t.capacity), 'TradgCpcty', t.capacity, 'DEAL, MTCH or AOTC');
  check(isKnownCurrency(t.currency), 'Pric/Ccy', t.currency, 'an ISO 4217 currency');
  const at = zonedInstant(t.executedAt);
  check(at !== null, 'TradDt', t.executedAt, 'a date and time with a zone');
  check(at === null || at.epochMs <= now.getTime(), 'TradDt', t.executedAt, 'not in the future');
  // The execution time as the platform stamped it (local time with its zone) falls on the trade date.
  check(at === null || t.executedAt.slice(0, 10) === t.tradeDate, 'TradDt', t.executedAt, `on the trade date ${t.tradeDate}`);
  checkExecution(t, check);
  return p;
}

type Check = (ok: boolean, field: string, value: string | null, rule: string) => void;

function checkClient(t: MifirTrade, check: Check): void {
  const field = t.side === 'BUY' ? 'Buyr' : 'Sellr';
  const c = t.client;
  if (c === null) {
    check(
      false,
      field,
      t.clientId,
      'the client is identified by its LEI, or as a natural person by first name, name, birth date and national id (none in the referential)',
    );
    return;
  }
  if ('lei' in c) {
    check(isValidLei(c.lei), field, c.lei, 'the client LEI must be a valid ISO 17442 LEI (check digits)');
    return;
  }
  checkPerson(c.person, field, check);
}

function checkPerson(person: MifirPerson, field: string, check: Check): void {
  check(person.firstName.trim().length >= 1 && person.firstName.length <= 140, `${field}/FrstNm`, person.firstName, 'the first name(s): 1 to 140 characters');
  check(person.name.trim().length >= 1 && person.name.length <= 140, `${field}/Nm`, person.name, 'the surname(s): 1 to 140 characters');
  check(isIsoDate(person.birthDate), `${field}/BirthDt`, person.birthDate, 'a birth date YYYY-MM-DD');
  checkNationalId(person.nationalId, person.scheme, `${field}/Othr`, check);
}

function checkNationalId(id: string, scheme: PersonIdScheme, field: string, check: Check): void {
  check(PERSON_ID_SCHEMES.includes(scheme), `${field}/SchmeNm`, scheme, 'NIDN, CCPT or CONCAT');
  const rule = scheme === 'CONCAT' ? CONCAT : /^[A-Z]{2}[A-Z0-9]{1,33}$/;
  check(
    rule.test(id),
    `${field}/Id`,
    id,
    scheme === 'CONCAT'
      ? 'a CONCAT: country, birth date YYYYMMDD, 5 letters of the first name and 5 of the surname (# to pad)'
      : 'the country code then the identifier, at most 35 A-Z 0-9',
  );
}

function checkExecution(t: MifirTrade, check: Check): void {
  const e = executionWithinFirm(t);
  if (e === null) {
    if (t.trader !== null)
      check(false, 'ExctgPrsn', t.trader, 'the trader who executed, identified by a national id (NIDN, CCPT or CONCAT), not by a name or desk code');
    else check(false, 'ExctgPrsn', null, 'the person (national id) or algorithm within the firm that executed: a manual DEAL or MTCH names its trader');
    return;
  }
  if ('person' in e) {
    check(COUNTRY.test(e.person.branchCountry), 'ExctgPrsn/CtryOfBrnch', e.person.branchCountry, 'an ISO 3166 alpha-2 country');
    checkNationalId(e.person.nationalId, e.person.scheme, 'ExctgPrsn/Othr', check);
  }
  if ('algorithm' in e) check(e.algorithm.length >= 1 && e.algorithm.length <= 50, 'ExctgPrsn/Algo', e.algorithm, 'an algorithm code of 1 to 50 characters');
}

const CONCAT = /^[A-Z]{2}\d{8}[A-Z#]{10}$/;

/**
 * The executing person from the trader the input names, when the platform sends the trader's
 * CONCAT (the national id every EU person has, art. 6(3)): a name or desk code says nothing RTS 22
 * accepts, so it gives no person (and the report waits, see executionWithinFirm).
 */
export function traderAsPerson(trader: string | null, branchCountry: string): MifirExecution | null {
  return trader !== null && CONCAT.test(trader) ? { person: { branchCountry, nationalId: trader, scheme: 'CONCAT' } } : null;
}

/** A client id that is an LEI (check digits included) is a legal entity; any other needs natural-person data. */
export function clientOf(clientId: string, person: MifirPerson | null): MifirClient | null {
  if (isValidLei(clientId)) return { lei: clientId };
  return person ? { person } : null;
}

function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

function safeDec(v: string) {
  try {
    return new Dec(v);
  } catch {
    return null;
  }
}

/** `2026-12-03T10:15:30.120+01:00`: a local date and time, an optional fraction, and its zone. */
const ZONED = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|z|[+-]\d{2}:?\d{2})$/;

function zonedInstant(iso: string): { epochMs: number; fraction: string } | null {
  const m = ZONED.exec(iso);
  if (!m) return null;
  const zone = m[3]!.toUpperCase() === 'Z' ? 'Z' : m[3]!.length === 5 ? `${m[3]!.slice(0, 3)}:${m[3]!.slice(3)}` : m[3]!;
  const epochMs = Date.parse(`${m[1]}${zone}`);
  return Number.isNaN(epochMs) ? null : { epochMs, fraction: m[2] ?? '' };
}

/**
 * Trading date time (RTS 22 field 28) in UTC, `YYYY-MM-DDThh:mm:ss[.fraction]Z`, with the fraction
 * the platform stamped (the granularity is the venue's, RTS 25): converting through a JS Date would
 * cut microseconds and invent milliseconds. `2026-12-03T10:15:30+01:00` → `2026-12-03T09:15:30Z`.
 */
export function utcTimestamp(iso: string): string {
  const at = zonedInstant(iso);
  if (at === null) throw new Error(`not a date and time with a zone: ${iso}`);
  return `${new Date(at.epochMs).toISOString().slice(0, 19)}${at.fraction}Z`;
}

/** A plain decimal (never an exponent): the schema's xs:decimal. */
const decimal = (v: string): string => new Dec(v).toFixed();

/**
 * The national id with its scheme: NIDN and CCPT are ISO person-identification codes (`Cd`, at
 * most 4 characters); CONCAT is ESMA's own, written as a proprietary scheme (`Prtry`), as ESMA's
 * reporting instructions do.
 */
function personId(id: string, scheme: PersonIdScheme): XmlOut {
  return el('Othr', [el('Id', id), el('SchmeNm', [scheme === 'CONCAT' ? el('Prtry', scheme) : el('Cd', scheme)])]);
}

function naturalPerson(p: MifirPerson): XmlOut {
  return el('Prsn', [el('FrstNm', p.firstName), el('Nm', p.name), el('BirthDt', p.birthDate), personId(p.nationalId, p.scheme)]);
}

/** Buyer or seller (fields 7–24): the account owner; a client also names the branch that took its order (fields 8, 17). */
function party(owner: { lei: string } | MifirClient, branchCountry: string | null): XmlOut[] {
  const id = 'lei' in owner ? el('LEI', owner.lei) : naturalPerson(owner.person);
  return [el('AcctOwnr', [el('Id', [id]), branchCountry ? el('CtryOfBrnch', branchCountry) : null])];
}

function withinFirm(name: string, e: MifirExecution): XmlOut {
  if ('person' in e) return el(name, [el('Prsn', [el('CtryOfBrnch', e.person.branchCountry), personId(e.person.nationalId, e.person.scheme)])]);
  if ('algorithm' in e) return el(name, [el('Algo', e.algorithm)]);
  return el(name, [el('Clnt', 'NORE')]);
}

/**
 * Field 62, short selling indicator: for a sale of shares made by the firm or for a client. The
 * position before the sale is not known here, so it is UNDI ("information not available"), the
 * code ESMA gives for that case; bonds and ETFs are left out (sovereign debt is not told apart).
 */
function shortSelling(t: MifirTrade): XmlOut | null {
  return t.side === 'SELL' && t.instrumentType === 'SHARE' ? el('ShrtSellgInd', 'UNDI') : null;
}

function newReport(transactionReference: string, t: MifirTrade, firm: MifirFirm): XmlOut {
  const ours = clientIsOurSide(t) ? party(t.client!, firm.branchCountry) : party({ lei: firm.lei }, null);
  const theirs = party({ lei: t.counterparty }, null);
  const [buyer, seller] = t.side === 'BUY' ? [ours, theirs] : [theirs, ours];
  const price = t.priceType === 'PERCENT' ? el('Pctg', decimal(t.price)) : el('MntryVal', [el('Amt', decimal(t.price), { Ccy: t.currency })]);
  const qty = isBond(t) ? el('NmnlVal', decimal(t.quantity), { Ccy: t.currency }) : el('Unit', decimal(t.quantity));
  const decision = investmentDecisionWithinFirm(t);
  return el('New', [
    el('TxId', transactionReference),
    el('ExctgPty', firm.lei),
    el('InvstmtPtyInd', 'true'),
    el('SubmitgPty', firm.lei),
    el('Buyr', buyer),
    el('Sellr', seller),
    el('OrdrTrnsmssn', [el('TrnsmssnInd', 'false')]),
    el('Tx', [
      el('TradDt', utcTimestamp(t.executedAt)),
      el('TradgCpcty', t.capacity),
      el('Qty', [qty]),
      el('Pric', [el('Pric', [price])]),
      el('TradVn', t.venue),
      el('CtryOfBrnch', firm.branchCountry),
      t.venueTransactionId && onTradingVenue(t.venue) ? el('TradPlcMtchgId', t.venueTransactionId) : null,
    ]),
    el('FinInstrm', [el('Id', t.isin)]),
    decision ? withinFirm('InvstmtDcsnPrsn', decision) : null,
    withinFirm('ExctgPrsn', executionWithinFirm(t)!),
    el('AddtlAttrbts', [shortSelling(t), el('SctiesFincgTxInd', 'false')]),
  ]);
}

/**
 * The auth.016.001.03 document for a list of reports (one Tx each), in order. Only reports without
 * a problem from `validateMifirReport` belong here: the writer trusts them (a NEW for a client
 * with no identification, or a manual DEAL with nobody named, throws rather than write a file the
 * schema or the AMF would refuse).
 */
export function auth016Xml(reports: readonly MifirReport[], firm: MifirFirm): string {
  const txs = reports.map((r) => {
    if (r.kind === 'CANC') return el('Tx', [el('Cxl', [el('TxId', r.transactionReference), el('ExctgPty', firm.lei), el('SubmitgPty', firm.lei)])]);
    const t = r.trade;
    if (clientIsOurSide(t) && t.client === null) throw new Error(`MiFIR report ${r.transactionReference}: the client ${t.clientId} is not identified`);
    if (executionWithinFirm(t) === null) throw new Error(`MiFIR report ${r.transactionReference}: nobody executed within the firm`);
    return el('Tx', [newReport(r.transactionReference, t, firm)]);
  });
  return renderXml(el('Document', [el('FinInstrmRptgTxRpt', txs)], { xmlns: AUTH016_NAMESPACE }));
}
