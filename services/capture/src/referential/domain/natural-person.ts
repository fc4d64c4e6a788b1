import type { AccountRefV1 } from '@postera/contracts';
import { isIsoDate } from '@postera/kernel';

/**
 * The client of an account as a natural person, as MiFIR transaction reports identify one (RTS 22,
 * Commission Delegated Regulation (EU) 2017/590, art. 6 and annex II; buyer and seller fields 7, 9–11
 * and 16, 18–20): first name(s), surname(s), birth date and the national client identifier with
 * its scheme. Every field is personal data: a problem names the field and the rule, never the value
 * (problems go back to the operator, into the gateway's records and into boot errors), except the
 * scheme, which says nothing about the person.
 */

export type NaturalPerson = NonNullable<AccountRefV1['naturalPerson']>;
export const NATIONAL_ID_SCHEMES = ['NIDN', 'CCPT', 'CONCAT'] as const satisfies ReadonlyArray<NaturalPerson['scheme']>;
export const NATURAL_PERSON_FIELDS = ['firstName', 'name', 'birthDate', 'nationalId', 'scheme'] as const;

/** Nobody born before this date is still a client: an earlier one is a typing mistake. */
export const BIRTH_DATE_MIN = '1900-01-01';
/** What auth.016 holds for FrstNm and Nm. */
const NAME_MAX = 140;
/** The longest national identifier RTS 22 allows, country code included. */
const NATIONAL_ID_MAX = 35;
/** Country code, birth date, five letters of the first name, five of the surname. */
const CONCAT_LENGTH = 20;

const FIELD = 'naturalPerson';
/** Five characters: letters, then `#` to pad a shorter name. */
const NAME_BLOCK = /^(?=.{5}$)[A-Z]+#*$/;
const COUNTRY = /^[A-Z]{2}$/;
/** NIDN and CCPT: the country code of the nationality first (art. 6(1)), then the identifier in capitals and digits. */
const NATIONAL_ID = new RegExp(`^[A-Z]{2}[A-Z0-9]{1,${NATIONAL_ID_MAX - 2}}$`);

export interface PersonProblem {
  /** `naturalPerson` or `naturalPerson.<field>`. */
  field: string;
  /** Only for values that are not personal data (the scheme). */
  value?: unknown;
  rule: string;
}

const RULES = {
  object: `an object { ${NATURAL_PERSON_FIELDS.join(', ')} }, or null`,
  unknown: `unknown field; expected ${NATURAL_PERSON_FIELDS.join(', ')}`,
  whole:
    'required with the others: a natural person is identified by all of first name, name, birth date, national id and its scheme (RTS 22 art. 6), or by none of them',
  clientOnly: 'natural-person data only on a CLIENT account (a proprietary book is the firm itself)',
  firstName: `the first name(s): a non-blank string of at most ${NAME_MAX} characters`,
  name: `the surname(s): a non-blank string of at most ${NAME_MAX} characters`,
  birthDate: 'an ISO date (YYYY-MM-DD)',
  birthDateMin: `a birth date not before ${BIRTH_DATE_MIN}`,
  birthDatePast: 'a birth date in the past (before today)',
  scheme: `one of ${NATIONAL_ID_SCHEMES.join(', ')}`,
  nationalId: `the country code of the nationality (ISO 3166 alpha-2) then the identifier: 3 to ${NATIONAL_ID_MAX} capital letters and digits, no spaces (RTS 22 art. 6(1))`,
  concatLength: `a CONCAT is ${CONCAT_LENGTH} characters: country (2), birth date YYYYMMDD (8), first name (5), surname (5)`,
  concatCountry: 'characters 1–2 of a CONCAT: the ISO 3166 alpha-2 country of the nationality, in capitals',
  concatDate: 'characters 3–10 of a CONCAT: the birth date as YYYYMMDD',
  concatBirthDate: 'characters 3–10 of a CONCAT must be the birthDate given, as YYYYMMDD',
  concatFirstName: 'characters 11–15 of a CONCAT: the first five letters of the first name in capitals, # after a shorter one',
  concatSurname: 'characters 16–20 of a CONCAT: the first five letters of the surname in capitals (prefixes left out), # after a shorter one',
} as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.trim().length > 0 && v.length <= max;
const given = (v: unknown) => v !== undefined && v !== null && v !== '';

/**
 * An account's `naturalPerson` as imported: absent or null is none; otherwise all five fields, each
 * valid, and only on a CLIENT account. Returns the person (null when none or when refused) and
 * every problem.
 */
