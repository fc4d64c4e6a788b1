import { describe, expect, it } from '@jest/globals';
import { concatProblems, readNaturalPerson } from './natural-person.js';
import { validateImport, type KnownOwners } from './referential-rules.js';

const TODAY = '2026-12-05';
const CLIENT = { accountType: 'CLIENT', today: TODAY };
/** Jean Dupont, French, born on 1 January 1980: France identifies its nationals by CONCAT (RTS 22 annex II). */
const JEAN = { firstName: 'Jean', name: 'Dupont', birthDate: '1980-01-01', nationalId: 'FR19800101JEAN#DUPON', scheme: 'CONCAT' };
/** Anna Peeters, Belgian: her national register number, country code first. */
const ANNA = { firstName: 'Anna', name: 'Peeters', birthDate: '1975-06-30', nationalId: 'BE75063012345', scheme: 'NIDN' };

const fields = (r: { problems: Array<{ field: string }> }) => r.problems.map((p) => p.field);

describe('CONCAT (RTS 22 art. 6(4)–(5)): country, birth date YYYYMMDD, five letters of the first name, five of the surname', () => {
  it('accepts FR19800101JEAN#DUPON for Jean Dupont born 1980-01-01: FR + 19800101 + JEAN# + DUPON, 20 characters', () => {
    const id = 'FR' + '19800101' + 'JEAN#' + 'DUPON';
    expect(id).toBe('FR19800101JEAN#DUPON');
    expect(id).toHaveLength(20);
    expect(concatProblems(id, '1980-01-01')).toEqual([]);
  });

  it('names a wrong length, a country not in capitals and a birth date other than the one given, each once', () => {
    // The surname not cut at five letters, the country in lower case, born on the 2nd by the id and the 1st by the record.
    expect(concatProblems('fr19800102JEAN#DUPONT', '1980-01-01')).toEqual([
      'a CONCAT is 20 characters: country (2), birth date YYYYMMDD (8), first name (5), surname (5)',
      'characters 1–2 of a CONCAT: the ISO 3166 alpha-2 country of the nationality, in capitals',
      'characters 3–10 of a CONCAT must be the birthDate given, as YYYYMMDD',
    ]);
  });

  it('names a date that is no date, and padding inside the first name', () => {
    expect(concatProblems('FR19801301JE#ANDUP##', '1980-01-13')).toEqual([
      'characters 3–10 of a CONCAT: the birth date as YYYYMMDD',
      'characters 11–15 of a CONCAT: the first five letters of the first name in capitals, # after a shorter one',
    ]);
  });

  it('names a surname of digits and a first name of padding alone', () => {
    expect(concatProblems('FR19800101#####12345', '1980-01-01')).toEqual([
      'characters 11–15 of a CONCAT: the first five letters of the first name in capitals, # after a shorter one',
      'characters 16–20 of a CONCAT: the first five letters of the surname in capitals (prefixes left out), # after a shorter one',
    ]);
  });

  it('reads every part of a short id: the missing surname is named besides the length', () => {
    expect(concatProblems('FR19800101JEAN#', '1980-01-01')).toEqual([
      'a CONCAT is 20 characters: country (2), birth date YYYYMMDD (8), first name (5), surname (5)',
      'characters 16–20 of a CONCAT: the first five letters of the surname in capitals (prefixes left out), # after a shorter one',
    ]);
  });

  it('checks the form alone when the birth date given is unusable (its own problem is named elsewhere)', () => {
    expect(concatProblems('FR19800101JEAN#DUPON', null)).toEqual([]);
  });
});

