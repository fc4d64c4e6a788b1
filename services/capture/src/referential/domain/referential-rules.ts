import {
  ACCOUNTING_CATEGORIES,
  CONTACT_CHANNELS,
  COST_METHODS,
  COUPON_FREQUENCIES,
  DAY_COUNTS,
  INSTRUMENT_TYPES,
  LIQUIDITY_CLASSES,
  SETTLEMENT_MARKETS,
  ssiKey,
  type AccountRefV1,
  type CalendarRefV1,
  type ContactV1,
  type InstrumentRefV1,
  type PartyRefV1,
  type SsiRefV1,
} from '@postera/contracts';
import { isIsoDate, isKnownCurrency, isValidIsin, isValidLei, parseDecimalString } from '@postera/kernel';
import { readNaturalPerson } from './natural-person.js';

/**
 * The rules of a referential import (instruments, parties, accounts, SSIs, calendars). Every row is
 * checked before anything is written and every problem is returned at once, each naming the
 * entity, the row, the row's key, the field, the value received and the rule it breaks: an
 * operator fixes the whole file in one go instead of one error per attempt.
 */

export const REFERENTIAL_ENTITIES = ['instruments', 'parties', 'accounts', 'ssis', 'calendars'] as const;
export type ReferentialEntity = (typeof REFERENTIAL_ENTITIES)[number];

/** Rows of one import, all entities together: a bound on the work and the transaction of one request. */
export const IMPORT_ROWS_MAX = 10_000;
/** Holidays of one calendar in one import: two centuries of a busy calendar. */
export const CALENDAR_HOLIDAYS_IMPORT_MAX = 5_000;
const CONTACTS_MAX = 10;
const TEXT_MAX = 200;
const ACCOUNT_TEXT_MAX = 64;
/** The TTF exists since 1 August 2012 (CGI art. 235 ter ZD). */
const TTF_FIRST_YEAR = 2012;
const YEAR_MAX = 2100;
/** Values echoed in a problem are cut: a problem list must stay readable whatever was sent. */
const ECHO_MAX = 200;

export interface ImportProblem {
  /** null for a problem of the request as a whole. */
  entity: ReferentialEntity | null;
  /** JSON: 1-based position in the entity's list; CSV: the row of the file (header = row 1). */
  row: number | null;
  /** The row's key (ISIN, LEI, account, owner:market:currency, calendar code) when it has one. */
  key: string | null;
  field: string;
  value?: unknown;
  rule: string;
}

export type InstrumentData = Omit<InstrumentRefV1, 'version'>;
export type PartyData = Omit<PartyRefV1, 'version'>;
export type AccountData = Omit<AccountRefV1, 'version'>;
export type SsiData = Omit<SsiRefV1, 'version'>;
export type CalendarData = Omit<CalendarRefV1, 'version'>;
/** A calendar as imported: a description or weekend left out keeps the stored one (or the default). */
export type CalendarImport = Omit<CalendarData, 'description' | 'weekend'> & { description: string | null; weekend: number[] | null };

export interface ReferentialRows {
  instruments: InstrumentData[];
  parties: PartyData[];
  accounts: AccountData[];
  ssis: SsiData[];
  calendars: CalendarImport[];
}

/** What the database already holds that an SSI may belong to. */
export interface KnownOwners {
  accounts: ReadonlySet<string>;
  leis: ReadonlySet<string>;
}

export interface ValidateOptions {
  /** The row a problem names (default: the 1-based position in the list; CSV passes the file's row). */
  rowOf?: (entity: ReferentialEntity, index: number, holidayIndex?: number) => number;
  /** Holidays came as rows of their own (CSV): name their fields `date` / `name`, not `holidays[j].date`. */
  holidaysAsRows?: boolean;
  /** How a problem names a nested field that came from a column of its own (CSV), e.g. naturalPerson.birthDate → birthDate. */
  fieldNames?: Readonly<Record<string, string>>;
  /** The date a birth date must be before (YYYY-MM-DD, default: today in UTC). */
  today?: string;
}

