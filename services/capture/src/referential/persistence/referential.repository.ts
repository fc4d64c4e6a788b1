import type { AccountRefV1, CalendarRefV1, InstrumentRefV1, PartyRefV1, SsiRefV1 } from '@postera/contracts';
import type { EntityManager } from 'typeorm';
import type { ReferentialEntity } from '../domain/referential-rules.js';

/**
 * The referential's tables (schema capture): reads map rows to the refdata.*.v1 payloads; writes
 * are one statement per entity whatever the row count (jsonb_to_recordset: one parameter, typed
 * columns, arrays included).
 */

type Db = Pick<EntityManager, 'query'>;

export type ReferentialRow = InstrumentRefV1 | PartyRefV1 | AccountRefV1 | SsiRefV1 | CalendarRefV1;

/** How to read one entity: its select list, its key as an SQL expression, and the row → payload mapping. */
interface Readable<T> {
  select: string;
  key: string;
  map: (r: Record<string, unknown>) => T;
}

const INSTRUMENTS: Readable<InstrumentRefV1> = {
  select: `SELECT isin, name, instrument_type, currency, issuer_country, settlement_market, place_of_settlement, liquidity_class,
      ttf_scope_years, coupon_rate::text AS coupon_rate, coupon_frequency, day_count, maturity_date::text AS maturity_date, version
    FROM capture.instruments`,
  key: 'isin',
  map: (r) => ({
    isin: r.isin as string,
    name: r.name as string,
    instrumentType: r.instrument_type as InstrumentRefV1['instrumentType'],
    currency: r.currency as string,
    issuerCountry: r.issuer_country as string,
    settlementMarket: r.settlement_market as InstrumentRefV1['settlementMarket'],
    placeOfSettlement: r.place_of_settlement as string,
    liquidityClass: r.liquidity_class as InstrumentRefV1['liquidityClass'],
    ttfScopeYears: r.ttf_scope_years as number[],
    bond:
      r.coupon_rate === null
        ? null
        : {
            couponRate: r.coupon_rate as string,
            couponFrequency: r.coupon_frequency as 1 | 2 | 4 | 12,
            dayCount: r.day_count as NonNullable<InstrumentRefV1['bond']>['dayCount'],
            maturityDate: r.maturity_date as string,
          },
    version: r.version as number,
  }),
};

const PARTIES: Readable<PartyRefV1> = {
  select: `SELECT lei, name, country, bic, version FROM capture.parties`,
  key: 'lei',
  map: (r) => ({ lei: r.lei as string, name: r.name as string, country: r.country as string, bic: r.bic as string | null, version: r.version as number }),
};

const ACCOUNTS: Readable<AccountRefV1> = {
  select: `SELECT account, client_id, client_name, account_type, book, language, email, base_currency, accounting_category, cost_method,
      contacts, netting, natural_person_first_name, natural_person_name, natural_person_birth_date::text AS natural_person_birth_date,
      natural_person_national_id, natural_person_id_scheme, notice_delivery, version
    FROM capture.accounts`,
  key: 'account',
  map: (r) => ({
    account: r.account as string,
    clientId: r.client_id as string,
    clientName: r.client_name as string,
    accountType: r.account_type as AccountRefV1['accountType'],
    book: r.book as string,
    language: r.language as AccountRefV1['language'],
    email: r.email as string | null,
    baseCurrency: r.base_currency as string,
    accountingCategory: r.accounting_category as AccountRefV1['accountingCategory'],
    costMethod: r.cost_method as AccountRefV1['costMethod'],
    contacts: r.contacts as AccountRefV1['contacts'],
    netting: r.netting as boolean,
    // All five columns or none (a constraint of the table): the first name stands for the person.
    naturalPerson:
      r.natural_person_first_name === null
        ? null
        : {
            firstName: r.natural_person_first_name as string,
            name: r.natural_person_name as string,
            birthDate: r.natural_person_birth_date as string,
            nationalId: r.natural_person_national_id as string,
            scheme: r.natural_person_id_scheme as NonNullable<AccountRefV1['naturalPerson']>['scheme'],
          },
    // Null: never chosen; the payload then has no such key, as before the policy existed.
    ...(r.notice_delivery === null ? {} : { noticeDelivery: r.notice_delivery as NonNullable<AccountRefV1['noticeDelivery']> }),
    version: r.version as number,
  }),
};

