import { Topics, type CalendarRefEvent, type CalendarRefV1, type EventEnvelope } from '@postera/contracts';
import { calendarByCode, calendarFromHolidays, type SettlementCalendar } from '@postera/kernel';
import type { EntityManager } from 'typeorm';
import { UndecodableMessage, type BatchContext, type InboundMessage } from '../consumer/batch-handler.js';
import { EnvelopeHandler } from '../consumer/envelope-handler.js';
import type { InboundRecord } from '../messaging/message-bus.port.js';

/**
 * The calendars as the referential publishes them on refdata.calendars.v1 (compacted, keyed by
 * calendar code), kept whole in `<schema>.calendars` by every service that counts business days:
 * the referential is the one source, the kernel's built-in calendars only the seed of a code until
 * an import of it arrives. The table, for a service's migration:
 */
export const calendarsTableSql = (schema: string): string => `CREATE TABLE ${schema}.calendars (
  code text PRIMARY KEY,
  description text NOT NULL,
  weekend smallint[] NOT NULL,
  holidays jsonb NOT NULL,
  version integer NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
)`;

/**
 * Upserts the calendars, one statement for the batch. The referential numbers each calendar's
 * versions, so a version older than the one stored (a replay, a redelivery) changes nothing; within
 * a batch the highest version of a code is kept.
 */
export async function upsertCalendars(tx: EntityManager, schema: string, calendars: CalendarRefV1[]): Promise<void> {
  const latest = new Map<string, CalendarRefV1>();
  for (const c of calendars) if ((latest.get(c.code)?.version ?? 0) <= c.version) latest.set(c.code, c);
  if (latest.size === 0) return;
  const v = [...latest.values()];
  await tx.query(
    `INSERT INTO ${schema}.calendars (code, description, weekend, holidays, version)
     SELECT c.code, c.description, ARRAY(SELECT jsonb_array_elements_text(c.weekend)::smallint), c.holidays, c.version
     FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[], $5::int[]) AS c(code, description, weekend, holidays, version)
     ON CONFLICT (code) DO UPDATE SET description = EXCLUDED.description, weekend = EXCLUDED.weekend, holidays = EXCLUDED.holidays,
       version = EXCLUDED.version, updated_at = now()
       WHERE ${schema}.calendars.version <= EXCLUDED.version`,
    [
      v.map((c) => c.code),
      v.map((c) => c.description),
      v.map((c) => JSON.stringify(c.weekend)),
      v.map((c) => JSON.stringify(c.holidays)),
      v.map((c) => c.version),
    ],
  );
}

/**
 * The calendar of `code` as the referential last published it, else the kernel's built-in one of
 * that code. One query: read it once per batch or request and count every date of it on the
 * calendar returned.
 */
export async function readCalendar(tx: Pick<EntityManager, 'query'>, schema: string, code: string): Promise<SettlementCalendar> {
  const [row] = (await tx.query(
    `SELECT weekend, ARRAY(SELECT h->>'date' FROM jsonb_array_elements(holidays) h) AS holidays FROM ${schema}.calendars WHERE code = $1`,
    [code],
  )) as Array<{ weekend: number[]; holidays: string[] }>;
  return row ? calendarFromHolidays(code, row.holidays, row.weekend) : calendarByCode(code);
}

/**
 * What a calendar needs to be counted on, beyond its contract (checked on decode already): a code as
 * the referential writes it, a version, and dates a calendar can be built from. A payload short of
 * it goes to the DLQ, not into the table.
 */
export function calendarProblems(p: CalendarRefV1): string[] {
  const problems: string[] = [];
  if (!/^[A-Z0-9_-]{1,16}$/.test(p.code)) problems.push('code: 1 to 16 of A–Z, 0–9, _ and -');
  if (p.version < 1) problems.push('version: an integer ≥ 1');
  try {
    calendarFromHolidays(
      p.code,
      p.holidays.map((h) => h.date),
      p.weekend,
    );
  } catch (err) {
    problems.push((err as Error).message);
  }
  return problems;
}

/**
 * refdata.calendars.v1 → `<service>.calendars`. A consumer of its own, whose group starts at the
 * beginning of the compacted topic, so the calendars imported before the service existed are read too.
 */
export class ImportedCalendarsHandler extends EnvelopeHandler<EventEnvelope> {
  readonly consumerId: string;
  readonly topics = [Topics.refdataCalendars];

  constructor(private readonly service: string) {
    super();
    this.consumerId = `${service}.refdata-calendars`;
  }

  override decode(record: InboundRecord): EventEnvelope {
    const e = super.decode(record);
    if (e.type === 'CalendarUpserted') {
      const problems = calendarProblems(e.payload as CalendarRefV1);
      if (problems.length > 0) throw new UndecodableMessage(`CalendarUpserted payload unusable: ${problems.join('; ')}`);
    }
    return e;
  }

  async handle(ctx: BatchContext, messages: InboundMessage<EventEnvelope>[]): Promise<void> {
    await upsertCalendars(
      ctx.tx,
      ctx.schema,
      messages.filter((m) => m.body.type === 'CalendarUpserted').map((m) => (m.body as CalendarRefEvent).payload),
    );
  }
}