const RULES = {
  object: 'a JSON object',
  text: `required: a non-blank string of at most ${TEXT_MAX} characters`,
  optionalText: `a non-blank string of at most ${TEXT_MAX} characters, or null`,
  isin: 'an ISIN (ISO 6166): 2 letters, 9 letters or digits, a valid check digit',
  lei: 'a LEI (ISO 17442): 18 letters or digits then 2 valid check digits',
  currency: 'an ISO 4217 currency code',
  country: 'an ISO 3166-1 alpha-2 country code (two capital letters)',
  bic: 'a BIC (ISO 9362): 8 or 11 characters — 4 letters or digits, a 2-letter country, 2 letters or digits, optionally a 3-character branch',
  couponRate: 'a positive decimal string, in percent of nominal (e.g. "0.75"), at most 12 decimals',
  isoDate: 'an ISO date (YYYY-MM-DD)',
  account: `required: 1 to ${ACCOUNT_TEXT_MAX} characters without spaces or colons (an SSI key is owner:market:currency)`,
  accountText: `required: a non-blank string of at most ${ACCOUNT_TEXT_MAX} characters`,
  optionalAccountText: `a non-blank string of at most ${ACCOUNT_TEXT_MAX} characters, or null`,
  email: 'an email address (name@domain, at most 320 characters)',
  webhook: 'an http(s) URL of at most 2000 characters',
  calendarCode: 'required: 1 to 16 of A–Z, 0–9, _ and -',
  twice: 'listed twice in this import',
  boolean: 'true or false',
  noticeDelivery: 'IMMEDIATE or DAILY (left out: IMMEDIATE)',
} as const;

const oneOf = (values: readonly unknown[]) => `one of ${values.join(', ')}`;
const BIC = /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;
const COUNTRY = /^[A-Z]{2}$/;
const ACCOUNT_ID = new RegExp(`^[^\\s:]{1,${ACCOUNT_TEXT_MAX}}$`);
const CALENDAR_CODE = /^[A-Z0-9_-]{1,16}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** ISO 9362 BIC format (8 or 11 characters); whether the BIC is registered is not checked. */
export function isBicFormat(value: unknown): value is string {
  return typeof value === 'string' && BIC.test(value);
}

/** ISO 3166-1 alpha-2 format; whether the code is assigned is not checked. */
export function isCountryFormat(value: unknown): value is string {
  return typeof value === 'string' && COUNTRY.test(value);
}

