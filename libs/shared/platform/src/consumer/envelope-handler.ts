import { envelopeProblems, type EventEnvelope } from '@postera/contracts';
import type { InboundRecord } from '../messaging/message-bus.port.js';
import { UndecodableMessage } from './batch-handler.js';

/** Decoding shared by every consumer of Postera's own events: JSON, then the envelope's shape. */
export function decodeEnvelope<P = unknown>(record: InboundRecord): EventEnvelope<P> {
  if (!record.value) throw new UndecodableMessage('empty message value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.value.toString('utf8'));
  } catch (e) {
    throw new UndecodableMessage(`not JSON: ${(e as Error).message}`);
  }
  const problems = envelopeProblems(parsed);
  if (problems.length > 0) throw new UndecodableMessage(`not an event envelope: ${problems.join('; ')}`);
  return parsed as EventEnvelope<P>;
}

/** The envelope's eventId, read from the header when present (no parse needed), else from the body. */
export function envelopeMessageId(record: InboundRecord): string {
  const fromHeader = record.headers.eventId;
  if (fromHeader) return fromHeader;
  try {
    const id = (JSON.parse(record.value?.toString('utf8') ?? 'null') as { eventId?: unknown })?.eventId;
    if (typeof id === 'string' && id.length > 0) return id;
  } catch {
    // an undecodable record is identified by its position; decode sends it to the DLQ
  }
  return `${record.topic}/${record.partition}/${record.offset}`;
}