export function readNaturalPerson(
  value: unknown,
  account: { accountType: unknown; today: string },
): { person: NaturalPerson | null; problems: PersonProblem[] } {
  if (value === undefined || value === null) return { person: null, problems: [] };
  if (!isObject(value)) return { person: null, problems: [{ field: FIELD, rule: RULES.object }] };
  const problems: PersonProblem[] = [];
  const fail = (field: string, rule: string, v?: unknown) => problems.push({ field: `${FIELD}.${field}`, ...(v === undefined ? {} : { value: v }), rule });

  for (const k of Object.keys(value)) if (!(NATURAL_PERSON_FIELDS as readonly string[]).includes(k)) fail(k, RULES.unknown);
  const missing = NATURAL_PERSON_FIELDS.filter((f) => !given(value[f]));
  // Nothing at all in an object is still a person half-described: the operator meant to send one.
  for (const f of missing) fail(f, RULES.whole);
  if (account.accountType === 'PROPRIETARY') problems.push({ field: FIELD, rule: RULES.clientOnly });

  const { firstName, name, birthDate, nationalId, scheme } = value;
  if (given(firstName) && !isText(firstName, NAME_MAX)) fail('firstName', RULES.firstName);
  if (given(name) && !isText(name, NAME_MAX)) fail('name', RULES.name);
  if (given(birthDate)) for (const rule of birthDateProblems(birthDate, account.today)) fail('birthDate', rule);
  const schemeKnown = (NATIONAL_ID_SCHEMES as readonly unknown[]).includes(scheme);
  if (given(scheme) && !schemeKnown) fail('scheme', RULES.scheme, scheme);
  // Which form the id must have depends on the scheme: with no usable scheme there is nothing to check it against.
  if (given(nationalId) && schemeKnown) {
    const rules =
      scheme === 'CONCAT'
        ? concatProblems(nationalId, isIsoDate(birthDate) ? birthDate : null)
        : typeof nationalId === 'string' && NATIONAL_ID.test(nationalId)
          ? []
          : [RULES.nationalId];
    for (const rule of rules) fail('nationalId', rule);
  }
  if (problems.length > 0) return { person: null, problems };
  return {
    person: {
      firstName: firstName as string,
      name: name as string,
      birthDate: birthDate as string,
      nationalId: nationalId as string,
      scheme: scheme as NaturalPerson['scheme'],
    },
    problems,
  };
}

function birthDateProblems(birthDate: unknown, today: string): string[] {
  if (!isIsoDate(birthDate)) return [RULES.birthDate];
  if (birthDate < BIRTH_DATE_MIN) return [RULES.birthDateMin];
  if (birthDate >= today) return [RULES.birthDatePast];
  return [];
}

/**
 * The rules a CONCAT breaks, each named once (none: a valid CONCAT). RTS 22 art. 6(4)–(5), for the
 * nationalities annex II gives CONCAT to (France first among them): the country code of the
 * nationality (art. 6(1)), then the birth date as YYYYMMDD, the first five characters of the first
 * name and the first five of the surname, prefixes to names left out and a name shorter than five
 * padded with `#` — `FR19800101JEAN#DUPON` for Jean Dupont, French, born on 1 January 1980. Each
 * part is read at its position even when the length is wrong, so that every problem is named at
 * once. The birth date must be the one given with it. The name blocks are checked for their form
 * only: ESMA's normalisation (prefixes such as de, van or von dropped, titles dropped, accents
 * transliterated, apostrophes and hyphens removed) would refuse correct codes if applied by rote.
 */
export function concatProblems(id: unknown, birthDate: string | null): string[] {
  if (typeof id !== 'string') return [RULES.concatLength];
  const problems: string[] = [];
  if (id.length !== CONCAT_LENGTH) problems.push(RULES.concatLength);
  if (!COUNTRY.test(id.slice(0, 2))) problems.push(RULES.concatCountry);
  const digits = id.slice(2, 10);
  const date = /^\d{8}$/.test(digits) ? `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}` : null;
  if (date === null || !isIsoDate(date)) problems.push(RULES.concatDate);
  else if (birthDate !== null && date !== birthDate) problems.push(RULES.concatBirthDate);
  if (!NAME_BLOCK.test(id.slice(10, 15))) problems.push(RULES.concatFirstName);
  if (!NAME_BLOCK.test(id.slice(15, 20))) problems.push(RULES.concatSurname);
  return problems;
}