function echo(value: unknown): unknown {
  if (typeof value === 'string' && value.length > ECHO_MAX) return `${value.slice(0, ECHO_MAX)}…`;
  if (typeof value === 'object' && value !== null) {
    const s = JSON.stringify(value);
    return s.length > ECHO_MAX ? `${s.slice(0, ECHO_MAX)}…` : value;
  }
  return value;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.trim().length > 0 && v.length <= max;

/** The checks of one row: each records its problem and returns the value for the row built when there is none. */
class RowCheck {
  constructor(
    private readonly problems: ImportProblem[],
    private readonly entity: ReferentialEntity,
    readonly row: number,
    readonly key: string | null,
    readonly o: Record<string, unknown>,
    private readonly fieldNames: Readonly<Record<string, string>> = {},
  ) {}

  fail(field: string, value: unknown, rule: string, row = this.row): void {
    const named = this.fieldNames[field] ?? field;
    this.problems.push({ entity: this.entity, row, key: this.key, field: named, ...(value === undefined ? {} : { value: echo(value) }), rule });
  }

  /** Fields the row may have; `version` is accepted and ignored, so a row read back from GET imports as it is. */
  fields(allowed: readonly string[], o: Record<string, unknown> = this.o, prefix = ''): void {
    for (const k of Object.keys(o)) if (!allowed.includes(k) && k !== 'version') this.fail(prefix + k, o[k], `unknown field; expected ${allowed.join(', ')}`);
  }

  check<T>(field: string, ok: (v: unknown) => boolean, rule: string, value: unknown = this.o[field]): T {
    if (!ok(value)) this.fail(field, value, rule);
    return value as T;
  }

  text(field: string, max = TEXT_MAX, rule: string = RULES.text): string {
    return this.check(field, (v) => isText(v, max), rule);
  }

  /** Absent, null or a non-blank string. */
  optionalText(field: string, max = TEXT_MAX, rule: string = RULES.optionalText): string | null {
    const v = this.o[field];
    if (v === undefined || v === null) return null;
    return this.check(field, (x) => isText(x, max), rule);
  }

  enumeration<T>(field: string, values: readonly T[], value: unknown = this.o[field]): T {
    return this.check(field, (v) => values.includes(v as T), oneOf(values), value);
  }
}

export function validateImport(body: unknown, known: KnownOwners, options: ValidateOptions = {}): { rows: ReferentialRows; problems: ImportProblem[] } {
  const rows: ReferentialRows = { instruments: [], parties: [], accounts: [], ssis: [], calendars: [] };
  const problems: ImportProblem[] = [];
  const whole = (field: string, value: unknown, rule: string) =>
    problems.push({ entity: null, row: null, key: null, field, ...(value === undefined ? {} : { value: echo(value) }), rule });
  if (!isObject(body)) {
    whole('(body)', undefined, `${RULES.object} { ${REFERENTIAL_ENTITIES.map((e) => `${e}?`).join(', ')} }`);
    return { rows, problems };
  }
  const lists: Partial<Record<ReferentialEntity, unknown[]>> = {};
  for (const [k, v] of Object.entries(body)) {
    if (!(REFERENTIAL_ENTITIES as readonly string[]).includes(k)) whole(k, undefined, `unknown section; expected ${REFERENTIAL_ENTITIES.join(', ')}`);
    else if (v === undefined || v === null) continue;
    else if (!Array.isArray(v)) whole(k, echo(v), 'an array of rows');
    else lists[k as ReferentialEntity] = v;
  }
  const total = Object.values(lists).reduce((n, l) => n + l.length, 0);
  if (total > IMPORT_ROWS_MAX) whole('(body)', total, `at most ${IMPORT_ROWS_MAX} rows per import (split the file)`);
  if (problems.length > 0) return { rows, problems };

  const rowOf = options.rowOf ?? ((_e: ReferentialEntity, i: number) => i + 1);
  // Every row: a key for the problems when it has a usable one, then its checks.
  const each = (entity: ReferentialEntity, keyOf: (o: Record<string, unknown>) => string | null, checkRow: (c: RowCheck, index: number) => void) => {
    (lists[entity] ?? []).forEach((o, i) => {
      if (!isObject(o)) {
        problems.push({ entity, row: rowOf(entity, i), key: null, field: '(row)', value: echo(o), rule: RULES.object });
        return;
      }
      checkRow(new RowCheck(problems, entity, rowOf(entity, i), keyOf(o), o, options.fieldNames), i);
    });
  };
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v.slice(0, ECHO_MAX) : null);

  each(
    'instruments',
    (o) => str(o.isin),
    (c) => rows.instruments.push(instrument(c)),
  );
  each(
    'parties',
    (o) => str(o.lei),
    (c) => rows.parties.push(party(c)),
  );
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  each(
    'accounts',
    (o) => str(o.account),
    (c) => rows.accounts.push(account(c, today)),
  );
  const owners: KnownOwners = {
    accounts: new Set([...known.accounts, ...rows.accounts.map((a) => a.account)]),
    leis: new Set([...known.leis, ...rows.parties.map((p) => p.lei)]),
  };
  each(
    'ssis',
    (o) => (str(o.owner) && str(o.market) && str(o.currency) ? ssiKey({ owner: str(o.owner)!, market: str(o.market)!, currency: str(o.currency)! }) : null),
    (c) => rows.ssis.push(ssi(c, owners)),
  );
  each(
    'calendars',
    (o) => str(o.code),
    (c, i) => rows.calendars.push(calendar(c, (j) => rowOf('calendars', i, j), options.holidaysAsRows === true)),
  );

  // A key twice in one import is ambiguous (which row wins?): refused, naming every repeat.
  const twice = <T>(entity: ReferentialEntity, list: T[], key: (t: T) => unknown) => {
    const seen = new Set<string>();
    list.forEach((t, i) => {
      const k = key(t);
      if (typeof k !== 'string' || k.length === 0) return;
      if (seen.has(k)) problems.push({ entity, row: rowOf(entity, i), key: k, field: keyField[entity], value: k, rule: RULES.twice });
      seen.add(k);
    });
  };
  twice('instruments', rows.instruments, (r) => r.isin);
  twice('parties', rows.parties, (r) => r.lei);
  twice('accounts', rows.accounts, (r) => r.account);
  twice('ssis', rows.ssis, (r) => (typeof r.owner === 'string' && typeof r.market === 'string' && typeof r.currency === 'string' ? ssiKey(r) : null));
  twice('calendars', rows.calendars, (r) => r.code);
  // Rows that are not objects were not pushed, so positions may be off after one: only matters when
  // there is already a problem, and then nothing is written.
  problems.sort((a, b) => entityOrder(a.entity) - entityOrder(b.entity) || (a.row ?? 0) - (b.row ?? 0));
  return { rows, problems };
}

