import { envelopeProblems, type EventEnvelope } from '@postera/contracts';
import type { InboundRecord } from '../messaging/message-bus.port.js';
import { UndecodableMessage, type BatchContext, type BatchHandler, type InboundMessage } from './batch-handler.js';

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

/**
 * Base of every consumer of Postera's own events: the inbox identity is the envelope's eventId and
 * the body is the decoded envelope. A subclass names its consumer id and topics and applies the
 * batch; it may refine decode (super.decode, then check the payload).
 */
export abstract class EnvelopeHandler<E extends EventEnvelope = EventEnvelope> implements BatchHandler<E> {
  abstract readonly consumerId: string;
  abstract readonly topics: readonly string[];
  /**
   * The event types the handler acts on, read from the `type` header the outbox writes; the others
   * are skipped without a transaction. Absent: every event. A record without the header (not one
   * of our envelopes) is always taken, so that decode sends it to the DLQ.
   */
  readonly types?: readonly string[];

  accepts(record: InboundRecord): boolean {
    const type = record.headers.type;
    return this.types === undefined || type === undefined || this.types.includes(type);
  }

  messageId(record: InboundRecord): string {
    return envelopeMessageId(record);
  }

  decode(record: InboundRecord): E {
    return decodeEnvelope(record) as E;
  }

  abstract handle(ctx: BatchContext, messages: InboundMessage<E>[]): Promise<void>;
}
