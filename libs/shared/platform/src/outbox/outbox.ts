import type { EventEnvelope } from '@postera/contracts';
import type { EntityManager } from 'typeorm';

/** An event to publish, written in the business transaction (never produced straight to Kafka). */
export interface OutgoingEvent {
  /** Logical topic name (the prefix is applied by the relay). */
  topic: string;
  key: string;
  event: EventEnvelope;
}

export function eventHeaders(e: EventEnvelope): Record<string, string> {
  return { eventId: e.eventId, type: e.type, correlationId: e.correlationId, producer: e.producer };
}

/** One multi-row insert for the whole batch's events (unnest: one round trip, whatever the count). */
export async function appendToOutbox(tx: EntityManager, schema: string, events: OutgoingEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.query(
    `INSERT INTO ${schema}.outbox (event_id, topic, message_key, value, headers)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[])`,
    [
      events.map((e) => e.event.eventId),
      events.map((e) => e.topic),
      events.map((e) => e.key),
      events.map((e) => JSON.stringify(e.event)),
      events.map((e) => JSON.stringify(eventHeaders(e.event))),
    ],
  );
}
