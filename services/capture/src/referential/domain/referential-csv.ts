import { parseCsv } from './csv.js';
import { IMPORT_ROWS_MAX, type ImportProblem, type ReferentialEntity } from './referential-rules.js';

/**
 * A CSV file of one entity → the JSON import shape, so both go through the same rules. The header
 * names the columns (the JSON field names; bond terms are the columns couponRate, couponFrequency,
 * dayCount and maturityDate); an empty cell is a value left out. Lists sit in one cell, separated
 * by `;`: ttfScopeYears `2025;2026`, contacts `EMAIL:a@b.fr;WEBHOOK:https://…`. An account's natural
 * person is the columns firstName, lastName, birthDate, nationalId and nationalIdScheme (all or none),
 * and its problems name those columns.
 * `calendar-holidays` rows (code, date, name) are grouped into one calendar per code, whose
 * holidays they replace whole; its description and weekend are kept.
 */

export const CSV_ENTITIES = ['instruments', 'parties', 'accounts', 'ssis', 'calendar-holidays'] as const;
export type CsvEntity = (typeof CSV_ENTITIES)[number];

const COLUMNS: Record<CsvEntity, { required: string[]; optional: string[] }> = {
  instruments: {
    required: ['isin', 'name', 'instrumentType', 'currency', 'issuerCountry', 'placeOfSettlement', 'liquidityClass'],
    optional: ['settlementMarket', 'ttfScopeYears', 'couponRate', 'couponFrequency', 'dayCount', 'maturityDate'],
  },
  parties: { required: ['lei', 'name', 'country'], optional: ['bic'] },
  accounts: {
    required: ['account', 'clientId', 'clientName', 'accountType', 'book', 'language', 'baseCurrency', 'accountingCategory', 'costMethod'],
    optional: ['email', 'contacts', 'netting', 'noticeDelivery', 'firstName', 'lastName', 'birthDate', 'nationalId', 'nationalIdScheme'],
  },
  ssis: { required: ['owner', 'market', 'currency', 'placeOfSettlement', 'safekeepingAccount'], optional: ['cashAccount', 'agentBic'] },
  'calendar-holidays': { required: ['code', 'date', 'name'], optional: [] },
};

/** An account's natural person in columns of its own: the field of `naturalPerson` each column fills. */
const NATURAL_PERSON_COLUMNS = {
  firstName: 'firstName',
  lastName: 'name',
  birthDate: 'birthDate',
  nationalId: 'nationalId',
  nationalIdScheme: 'scheme',
} as const;
/** How the rules' problems name those fields in a CSV file: by their column. */
const FIELD_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(NATURAL_PERSON_COLUMNS).map(([column, field]) => [`naturalPerson.${field}`, column]),
);

export function entityOfCsv(e: CsvEntity): ReferentialEntity {
  return e === 'calendar-holidays' ? 'calendars' : e;
}

export interface CsvImport {
  /** The rows in the JSON import shape (what validateImport reads). */
  body: Partial<Record<ReferentialEntity, unknown[]>>;
  /** The file row of a problem: row i of the body, or holiday j of calendar i. */
  rowOf: (entity: ReferentialEntity, index: number, holidayIndex?: number) => number;
  /** Problems of the file itself (syntax, header, row length); when any, the body is not worth validating. */
  problems: ImportProblem[];
  /** How problems name nested fields that came from columns (naturalPerson.birthDate → birthDate). */
  fieldNames: Readonly<Record<string, string>>;
}

