import { Injectable } from '@nestjs/common';
import { envelope, Topics, type EventEnvelope } from '@postera/contracts';
import { deterministicId } from '@postera/kernel';
import { appendToOutbox, type OutgoingEvent } from '@postera/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { csvToImport, type CsvEntity } from './domain/referential-csv.js';
import {
  REFERENTIAL_ENTITIES,
  ssiOwnersOf,
  validateImport,
  type CalendarData,
  type ImportProblem,
  type ReferentialEntity,
  type ReferentialRows,
  type ValidateOptions,
} from './domain/referential-rules.js';
import {
  insertHistory,
  keyOf,
  knownAccounts,
  knownLeis,
  loadByKeys,
  upsertRows,
  type EntityRow,
  type HistoryRow,
  type ReferentialRow,
} from './persistence/referential.repository.js';

/**
 * Who an import comes from: the boot file (no person), or two people through the API — the maker
 * who proposed it and the checker who approved it.
 */
export type ImportOrigin = { source: 'FILE'; changedBy: null; approvedBy: null } | { source: 'API'; changedBy: string; approvedBy: string };

export interface EntityCounts {
  created: number;
  changed: number;
  unchanged: number;
}
export type ImportCounts = Record<ReferentialEntity, EntityCounts>;

/** An expected refusal is a value: the caller turns it into a 400 (HTTP) or a failed boot (file). */
export type ImportOutcome = { ok: true; counts: ImportCounts } | { ok: false; problems: ImportProblem[] };

const PUBLISHED: { [E in ReferentialEntity]: { topic: string; type: string } } = {
  instruments: { topic: Topics.refdataInstruments, type: 'InstrumentUpserted' },
  parties: { topic: Topics.refdataParties, type: 'PartyUpserted' },
  accounts: { topic: Topics.refdataAccounts, type: 'AccountUpserted' },
  ssis: { topic: Topics.refdataSsis, type: 'SsiUpserted' },
  calendars: { topic: Topics.refdataCalendars, type: 'CalendarUpserted' },
};

const DEFAULT_WEEKEND = [0, 6];

/**
 * The referential import, for the operator API and the boot file alike. All or nothing: every row
 * is checked first and any problem refuses the whole import. Then, row by row against what is
 * stored: an identical row changes nothing (no version, no history, no event); a new or changed
 * row gets the next version, a history row and an event on its refdata topic — written in one
 * transaction with the outbox, so the topics never disagree with the tables.
 */
@Injectable()
export class ReferentialImportService {
  constructor(private readonly ds: DataSource) {}

  importJson(body: unknown, origin: ImportOrigin): Promise<ImportOutcome> {
    return this.run(body, origin, {});
  }

  async importCsv(entity: CsvEntity, text: string, origin: ImportOrigin): Promise<ImportOutcome> {
    const csv = csvToImport(entity, text);
    if (csv.problems.length > 0) return { ok: false, problems: csv.problems };
    return this.run(csv.body, origin, { rowOf: csv.rowOf, holidaysAsRows: entity === 'calendar-holidays', fieldNames: csv.fieldNames });
  }

  private run(body: unknown, origin: ImportOrigin, options: ValidateOptions): Promise<ImportOutcome> {
    return this.ds.transaction(async (tx) => {
      // Imports one at a time (boot files of several replicas, operators): versions are read then
      // written, and two imports of one row at once would both claim the same next version.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('capture.referential-import'))`);
      const owners = ssiOwnersOf(body);
      const [accounts, leis] = await Promise.all([knownAccounts(tx, owners), knownLeis(tx, owners)]);
      const { rows, problems } = validateImport(body, { accounts, leis }, options);
      if (problems.length > 0) return { ok: false, problems };
      return { ok: true, counts: await this.write(tx, await withStoredCalendarDefaults(tx, rows), origin) };
    });
  }

  private async write(tx: EntityManager, rows: Omit<ReferentialRows, 'calendars'> & { calendars: CalendarData[] }, origin: ImportOrigin) {
    const counts = {} as ImportCounts;
    const history: HistoryRow[] = [];
    const events: OutgoingEvent[] = [];
    for (const entity of REFERENTIAL_ENTITIES) {
      const incoming: Array<Omit<ReferentialRow, 'version'>> = rows[entity];
      const stored = await loadByKeys(
        tx,
        entity,
        incoming.map((r) => keyOf(entity, r as ReferentialRow)),
      );
      const written: Array<EntityRow<typeof entity>> = [];
      counts[entity] = { created: 0, changed: 0, unchanged: 0 };
      for (const data of incoming) {
        const key = keyOf(entity, data as ReferentialRow);
        const before = stored.get(key);
        if (before && sameData(before, data)) {
          counts[entity].unchanged++;
          continue;
        }
        counts[entity][before ? 'changed' : 'created']++;
        const row = { ...data, version: (before?.version ?? 0) + 1 } as EntityRow<typeof entity>;
        written.push(row);
        history.push({ entity, key, version: row.version, data: row, source: origin.source, changedBy: origin.changedBy, approvedBy: origin.approvedBy });
        events.push({ topic: PUBLISHED[entity].topic, key, event: refdataEvent(entity, key, row) });
      }
      await upsertRows(tx, entity, written);
    }
    await insertHistory(tx, history);
    await appendToOutbox(tx, 'capture', events);
    return counts;
  }
}

/**
 * One event per row version. The id is derived from the key and the version: an import replayed
 * after a crash publishes the same ids (consumers' inboxes drop them), while a row changed and
 * changed back is a new version, so a new id, and reaches consumers again.
 */
function refdataEvent(entity: ReferentialEntity, key: string, row: ReferentialRow): EventEnvelope {
  const { type } = PUBLISHED[entity];
  return envelope({
    eventId: deterministicId(type, key, String(row.version)),
    type,
    producer: 'capture',
    correlationId: key,
    causationId: null,
    payload: row,
  });
}

/** A calendar imported without description or weekend keeps the stored ones (defaults when new). */
async function withStoredCalendarDefaults(
  tx: EntityManager,
  rows: ReferentialRows,
): Promise<Omit<ReferentialRows, 'calendars'> & { calendars: CalendarData[] }> {
  if (rows.calendars.length === 0) return { ...rows, calendars: [] };
  const stored = await loadByKeys(
    tx,
    'calendars',
    rows.calendars.map((c) => c.code),
  );
  return {
    ...rows,
    calendars: rows.calendars.map((c) => ({
      code: c.code,
      description: c.description ?? stored.get(c.code)?.description ?? '',
      weekend: c.weekend ?? stored.get(c.code)?.weekend ?? DEFAULT_WEEKEND,
      holidays: c.holidays,
    })),
  };
}

/** Same content, whatever the key order and the version. */
function sameData(stored: ReferentialRow, incoming: object): boolean {
  const { version: _v, ...before } = stored;
  return canonical(before) === canonical(incoming);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}
