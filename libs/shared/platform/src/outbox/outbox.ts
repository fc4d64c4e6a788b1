import type { EventEnvelope } from '@postera/contracts';
import type { EntityManager } from 'typeorm';

/** An event to publish, written in the business transaction (never produced straight to Kafka). */
export interface OutgoingEvent {
  /** Logical topic name (the prefix is applied by the relay). */
  topic: string;
  key: string;
  event: EventEnvelope;
}

/**
 * The headers of an event's record. `status`, where the payload has one (an instruction's new
 * state), lets a consumer that acts on some states only skip the others by header, without a
 * transaction, as it skips types.
 */
export function eventHeaders(e: EventEnvelope): Record<string, string> {
  const headers: Record<string, string> = { eventId: e.eventId, type: e.type, correlationId: e.correlationId, producer: e.producer };
  const status = (e.payload as { status?: unknown } | null)?.status;
  if (typeof status === 'string') headers.status = status;
  return headers;
}

/**
 * One multi-row insert for the whole batch's events (one round trip, whatever the count), in
 * their order (the relay publishes in id order). The bodies and headers go as two JSON arrays
 * rather than text[] arrays: node-postgres escapes every quote of every element of a text[] (two
 * regular-expression passes and two copies of each event), which was the largest allocation of a
 * busy consumer; `json_array_elements` on the `json` type returns each element's text exactly as
 * written, so `value` is byte for byte `JSON.stringify(event)`.
 */
export async function appendToOutbox(tx: EntityManager, schema: string, events: OutgoingEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.query(
    `INSERT INTO ${schema}.outbox (event_id, topic, message_key, value, headers)
     SELECT x.id, x.topic, x.key, v.value::text, h.value::jsonb
     FROM unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY AS x(id, topic, key, n)
     JOIN json_array_elements($4::json) WITH ORDINALITY AS v(value, n) ON v.n = x.n
     JOIN json_array_elements($5::json) WITH ORDINALITY AS h(value, n) ON h.n = x.n
     ORDER BY x.n`,
    [
      events.map((e) => e.event.eventId),
      events.map((e) => e.topic),
      events.map((e) => e.key),
      JSON.stringify(events.map((e) => e.event)),
      JSON.stringify(events.map((e) => eventHeaders(e.event))),
    ],
  );
}
