import { createHash } from 'node:crypto';
import { many, opt, refuse, XmlReadError, type XmlElement } from '../xml/read.js';

/**
 * Field readers shared by the statement readers (semt.002, camt.053). Each refuses with an
 * XmlReadError naming the element, so that a statement a reader cannot use never becomes a
 * TypeError or a silent wrong figure. Text is never converted: "100.00" stays "100.00".
 */

/** A row of a statement that could not be read: the reader reports it and goes on with the others. */
export interface StatementProblem {
  /** 1-based position of the row (BalForAcct, Ntry) in its statement; 0 for the statement as a whole. */
  row: number;
  path: string | null;
  line: number | null;
  reason: string;
  /** `path (line n): reason`, the way XmlReadError writes it. */
  message: string;
}

export const problemOf = (row: number, e: XmlReadError): StatementProblem => ({ row, path: e.path, line: e.line, reason: e.reason, message: e.message });

/** Reads one row; an XmlReadError becomes a problem of that row, anything else is a bug and is thrown. */
export function readRow<T>(row: number, problems: StatementProblem[], read: () => T): T | null {
  try {
    return read();
  } catch (e) {
    if (e instanceof XmlReadError) {
      problems.push(problemOf(row, e));
      return null;
    }
    throw e;
  }
}

/** An unsigned amount or quantity as ISO 20022 writes it (xs:decimal, totalDigits 18): `1234.50`, never `-1`, `1e3` or `1,5`. */
const UNSIGNED_DECIMAL = /^(\d{1,18}(\.\d{0,17})?|\.\d{1,17})$/;

export function unsignedDecimal(e: XmlElement): string {
  const v = e.text.trim();
  if (v === '') refuse(e, 'empty');
  if (v.startsWith('-')) refuse(e, `${v.slice(0, 40)}: amounts and quantities are unsigned, the sign is given by another element`);
  if (!UNSIGNED_DECIMAL.test(v.replace(/^\+/, ''))) refuse(e, `${v.slice(0, 40)} is not a decimal`);
  return v.replace(/^\+/, '');
}

const isZero = (v: string) => /^0*\.?0*$/.test(v);

/** A signed decimal string from an unsigned one: "-" in front when negative, never "-0". */
export const withSign = (v: string, negative: boolean): string => (negative && !isZero(v) ? `-${v}` : v);

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

/**
 * The date of a DateAndDateTime choice (`<Dt>` or `<DtTm>`). A DtTm's date is taken as written,
 * before its offset: `2026-11-30T23:30:00-05:00` is 30 November, the bank's own day, even though it
 * is 1 December in UTC — converting would move the entry to the wrong statement day.
 */
export function dateOfChoice(e: XmlElement): string {
  const dt = opt(e, 'Dt');
  const dtTm = opt(e, 'DtTm');
  const found = dt ?? dtTm;
  if (!found || (dt && dtTm)) refuse(e, 'one of Dt or DtTm expected');
  return isoDate(found);
}

/** An ISO date (or the date part of an ISO date-time), checked on the calendar. */
export function isoDate(e: XmlElement): string {
  const v = e.text.trim();
  const m = ISO_DATE.exec(v);
  // xs:date may carry a zone (`2026-11-30+01:00`), xs:dateTime follows with `T`: the date is the first ten characters either way.
  if (!m || !(v.length === 10 || 'TZ+-'.includes(v[10]!))) refuse(e, `${v.slice(0, 40) || '(empty)'} is not an ISO date`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) refuse(e, `${v.slice(0, 10)} is not a calendar date`);
  return v.slice(0, 10);
}

/** The code of a `Cd`/`Prtry` choice (`<Tp><Cd>OPBD</Cd></Tp>`): the code, or the proprietary text. */
export function codeOrProprietary(e: XmlElement): { code: string; proprietary: boolean } {
  const cd = opt(e, 'Cd');
  const prtry = opt(e, 'Prtry');
  const found = cd ?? prtry;
  if (!found || (cd && prtry)) refuse(e, 'one of Cd or Prtry expected');
  // A Prtry may itself be a structure (GenericIdentification30: Id, Issr): its Id is the code.
  const text = found.children.length > 0 ? (opt(found, 'Id')?.text.trim() ?? '') : found.text.trim();
  if (text === '') refuse(found, 'empty');
  return { code: text, proprietary: found === prtry };
}

/** A currency attribute (`Ccy="EUR"`), refused when absent or not three capitals. */
export function currencyOf(e: XmlElement): string {
  const c = e.attrs.Ccy;
  if (c === undefined) refuse(e, 'Ccy attribute is missing');
  if (!/^[A-Z]{3}$/.test(c)) refuse(e, `currency ${c.slice(0, 10)} is not an ISO 4217 code`);
  return c;
}

/** True/false indicators: the schema's xs:boolean lexical forms. */
export function indicator(e: XmlElement): boolean {
  const v = e.text.trim();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  refuse(e, `${v.slice(0, 20) || '(empty)'} is not true or false`);
}

/** Bounds a repeated element: a statement with more rows than any real account has is refused, not read. */
export function bounded(e: XmlElement, name: string, max: number): XmlElement[] {
  const found = many(e, name);
  if (found.length > max) refuse(e, `${found.length} ${name}, at most ${max} are read`);
  return found;
}

/** A 32-hex-character digest of the given fields, the same on every read of the same content. */
export const contentHash = (fields: ReadonlyArray<string | null>): string => createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 32);

/** Max35Text, the length of every identifier these messages carry: a longer one is a writer bug. */
export function max35(value: string, what: string): string {
  if (value.length === 0 || value.length > 35) throw new RangeError(`${what} "${value}" is ${value.length} characters, Max35Text allows 1 to 35`);
  return value;
}