const keyField: Record<ReferentialEntity, string> = { instruments: 'isin', parties: 'lei', accounts: 'account', ssis: 'owner', calendars: 'code' };
const entityOrder = (e: ReferentialEntity | null) => (e === null ? -1 : REFERENTIAL_ENTITIES.indexOf(e));

const INSTRUMENT_FIELDS = [
  'isin',
  'name',
  'instrumentType',
  'currency',
  'issuerCountry',
  'settlementMarket',
  'placeOfSettlement',
  'liquidityClass',
  'ttfScopeYears',
  'bond',
] as const;
const BOND_FIELDS = ['couponRate', 'couponFrequency', 'dayCount', 'maturityDate'] as const;

function instrument(c: RowCheck): InstrumentData {
  c.fields(INSTRUMENT_FIELDS);
  const isin = c.check<string>('isin', isValidIsin, RULES.isin);
  const name = c.text('name');
  const instrumentType = c.enumeration('instrumentType', INSTRUMENT_TYPES);
  const currency = c.check<string>('currency', isKnownCurrency, RULES.currency);
  const issuerCountry = c.check<string>('issuerCountry', isCountryFormat, RULES.country);
  const settlementMarket = c.o.settlementMarket === undefined ? 'EU' : c.enumeration('settlementMarket', SETTLEMENT_MARKETS);
  const placeOfSettlement = c.check<string>('placeOfSettlement', isBicFormat, `${RULES.bic} (the CSD's)`);
  const liquidityClass = c.enumeration('liquidityClass', LIQUIDITY_CLASSES);
  const ttfScopeYears = years(c);
  const typeKnown = INSTRUMENT_TYPES.includes(instrumentType);
  if (ttfScopeYears.length > 0 && typeKnown && (instrumentType !== 'SHARE' || issuerCountry !== 'FR'))
    c.fail('ttfScopeYears', ttfScopeYears, 'only shares of issuers with their registered office in France are on the TTF list (CGI art. 235 ter ZD)');

  const b = c.o.bond;
  let bond: InstrumentData['bond'] = null;
  if (instrumentType === 'BOND') {
    if (!isObject(b)) c.fail('bond', b, `a BOND needs its terms: { ${BOND_FIELDS.join(', ')} }`);
    else {
      c.fields(BOND_FIELDS, b, 'bond.');
      const couponRate = b.couponRate;
      const parsed = parseDecimalString(couponRate);
      if (!parsed.ok || !parsed.value.gt(0)) c.fail('bond.couponRate', couponRate, RULES.couponRate);
      bond = {
        // One spelling of a number ("0.750" is "0.75"), so re-importing it is not a change.
        couponRate: parsed.ok ? parsed.value.toFixed() : (couponRate as string),
        couponFrequency: c.enumeration('bond.couponFrequency', COUPON_FREQUENCIES, b.couponFrequency),
        dayCount: c.enumeration('bond.dayCount', DAY_COUNTS, b.dayCount),
        maturityDate: c.check<string>('bond.maturityDate', isIsoDate, RULES.isoDate, b.maturityDate),
      };
    }
  } else if (typeKnown && b !== undefined && b !== null) {
    c.fail('bond', b, 'bond terms are for instrumentType BOND only (leave bond out, or null)');
  }
  return { isin, name, instrumentType, currency, issuerCountry, settlementMarket, placeOfSettlement, liquidityClass, ttfScopeYears, bond };
}

/** TTF years: distinct integer years, stored ascending (the order received is not a change). */
function years(c: RowCheck): number[] {
  const v = c.o.ttfScopeYears;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    c.fail('ttfScopeYears', v, 'an array of years, e.g. [2025, 2026]');
    return [];
  }
  const out: number[] = [];
  v.forEach((y, i) => {
    if (!(Number.isInteger(y) && (y as number) >= TTF_FIRST_YEAR && (y as number) <= YEAR_MAX))
      c.fail(`ttfScopeYears[${i}]`, y, `a year from ${TTF_FIRST_YEAR} to ${YEAR_MAX}`);
    else if (out.includes(y as number)) c.fail(`ttfScopeYears[${i}]`, y, 'a year listed twice');
    else out.push(y as number);
  });
  return out.sort((a, b) => a - b);
}

