import { SETTLEMENT_MARKETS } from '@postera/contracts';
import type { EntityManager } from 'typeorm';
import type { ReferentialEntity } from './domain/referential-rules.js';

/**
 * What the referential's lists page by: each entity's key as its list names it (the `after` of a
 * page), and whether a key names a stored row. The forms are those the import's rules give the
 * keys, so a cursor that could never name a row is refused (400) rather than looked for.
 */

type Db = Pick<EntityManager, 'query'>;

const ISIN = '[A-Z]{2}[A-Z0-9]{9}[0-9]';
const LEI = '[A-Z0-9]{18}[0-9]{2}';
/** An account: 1 to 64 characters, neither spaces nor colons (colons separate the parts of an SSI key). */
const ACCOUNT = '[^\\s:]{1,64}';
/** owner:market:currency, the owner an account or a LEI (a LEI has the form of an account too). */
const SSI = `${ACCOUNT}:(?:${SETTLEMENT_MARKETS.join('|')}):[A-Z]{3}`;
const CALENDAR = '[A-Z0-9_-]{1,16}';
/** A history row's version: a positive integer. */
const VERSION = '[1-9][0-9]{0,9}';

interface Keyed {
  form: string;
  name: string;
  /** One parameter, the key; a row when it names one (a primary-key lookup). */
  exists: string;
}

const KEYED: Record<ReferentialEntity, Keyed> = {
  instruments: { form: ISIN, name: 'ISIN', exists: `SELECT 1 FROM capture.instruments WHERE isin = $1` },
  parties: { form: LEI, name: 'LEI', exists: `SELECT 1 FROM capture.parties WHERE lei = $1` },
  accounts: { form: ACCOUNT, name: 'account', exists: `SELECT 1 FROM capture.accounts WHERE account = $1` },
  ssis: {
    form: SSI,
    name: 'SSI key (owner:market:currency)',
    // The key taken apart, so that the lookup is one of the primary key.
    exists: `SELECT 1 FROM capture.ssis WHERE owner = split_part($1, ':', 1) AND market = split_part($1, ':', 2) AND currency = split_part($1, ':', 3)`,
  },
  calendars: { form: CALENDAR, name: 'calendar code', exists: `SELECT 1 FROM capture.calendars WHERE code = $1` },
};

/** The cursor of an entity's list: its key. */
export function listCursor(entity: ReferentialEntity): { cursor: RegExp; cursorName: string } {
  return { cursor: new RegExp(`^${KEYED[entity].form}$`), cursorName: KEYED[entity].name };
}

/**
 * The cursor of an entity's history: `<key>:<version>`, the history row's primary key within the
 * entity (history rows have no id of their own). The version is the part after the last colon; an
 * SSI key keeps its own colons before it.
 */
export function historyCursor(entity: ReferentialEntity): { cursor: RegExp; cursorName: string } {
  return { cursor: new RegExp(`^${KEYED[entity].form}:${VERSION}$`), cursorName: `${KEYED[entity].name}:version` };
}

export async function rowExists(db: Db, entity: ReferentialEntity, key: string): Promise<boolean> {
  return ((await db.query(KEYED[entity].exists, [key])) as unknown[]).length > 0;
}

/** A history cursor taken apart (it has passed historyCursor's form). */
function historyRow(after: string): { key: string; version: string } {
  const at = after.lastIndexOf(':');
  return { key: after.slice(0, at), version: after.slice(at + 1) };
}

export async function historyRowExists(db: Db, entity: ReferentialEntity, after: string): Promise<boolean> {
  const { key, version } = historyRow(after);
  const rows = (await db.query(`SELECT 1 FROM capture.referential_history WHERE entity = $1 AND key = $2 AND version = $3::bigint`, [
    entity,
    key,
    version,
  ])) as unknown[];
  return rows.length > 0;
}

/**
 * One page of the versions of an entity's rows (or of one key's), by key then version, after the
 * history row `after` names (exclusive; null for the first page). Keyset on the primary key
 * (entity, key, version): a page does not shift when imports add versions meanwhile.
 */
export async function historyPage(db: Db, entity: ReferentialEntity, key: string | null, after: string | null, limit: number): Promise<unknown[]> {
  const from = after === null ? null : historyRow(after);
  return (await db.query(
    `SELECT entity, key, version, data, source, changed_by AS "changedBy", approved_by AS "approvedBy", changed_at AS "changedAt"
       FROM capture.referential_history
      WHERE entity = $1 AND ($2::text IS NULL OR key = $2)
        AND ($4::text IS NULL OR (key, version) > ($4::text, $5::bigint))
      ORDER BY key, version LIMIT $3`,
    [entity, key, limit, from?.key ?? null, from?.version ?? null],
  )) as unknown[];
}