const SSIS: Readable<SsiRefV1> = {
  select: `SELECT owner, market, currency, place_of_settlement, safekeeping_account, cash_account, agent_bic, version FROM capture.ssis`,
  key: `(owner || ':' || market || ':' || currency)`,
  map: (r) => ({
    owner: r.owner as string,
    market: r.market as SsiRefV1['market'],
    currency: r.currency as string,
    placeOfSettlement: r.place_of_settlement as string,
    safekeepingAccount: r.safekeeping_account as string,
    cashAccount: r.cash_account as string | null,
    agentBic: r.agent_bic as string | null,
    version: r.version as number,
  }),
};

const CALENDARS: Readable<CalendarRefV1> = {
  select: `SELECT c.code, c.description, c.weekend, c.version,
      COALESCE((SELECT json_agg(json_build_object('date', h.date::text, 'name', h.name) ORDER BY h.date)
                FROM capture.calendar_holidays h WHERE h.code = c.code), '[]'::json) AS holidays
    FROM capture.calendars c`,
  key: 'c.code',
  map: (r) => ({
    code: r.code as string,
    description: r.description as string,
    weekend: r.weekend as number[],
    holidays: r.holidays as CalendarRefV1['holidays'],
    version: r.version as number,
  }),
};

const READABLE: { [E in ReferentialEntity]: Readable<ReferentialRow> } = {
  instruments: INSTRUMENTS,
  parties: PARTIES,
  accounts: ACCOUNTS,
  ssis: SSIS,
  calendars: CALENDARS,
};

async function select<T>(db: Db, r: Readable<T>, where: string, params: unknown[]): Promise<T[]> {
  const rows = (await db.query(`${r.select} ${where}`, params)) as Array<Record<string, unknown>>;
  return rows.map(r.map);
}

/** The stored rows of an entity with these keys. */
export async function loadByKeys<E extends ReferentialEntity>(db: Db, entity: E, keys: string[]): Promise<Map<string, EntityRow<E>>> {
  const r = READABLE[entity];
  const rows = keys.length === 0 ? [] : await select(db, r, `WHERE ${r.key} = ANY($1::text[])`, [[...new Set(keys)]]);
  return new Map(rows.map((row) => [keyOf(entity, row), row as EntityRow<E>]));
}

/** One page of an entity in key order, after the given key (exclusive). */
export async function listPage(db: Db, entity: ReferentialEntity, after: string | null, limit: number): Promise<ReferentialRow[]> {
  const r = READABLE[entity];
  return select(db, r, `WHERE $1::text IS NULL OR ${r.key} > $1 ORDER BY ${r.key} LIMIT $2`, [after, limit]);
}

export type EntityRow<E extends ReferentialEntity> = {
  instruments: InstrumentRefV1;
  parties: PartyRefV1;
  accounts: AccountRefV1;
  ssis: SsiRefV1;
  calendars: CalendarRefV1;
}[E];

export function keyOf(entity: ReferentialEntity, row: ReferentialRow): string {
  switch (entity) {
    case 'instruments':
      return (row as InstrumentRefV1).isin;
    case 'parties':
      return (row as PartyRefV1).lei;
    case 'accounts':
      return (row as AccountRefV1).account;
    case 'ssis': {
      const s = row as SsiRefV1;
      return `${s.owner}:${s.market}:${s.currency}`;
    }
    case 'calendars':
      return (row as CalendarRefV1).code;
  }
}