function party(c: RowCheck): PartyData {
  c.fields(['lei', 'name', 'country', 'bic']);
  return {
    lei: c.check<string>('lei', isValidLei, RULES.lei),
    name: c.text('name'),
    country: c.check<string>('country', isCountryFormat, RULES.country),
    bic: c.o.bic === undefined || c.o.bic === null ? null : c.check<string>('bic', isBicFormat, `${RULES.bic}, or null`),
  };
}

const ACCOUNT_FIELDS = [
  'account',
  'clientId',
  'clientName',
  'accountType',
  'book',
  'language',
  'baseCurrency',
  'accountingCategory',
  'costMethod',
  'contacts',
  'email',
  'netting',
  'naturalPerson',
  'noticeDelivery',
] as const;
/** How the client's notices go out by email (AccountRefV1.noticeDelivery). */
const NOTICE_DELIVERIES: ReadonlyArray<NonNullable<AccountRefV1['noticeDelivery']>> = ['IMMEDIATE', 'DAILY'];

function account(c: RowCheck, today: string): AccountData {
  c.fields(ACCOUNT_FIELDS);
  const contacts = contactList(c);
  const firstEmail = contacts.find((x) => x.channel === 'EMAIL')?.address ?? null;
  // Personal data: its problems carry no value (see natural-person.ts).
  const person = readNaturalPerson(c.o.naturalPerson, { accountType: c.o.accountType, today });
  for (const p of person.problems) c.fail(p.field, p.value, p.rule);
  return {
    account: c.check<string>('account', (v) => typeof v === 'string' && ACCOUNT_ID.test(v), RULES.account),
    clientId: c.text('clientId'),
    clientName: c.text('clientName'),
    accountType: c.enumeration('accountType', ['CLIENT', 'PROPRIETARY'] as const),
    book: c.text('book'),
    language: c.enumeration('language', ['fr', 'en'] as const),
    email: firstEmail,
    baseCurrency: c.check<string>('baseCurrency', isKnownCurrency, RULES.currency),
    accountingCategory: c.enumeration('accountingCategory', ACCOUNTING_CATEGORIES),
    costMethod: c.enumeration('costMethod', COST_METHODS),
    contacts,
    netting: c.o.netting === undefined ? false : c.check<boolean>('netting', (v) => typeof v === 'boolean', RULES.boolean),
    naturalPerson: person.person,
    // Left out, the row has no such key: its event stays what it was before the policy existed
    // (consumers read absent as IMMEDIATE), and a stored account re-imported as it was is unchanged.
    ...(c.o.noticeDelivery === undefined
      ? {}
      : { noticeDelivery: c.check<AccountData['noticeDelivery']>('noticeDelivery', (v) => NOTICE_DELIVERIES.includes(v as never), RULES.noticeDelivery) }),
  };
}

/**
 * Contacts in order. `email` alone (the older shape) is read as one EMAIL contact; given with
 * `contacts`, it must be their first EMAIL address, since that is what `email` is published as.
 */
function contactList(c: RowCheck): ContactV1[] {
  const { contacts, email } = c.o;
  if (email !== undefined && email !== null && !(typeof email === 'string' && EMAIL.test(email) && email.length <= 320))
    c.fail('email', email, `${RULES.email}, or null`);
  if (contacts === undefined || contacts === null) return typeof email === 'string' ? [{ channel: 'EMAIL', address: email }] : [];
  if (!Array.isArray(contacts) || contacts.length > CONTACTS_MAX) {
    c.fail('contacts', contacts, `an array of at most ${CONTACTS_MAX} { channel: ${CONTACT_CHANNELS.join(' | ')}, address }`);
    return [];
  }
  const out: ContactV1[] = [];
  contacts.forEach((x, i) => {
    const field = `contacts[${i}]`;
    if (!isObject(x)) return c.fail(field, x, '{ channel, address }');
    c.fields(['channel', 'address'], x, `${field}.`);
    const channel = c.enumeration(`${field}.channel`, CONTACT_CHANNELS, x.channel);
    if (channel === 'EMAIL') c.check(`${field}.address`, (v) => typeof v === 'string' && EMAIL.test(v) && v.length <= 320, RULES.email, x.address);
    if (channel === 'WEBHOOK') c.check(`${field}.address`, isWebhookUrl, RULES.webhook, x.address);
    out.push({ channel, address: x.address as string });
  });
  const firstEmail = out.find((x) => x.channel === 'EMAIL')?.address;
  if (typeof email === 'string' && email !== firstEmail) c.fail('email', email, 'must be the first EMAIL contact when contacts are given (or leave email out)');
  return out;
}