export function csvToImport(entity: CsvEntity, text: string): CsvImport {
  const target = entityOfCsv(entity);
  const problem = (row: number | null, field: string, rule: string, value?: unknown): ImportProblem => ({
    entity: target,
    row,
    key: null,
    field,
    ...(value === undefined ? {} : { value }),
    rule,
  });
  const none: CsvImport = { body: {}, rowOf: (_e, i) => i + 1, problems: [], fieldNames: FIELD_NAMES };
  const parsed = parseCsv(text);
  if (!parsed.ok) return { ...none, problems: [problem(parsed.row, `(column ${parsed.column})`, `CSV (RFC 4180): ${parsed.problem}`)] };
  const [header, ...records] = parsed.records;
  if (!header) return { ...none, problems: [problem(1, '(header)', 'a header row naming the columns')] };

  const { required, optional } = COLUMNS[entity];
  const names = header.fields;
  const problems: ImportProblem[] = [];
  names.forEach((n, i) => {
    if (![...required, ...optional].includes(n)) problems.push(problem(1, n, `unknown column; expected ${[...required, ...optional].join(', ')}`));
    else if (names.indexOf(n) !== i) problems.push(problem(1, n, 'a column named twice'));
  });
  for (const r of required) if (!names.includes(r)) problems.push(problem(1, r, 'a required column is missing'));
  if (records.length > IMPORT_ROWS_MAX) problems.push(problem(null, '(file)', `at most ${IMPORT_ROWS_MAX} rows per import (split the file)`, records.length));
  for (const rec of records)
    if (rec.fields.length !== names.length) problems.push(problem(rec.row, '(row)', `${names.length} fields as in the header, not ${rec.fields.length}`));
  if (problems.length > 0) return { ...none, problems };

  const objects = records.map((rec) => {
    const o: Record<string, string> = {};
    names.forEach((n, i) => {
      if (rec.fields[i] !== '') o[n] = rec.fields[i]!;
    });
    return { row: rec.row, o };
  });

  if (entity === 'calendar-holidays') {
    const byCode = new Map<string, { rows: number[]; holidays: Array<Record<string, string>> }>();
    for (const { row, o } of objects) {
      const code = o.code ?? '';
      const cal = byCode.get(code) ?? { rows: [], holidays: [] };
      cal.rows.push(row);
      const { code: _code, ...holiday } = o;
      cal.holidays.push(holiday);
      byCode.set(code, cal);
    }
    const cals = [...byCode.entries()];
    return {
      body: { calendars: cals.map(([code, c]) => ({ code, holidays: c.holidays })) },
      rowOf: (_e, i, j) => cals[i]![1].rows[j ?? 0]!,
      problems: [],
      fieldNames: FIELD_NAMES,
    };
  }
  return { body: { [target]: objects.map(({ o }) => shape(entity, o)) }, rowOf: (_e, i) => objects[i]!.row, problems: [], fieldNames: FIELD_NAMES };
}

/** Cells (strings) → the JSON values of the entity; a cell that does not convert is passed as it is, for the rules to name. */
function shape(entity: Exclude<CsvEntity, 'calendar-holidays'>, o: Record<string, string>): Record<string, unknown> {
  switch (entity) {
    case 'instruments': {
      const { couponRate, couponFrequency, dayCount, maturityDate, ttfScopeYears, ...rest } = o;
      const anyBond = [couponRate, couponFrequency, dayCount, maturityDate].some((v) => v !== undefined);
      return {
        ...rest,
        ...(ttfScopeYears === undefined ? {} : { ttfScopeYears: list(ttfScopeYears).map(integer) }),
        ...(anyBond ? { bond: { couponRate, couponFrequency: integer(couponFrequency), dayCount, maturityDate } } : {}),
      };
    }
    case 'accounts': {
      const { contacts, netting, firstName, lastName, birthDate, nationalId, nationalIdScheme, ...rest } = o;
      const person = { firstName, name: lastName, birthDate, nationalId, scheme: nationalIdScheme };
      // Any of the columns filled makes a natural person, for the rules to want all of them.
      const anyPerson = Object.values(person).some((v) => v !== undefined);
      return {
        ...rest,
        ...(anyPerson ? { naturalPerson: person } : {}),
        ...(netting === undefined ? {} : { netting: netting === 'true' ? true : netting === 'false' ? false : netting }),
        ...(contacts === undefined
          ? {}
          : {
              contacts: list(contacts).map((c) => {
                const at = c.indexOf(':');
                return at < 0 ? { channel: c } : { channel: c.slice(0, at), address: c.slice(at + 1) };
              }),
            }),
      };
    }
    case 'parties':
    case 'ssis':
      return o;
  }
}

const list = (cell: string) =>
  cell
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
const integer = (cell: string | undefined): unknown => (cell !== undefined && /^[0-9]{1,9}$/.test(cell) ? Number(cell) : cell);
