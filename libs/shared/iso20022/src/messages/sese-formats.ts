import { amountText, Dec, isKnownCurrency, minorUnits } from '@postera/kernel';
import { XmlReadError, type XmlElement } from '../xml/read.js';

/**
 * The data types of the sese.023/024/025 schemas that a writer must respect, checked before a
 * document is written: a value outside them would make the whole message invalid, and the CSD would
 * reject it (or, worse, truncate it). A writer given such a value has a bug upstream, so the check
 * throws (`SeseWriteError`) naming the element, the value and the rule, instead of writing it.
 */
export class SeseWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeseWriteError';
  }
}

/** `Max35Text`, `Max210Text`…: 1 to n characters. */
export function maxText(what: string, v: string, max: number): string {
  if (v.length < 1 || v.length > max) throw new SeseWriteError(`${what}: "${v}" must be 1 to ${max} characters`);
  return v;
}

const BIC = /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;
const LEI = /^[A-Z0-9]{18}[0-9]{2}$/;
const ISIN = /^[A-Z]{2}[A-Z0-9]{9}[0-9]$/;
const CURRENCY = /^[A-Z]{3}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CODE4 = /^[a-zA-Z0-9]{4}$/;

/** `AnyBICDec2014Identifier`. */
export const isBic = (v: string): boolean => BIC.test(v);
/** `LEIIdentifier`: 18 alphanumerics and two check digits. */
export const isLei = (v: string): boolean => LEI.test(v);

function pattern(what: string, v: string, re: RegExp, rule: string): string {
  if (!re.test(v)) throw new SeseWriteError(`${what}: "${v}" is not ${rule}`);
  return v;
}

export const bic = (what: string, v: string): string => pattern(what, v, BIC, 'a BIC (AnyBICDec2014Identifier)');
export const lei = (what: string, v: string): string => pattern(what, v, LEI, 'an LEI (LEIIdentifier)');
export const isin = (what: string, v: string): string => pattern(what, v, ISIN, 'an ISIN (ISINOct2015Identifier)');
export const currency = (what: string, v: string): string => pattern(what, v, CURRENCY, 'a currency code (ActiveCurrencyCode)');
export const isoDate = (what: string, v: string): string => pattern(what, v, DATE, 'an ISO date (ISODate)');
/** `Exact4AlphaNumericText`: a reason code or a proprietary code. */
export const code4 = (what: string, v: string): string => pattern(what, v, CODE4, 'four letters or digits (Exact4AlphaNumericText)');

/**
 * A decimal string within an XSD decimal type: at most `totalDigits` digits of which at most
 * `fractionDigits` after the point; `nonNegative` for the amount types (`minInclusive 0`: the sign
 * of an amount is its `CdtDbtInd`, never a minus). Checked on the text, never through a number.
 */
function decimal(what: string, v: string, totalDigits: number, fractionDigits: number, nonNegative: boolean): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(v);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new SeseWriteError(`${what}: "${v}" is not a decimal number`);
  if (nonNegative && m[1] === '-' && /[1-9]/.test(v))
    throw new SeseWriteError(`${what}: "${v}" is negative; the schema wants an amount ≥ 0 and its direction apart`);
  const int = m[2]!.replace(/^0+/, '');
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > fractionDigits) throw new SeseWriteError(`${what}: "${v}" has more than ${fractionDigits} decimals`);
  if (int.length + frac.length > totalDigits) throw new SeseWriteError(`${what}: "${v}" has more than ${totalDigits} digits`);
  return v;
}

/** `ActiveCurrencyAndAmount` / `ImpliedCurrencyAndAmount` (a face amount): 18 digits, 5 decimals, ≥ 0. */
export const amount = (what: string, v: string): string => decimal(what, v, 18, 5, true);

/**
 * An `ActiveCurrencyAndAmount` in `ccy`: within the schema's 5 decimals, and written with exactly
 * the currency's minor units ("8775" EUR → "8775.00", JPY "100"), the one form of an amount. An
 * amount finer than the minor unit, or in a currency Postera does not know, is refused, never rounded.
 */
export function currencyAmount(what: string, v: string, ccy: string): string {
  amount(what, v);
  if (!isKnownCurrency(ccy)) throw new SeseWriteError(`${what}: currency ${ccy} has no minor unit Postera knows`);
  if (new Dec(v).decimalPlaces() > minorUnits(ccy)) throw new SeseWriteError(`${what}: "${v}" has more decimals than the ${minorUnits(ccy)} of ${ccy}`);
  return amountText(v, ccy);
}
/** `DecimalNumber` (a number of units): 18 digits, 17 decimals; never negative here (a settlement quantity's direction is its movement). */
export const units = (what: string, v: string): string => decimal(what, v, 18, 17, true);

/** An ISODate, or the date of an ISODateTime, as the `DateAndDateTime2Choice` of a reader's element (`Dt` or `DtTm`). */
export function dateOfChoice(e: XmlElement): string {
  const [c] = e.children;
  if (!c || e.children.length !== 1 || (c.name !== 'Dt' && c.name !== 'DtTm')) throw new XmlReadError('Dt or DtTm expected', e.path, e.line);
  const t = c.text.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) throw new XmlReadError(`"${t}" is not an ISO date`, c.path, c.line);
  return t.slice(0, 10);
}