/** Each entity's rows a batch of trades refers to, keyed as keyOf keys them (SSIs as a list). */
export interface TradeReferentialRows {
  accounts: Map<string, AccountRefV1>;
  instruments: Map<string, InstrumentRefV1>;
  parties: Map<string, PartyRefV1>;
  ssis: SsiRefV1[];
  calendars: CalendarRefV1[];
}

/**
 * What a batch of trades refers to, in one statement: the accounts, instruments and parties of
 * these keys, the SSIs of those owners (accounts and LEIs), every calendar with its holidays. Each
 * entity's rows come back as one JSON array of the entity's own select, mapped by its own mapping
 * (every column there is text, integer, boolean, an array of them or JSON: the same values through
 * JSON as through the driver). One round trip instead of five, on every batch of executions: at
 * low load each batch is one execution.
 */
export async function loadTradeReferentialRows(db: Db, keys: { accounts: string[]; isins: string[]; leis: string[] }): Promise<TradeReferentialRows> {
  const rowsOf = (r: Readable<unknown>, where: string) => `(SELECT coalesce(json_agg(x), '[]'::json) FROM (${r.select} ${where}) x)`;
  const [row] = (await db.query(
    `SELECT ${rowsOf(ACCOUNTS, `WHERE ${ACCOUNTS.key} = ANY($1::text[])`)} AS accounts,
            ${rowsOf(INSTRUMENTS, `WHERE ${INSTRUMENTS.key} = ANY($2::text[])`)} AS instruments,
            ${rowsOf(PARTIES, `WHERE ${PARTIES.key} = ANY($3::text[])`)} AS parties,
            ${rowsOf(SSIS, `WHERE owner = ANY($4::text[])`)} AS ssis,
            ${rowsOf(CALENDARS, '')} AS calendars`,
    [[...new Set(keys.accounts)], [...new Set(keys.isins)], [...new Set(keys.leis)], [...new Set([...keys.accounts, ...keys.leis])]],
  )) as Array<Record<'accounts' | 'instruments' | 'parties' | 'ssis' | 'calendars', Array<Record<string, unknown>>>>;
  const byKey = <E extends 'accounts' | 'instruments' | 'parties'>(entity: E) =>
    new Map(row![entity].map((r) => READABLE[entity].map(r)).map((x) => [keyOf(entity, x), x as EntityRow<E>]));
  return {
    accounts: byKey('accounts'),
    instruments: byKey('instruments'),
    parties: byKey('parties'),
    ssis: row!.ssis.map(SSIS.map),
    calendars: row!.calendars.map(CALENDARS.map),
  };
}

export async function knownAccounts(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = (await db.query(`SELECT account FROM capture.accounts WHERE account = ANY($1::text[])`, [ids])) as Array<{ account: string }>;
  return new Set(rows.map((r) => r.account));
}

export async function knownLeis(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = (await db.query(`SELECT lei FROM capture.parties WHERE lei = ANY($1::text[])`, [ids])) as Array<{ lei: string }>;
  return new Set(rows.map((r) => r.lei));
}

