import { newId } from '@postera/kernel';

/** The one envelope of every Postera event (DESIGN.md §3). */
export interface EventEnvelope<P = unknown, T extends string = string> {
  eventId: string;
  type: T;
  schemaVersion: number;
  occurredAt: string;
  producer: string;
  /** The business thread: the trade reference for trade-related events. */
  correlationId: string;
  /** The eventId (or input messageId) that caused this event. */
  causationId: string | null;
  payload: P;
}

export function envelope<P, T extends string>(
  fields: Omit<EventEnvelope<P, T>, 'eventId' | 'schemaVersion' | 'occurredAt'> & Partial<Pick<EventEnvelope, 'eventId' | 'schemaVersion' | 'occurredAt'>>,
): EventEnvelope<P, T> {
  return {
    eventId: fields.eventId ?? newId(),
    type: fields.type,
    schemaVersion: fields.schemaVersion ?? 1,
    occurredAt: fields.occurredAt ?? new Date().toISOString(),
    producer: fields.producer,
    correlationId: fields.correlationId,
    causationId: fields.causationId,
    payload: fields.payload,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Structural check of an envelope read off a topic; returns every problem, or none. */
export function envelopeProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['envelope: not a JSON object'];
  const v = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof v.eventId !== 'string' || !UUID.test(v.eventId)) problems.push('eventId: not a uuid');
  if (typeof v.type !== 'string' || v.type.length === 0) problems.push('type: missing');
  if (!Number.isInteger(v.schemaVersion)) problems.push('schemaVersion: not an integer');
  if (typeof v.occurredAt !== 'string') problems.push('occurredAt: missing');
  if (typeof v.producer !== 'string') problems.push('producer: missing');
  if (typeof v.correlationId !== 'string') problems.push('correlationId: missing');
  if (v.causationId !== null && typeof v.causationId !== 'string') problems.push('causationId: not a string or null');
  if (typeof v.payload !== 'object' || v.payload === null) problems.push('payload: not an object');
  return problems;
}