describe('readNaturalPerson', () => {
  it('takes a CONCAT person and a NIDN person as given', () => {
    expect(readNaturalPerson(JEAN, CLIENT)).toEqual({ person: JEAN, problems: [] });
    expect(readNaturalPerson(ANNA, CLIENT)).toEqual({ person: ANNA, problems: [] });
    expect(readNaturalPerson({ ...ANNA, scheme: 'CCPT', nationalId: 'BEEM123456' }, CLIENT).problems).toEqual([]);
  });

  it('reads absent or null as no natural person', () => {
    expect(readNaturalPerson(undefined, CLIENT)).toEqual({ person: null, problems: [] });
    expect(readNaturalPerson(null, CLIENT)).toEqual({ person: null, problems: [] });
  });

  it('wants all five fields or none, naming each one missing', () => {
    const r = readNaturalPerson({ firstName: 'Jean', name: 'Dupont', birthDate: '', nationalId: null }, CLIENT);
    expect(r.person).toBeNull();
    expect(fields(r)).toEqual(['naturalPerson.birthDate', 'naturalPerson.nationalId', 'naturalPerson.scheme']);
    expect(r.problems[0]!.rule).toMatch(/all of first name, name, birth date, national id and its scheme .* or by none of them/);
    expect(fields(readNaturalPerson({}, CLIENT))).toHaveLength(5);
  });

  it('wants a birth date in the past, not before 1900', () => {
    const rule = (birthDate: string) => readNaturalPerson({ ...ANNA, birthDate }, CLIENT).problems.map((p) => `${p.field}: ${p.rule}`);
    expect(rule('1899-12-31')).toEqual(['naturalPerson.birthDate: a birth date not before 1900-01-01']);
    expect(rule('1900-01-01')).toEqual([]);
    expect(rule(TODAY)).toEqual(['naturalPerson.birthDate: a birth date in the past (before today)']);
    expect(rule('2031-01-01')).toEqual(['naturalPerson.birthDate: a birth date in the past (before today)']);
    expect(rule('1980-02-30')).toEqual(['naturalPerson.birthDate: an ISO date (YYYY-MM-DD)']);
    expect(rule('01/01/1980')).toEqual(['naturalPerson.birthDate: an ISO date (YYYY-MM-DD)']);
  });

  it('wants a scheme of NIDN, CCPT or CONCAT, and an NIDN or CCPT id of the country code then up to 33 capitals and digits', () => {
    expect(readNaturalPerson({ ...ANNA, scheme: 'PASSPORT' }, CLIENT).problems).toEqual([
      { field: 'naturalPerson.scheme', value: 'PASSPORT', rule: 'one of NIDN, CCPT, CONCAT' },
    ]);
    const id = (nationalId: string) => fields(readNaturalPerson({ ...ANNA, nationalId }, CLIENT));
    expect(id(`BE${'1'.repeat(33)}`)).toEqual([]); // 35 characters
    expect(id(`BE${'1'.repeat(34)}`)).toEqual(['naturalPerson.nationalId']);
    expect(id('75063012345')).toEqual(['naturalPerson.nationalId']); // no country code
    expect(id('BE 75.06.30-123.45')).toEqual(['naturalPerson.nationalId']);
    expect(id('be75063012345')).toEqual(['naturalPerson.nationalId']);
  });

  it('checks a CONCAT id against the birth date given with it', () => {
    const r = readNaturalPerson({ ...JEAN, birthDate: '1980-01-02' }, CLIENT);
    expect(r.problems).toEqual([{ field: 'naturalPerson.nationalId', rule: 'characters 3–10 of a CONCAT must be the birthDate given, as YYYYMMDD' }]);
  });

  it('names every problem of a person at once, none with the value: it is personal data', () => {
    const r = readNaturalPerson(
      { firstName: ' ', name: 'x'.repeat(141), birthDate: '1880-05-01', nationalId: 'FR18800501JEAN', scheme: 'CONCAT', nationality: 'FR' },
      CLIENT,
    );
    expect(fields(r)).toEqual([
      'naturalPerson.nationality',
      'naturalPerson.firstName',
      'naturalPerson.name',
      'naturalPerson.birthDate',
      'naturalPerson.nationalId', // 14 characters,
      'naturalPerson.nationalId', // JEAN not padded to five,
      'naturalPerson.nationalId', // no surname
    ]);
    expect(r.problems.some((p) => 'value' in p)).toBe(false);
  });

  it('refuses a natural person on a proprietary book, and a value that is not an object', () => {
    expect(readNaturalPerson(JEAN, { accountType: 'PROPRIETARY', today: TODAY }).problems).toEqual([
      { field: 'naturalPerson', rule: 'natural-person data only on a CLIENT account (a proprietary book is the firm itself)' },
    ]);
    expect(fields(readNaturalPerson('FR19800101JEAN#DUPON', CLIENT))).toEqual(['naturalPerson']);
  });
});

describe('validateImport — an account with a natural person', () => {
  const NOTHING_STORED: KnownOwners = { accounts: new Set(), leis: new Set() };
  const account = {
    account: 'CLI-0042',
    clientId: 'C0042',
    clientName: 'M. Jean Dupont',
    accountType: 'CLIENT',
    book: 'CLIENTS',
    language: 'fr',
    baseCurrency: 'EUR',
    accountingCategory: 'PLACEMENT',
    costMethod: 'CMP',
  };

  it('builds the account with its natural person, in the published shape', () => {
    const { rows, problems } = validateImport({ accounts: [{ ...account, naturalPerson: JEAN }] }, NOTHING_STORED, { today: TODAY });
    expect(problems).toEqual([]);
    expect(rows.accounts[0]).toMatchObject({ account: 'CLI-0042', naturalPerson: JEAN });
  });

  it('names the row, the account and the field of each problem, without the personal value', () => {
    const { problems } = validateImport(
      {
        accounts: [
          { ...account, naturalPerson: { ...JEAN, nationalId: 'FR19800102JEAN#DUPON' } },
          { ...account, account: 'PROP-X', accountType: 'PROPRIETARY', naturalPerson: JEAN },
        ],
      },
      NOTHING_STORED,
      { today: TODAY },
    );
    expect(problems).toEqual([
      {
        entity: 'accounts',
        row: 1,
        key: 'CLI-0042',
        field: 'naturalPerson.nationalId',
        rule: 'characters 3–10 of a CONCAT must be the birthDate given, as YYYYMMDD',
      },
      { entity: 'accounts', row: 2, key: 'PROP-X', field: 'naturalPerson', rule: expect.stringContaining('only on a CLIENT account') },
    ]);
  });
});