/** Writes created or changed rows (version already set), one statement per table. */
export async function upsertRows<E extends ReferentialEntity>(db: Db, entity: E, rows: Array<EntityRow<E>>): Promise<void> {
  if (rows.length === 0) return;
  switch (entity) {
    case 'instruments':
      await db.query(
        `INSERT INTO capture.instruments (isin, name, instrument_type, currency, issuer_country, settlement_market, place_of_settlement,
           liquidity_class, ttf_scope_years, coupon_rate, coupon_frequency, day_count, maturity_date, version, updated_at)
         SELECT r.*, now() FROM jsonb_to_recordset($1::jsonb) AS r(isin text, name text, instrument_type text, currency text, issuer_country text,
           settlement_market text, place_of_settlement text, liquidity_class text, ttf_scope_years int[], coupon_rate numeric, coupon_frequency int,
           day_count text, maturity_date date, version int)
         ON CONFLICT (isin) DO UPDATE SET name = EXCLUDED.name, instrument_type = EXCLUDED.instrument_type, currency = EXCLUDED.currency,
           issuer_country = EXCLUDED.issuer_country, settlement_market = EXCLUDED.settlement_market, place_of_settlement = EXCLUDED.place_of_settlement,
           liquidity_class = EXCLUDED.liquidity_class, ttf_scope_years = EXCLUDED.ttf_scope_years, coupon_rate = EXCLUDED.coupon_rate,
           coupon_frequency = EXCLUDED.coupon_frequency, day_count = EXCLUDED.day_count, maturity_date = EXCLUDED.maturity_date,
           version = EXCLUDED.version, updated_at = now()`,
        [
          JSON.stringify(
            (rows as InstrumentRefV1[]).map((i) => ({
              isin: i.isin,
              name: i.name,
              instrument_type: i.instrumentType,
              currency: i.currency,
              issuer_country: i.issuerCountry,
              settlement_market: i.settlementMarket,
              place_of_settlement: i.placeOfSettlement,
              liquidity_class: i.liquidityClass,
              ttf_scope_years: i.ttfScopeYears,
              coupon_rate: i.bond?.couponRate ?? null,
              coupon_frequency: i.bond?.couponFrequency ?? null,
              day_count: i.bond?.dayCount ?? null,
              maturity_date: i.bond?.maturityDate ?? null,
              version: i.version,
            })),
          ),
        ],
      );
      return;
    case 'parties':
      await db.query(
        `INSERT INTO capture.parties (lei, name, country, bic, version, updated_at)
         SELECT r.*, now() FROM jsonb_to_recordset($1::jsonb) AS r(lei text, name text, country text, bic text, version int)
         ON CONFLICT (lei) DO UPDATE SET name = EXCLUDED.name, country = EXCLUDED.country, bic = EXCLUDED.bic, version = EXCLUDED.version, updated_at = now()`,
        [JSON.stringify(rows as PartyRefV1[])],
      );
      return;
    case 'accounts':
      await db.query(
        `INSERT INTO capture.accounts (account, client_id, client_name, account_type, book, language, email, base_currency, accounting_category,
           cost_method, contacts, netting, natural_person_first_name, natural_person_name, natural_person_birth_date, natural_person_national_id,
           natural_person_id_scheme, notice_delivery, version, updated_at)
         SELECT r.*, now() FROM jsonb_to_recordset($1::jsonb) AS r(account text, client_id text, client_name text, account_type text, book text,
           language text, email text, base_currency text, accounting_category text, cost_method text, contacts jsonb, netting boolean,
           natural_person_first_name text, natural_person_name text, natural_person_birth_date date, natural_person_national_id text,
           natural_person_id_scheme text, notice_delivery text, version int)
         ON CONFLICT (account) DO UPDATE SET client_id = EXCLUDED.client_id, client_name = EXCLUDED.client_name, account_type = EXCLUDED.account_type,
           book = EXCLUDED.book, language = EXCLUDED.language, email = EXCLUDED.email, base_currency = EXCLUDED.base_currency,
           accounting_category = EXCLUDED.accounting_category, cost_method = EXCLUDED.cost_method, contacts = EXCLUDED.contacts,
           netting = EXCLUDED.netting, natural_person_first_name = EXCLUDED.natural_person_first_name, natural_person_name = EXCLUDED.natural_person_name,
           natural_person_birth_date = EXCLUDED.natural_person_birth_date, natural_person_national_id = EXCLUDED.natural_person_national_id,
           natural_person_id_scheme = EXCLUDED.natural_person_id_scheme, notice_delivery = EXCLUDED.notice_delivery, version = EXCLUDED.version,
           updated_at = now()`,
        [
          JSON.stringify(
            (rows as AccountRefV1[]).map((a) => ({
              account: a.account,
              client_id: a.clientId,
              client_name: a.clientName,
              account_type: a.accountType,
              book: a.book,
              language: a.language,
              email: a.email,
              base_currency: a.baseCurrency,
              accounting_category: a.accountingCategory,
              cost_method: a.costMethod,
              contacts: a.contacts,
              netting: a.netting,
              natural_person_first_name: a.naturalPerson?.firstName ?? null,
              natural_person_name: a.naturalPerson?.name ?? null,
              natural_person_birth_date: a.naturalPerson?.birthDate ?? null,
              natural_person_national_id: a.naturalPerson?.nationalId ?? null,
              natural_person_id_scheme: a.naturalPerson?.scheme ?? null,
              notice_delivery: a.noticeDelivery ?? null,
              version: a.version,
            })),
          ),
        ],
      );
      return;
    case 'ssis':
      await db.query(
        `INSERT INTO capture.ssis (owner, market, currency, place_of_settlement, safekeeping_account, cash_account, agent_bic, version, updated_at)
         SELECT r.*, now() FROM jsonb_to_recordset($1::jsonb) AS r(owner text, market text, currency text, place_of_settlement text,
           safekeeping_account text, cash_account text, agent_bic text, version int)
         ON CONFLICT (owner, market, currency) DO UPDATE SET place_of_settlement = EXCLUDED.place_of_settlement,
           safekeeping_account = EXCLUDED.safekeeping_account, cash_account = EXCLUDED.cash_account, agent_bic = EXCLUDED.agent_bic,
           version = EXCLUDED.version, updated_at = now()`,
        [
          JSON.stringify(
            (rows as SsiRefV1[]).map((s) => ({
              owner: s.owner,
              market: s.market,
              currency: s.currency,
              place_of_settlement: s.placeOfSettlement,
              safekeeping_account: s.safekeepingAccount,
              cash_account: s.cashAccount,
              agent_bic: s.agentBic,
              version: s.version,
            })),
          ),
        ],
      );
      return;
    case 'calendars': {
      const cals = rows as CalendarRefV1[];
      await db.query(
        `INSERT INTO capture.calendars (code, description, weekend, version, updated_at)
         SELECT r.*, now() FROM jsonb_to_recordset($1::jsonb) AS r(code text, description text, weekend int[], version int)
         ON CONFLICT (code) DO UPDATE SET description = EXCLUDED.description, weekend = EXCLUDED.weekend, version = EXCLUDED.version, updated_at = now()`,
        [JSON.stringify(cals.map((c) => ({ code: c.code, description: c.description, weekend: c.weekend, version: c.version })))],
      );
      // A calendar's holidays are replaced as a whole: the imported list is the calendar.
      await db.query(`DELETE FROM capture.calendar_holidays WHERE code = ANY($1::text[])`, [cals.map((c) => c.code)]);
      await db.query(
        `INSERT INTO capture.calendar_holidays (code, date, name) SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(code text, date date, name text)`,
        [JSON.stringify(cals.flatMap((c) => c.holidays.map((h) => ({ code: c.code, date: h.date, name: h.name }))))],
      );
      return;
    }
  }
}

export interface HistoryRow {
  entity: ReferentialEntity;
  key: string;
  version: number;
  data: ReferentialRow;
  source: 'FILE' | 'API';
  changedBy: string | null;
  approvedBy: string | null;
}

export async function insertHistory(db: Db, rows: HistoryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO capture.referential_history (entity, key, version, data, source, changed_by, approved_by)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(entity text, key text, version int, data jsonb, source text, changed_by text, approved_by text)`,
    [
      JSON.stringify(
        rows.map((h) => ({
          entity: h.entity,
          key: h.key,
          version: h.version,
          data: h.data,
          source: h.source,
          changed_by: h.changedBy,
          approved_by: h.approvedBy,
        })),
      ),
    ],
  );
}