function isWebhookUrl(v: unknown): boolean {
  if (typeof v !== 'string' || v.length > 2000) return false;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

function ssi(c: RowCheck, owners: KnownOwners): SsiData {
  c.fields(['owner', 'market', 'currency', 'placeOfSettlement', 'safekeepingAccount', 'cashAccount', 'agentBic']);
  const owner = c.check<string>(
    'owner',
    (v) => typeof v === 'string' && (owners.accounts.has(v) || owners.leis.has(v)),
    'an account, or the LEI of a party, of this import or of the referential',
  );
  return {
    owner,
    market: c.enumeration('market', SETTLEMENT_MARKETS),
    currency: c.check<string>('currency', isKnownCurrency, RULES.currency),
    placeOfSettlement: c.check<string>('placeOfSettlement', isBicFormat, `${RULES.bic} (the CSD's)`),
    safekeepingAccount: c.text('safekeepingAccount', ACCOUNT_TEXT_MAX, RULES.accountText),
    cashAccount: c.optionalText('cashAccount', ACCOUNT_TEXT_MAX, RULES.optionalAccountText),
    agentBic: c.o.agentBic === undefined || c.o.agentBic === null ? null : c.check<string>('agentBic', isBicFormat, `${RULES.bic}, or null`),
  };
}

function calendar(c: RowCheck, holidayRow: (j: number) => number, holidaysAsRows: boolean): CalendarImport {
  c.fields(['code', 'description', 'weekend', 'holidays']);
  const code = c.check<string>('code', (v) => typeof v === 'string' && CALENDAR_CODE.test(v), RULES.calendarCode);
  const description = c.optionalText('description');
  let weekend: number[] | null = null;
  if (c.o.weekend !== undefined && c.o.weekend !== null) {
    const w = c.o.weekend;
    const ok =
      Array.isArray(w) && w.length < 7 && w.every((d) => Number.isInteger(d) && (d as number) >= 0 && (d as number) <= 6) && new Set(w).size === w.length;
    if (!ok) c.fail('weekend', w, 'distinct days of the week, 0 (Sunday) to 6 (Saturday), fewer than seven');
    weekend = ok ? [...(w as number[])].sort((a, b) => a - b) : [];
  }
  const h = c.o.holidays;
  const holidays: CalendarData['holidays'] = [];
  if (!Array.isArray(h) || h.length > CALENDAR_HOLIDAYS_IMPORT_MAX) {
    c.fail('holidays', h, `required: an array of at most ${CALENDAR_HOLIDAYS_IMPORT_MAX} { date, name }`);
    return { code, description, weekend, holidays };
  }
  const seen = new Set<unknown>();
  h.forEach((x, j) => {
    const row = holidayRow(j);
    const field = (f: string) => (holidaysAsRows ? f : `holidays[${j}].${f}`);
    if (!isObject(x)) return c.fail(holidaysAsRows ? '(row)' : `holidays[${j}]`, x, '{ date, name }', row);
    for (const k of Object.keys(x)) if (k !== 'date' && k !== 'name') c.fail(field(k), x[k], 'unknown field; expected date, name', row);
    if (!isIsoDate(x.date)) c.fail(field('date'), x.date, RULES.isoDate, row);
    else if (seen.has(x.date)) c.fail(field('date'), x.date, 'a date listed twice in this calendar', row);
    if (!isText(x.name, TEXT_MAX)) c.fail(field('name'), x.name, RULES.text, row);
    seen.add(x.date);
    holidays.push({ date: x.date as string, name: x.name as string });
  });
  holidays.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return { code, description, weekend, holidays };
}

/** The SSI owners a request names, to look up in the database before validating it. */
export function ssiOwnersOf(body: unknown): string[] {
  if (!isObject(body) || !Array.isArray(body.ssis)) return [];
  const owners = body.ssis.map((s) => (isObject(s) && typeof s.owner === 'string' ? s.owner : null)).filter((o): o is string => o !== null);
  return [...new Set(owners)].slice(0, IMPORT_ROWS_MAX);
}
