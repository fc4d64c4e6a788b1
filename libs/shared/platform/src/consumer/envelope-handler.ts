import { envelopeProblems, payloadProblems, type EventEnvelope } from '@postera/contracts';
import type { InboundRecord } from '../messaging/message-bus.port.js';
import { UndecodableMessage, type BatchContext, type BatchHandler, type InboundMessage } from './batch-handler.js';

/**
 * Decoding shared by every consumer of Postera's own events: JSON, the envelope's shape, then the
 * payload against the contract of its type (EVENT_PAYLOAD_SCHEMAS; a type without one is left to
 * the handler), so that a payload no retry can fix goes to the DLQ with every problem named. The
 * `eventId` header the outbox writes is a copy of the body's: a record whose header names another
 * event is refused (to the DLQ), so that a header cannot make the inbox take one event for another.
 */
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
  const decoded = parsed as EventEnvelope<P>;
  const payloadIssues = payloadProblems(decoded.type, decoded.payload);
  if (payloadIssues.length > 0) throw new UndecodableMessage(`payload of ${decoded.type} does not match its contract: ${payloadIssues.join('; ')}`);
  const fromHeader = record.headers.eventId;
  if (fromHeader !== undefined && fromHeader !== decoded.eventId) {
    throw new UndecodableMessage(`eventId header ${JSON.stringify(fromHeader.slice(0, 64))} disagrees with the envelope's eventId ${decoded.eventId}`);
  }
  return decoded;
}

/**
 * The inbox identity of an envelope: its eventId, read from the decoded body, never from a header
 * alone (a header is not checked by anything: a producer could claim the id of an event to come and
 * have the real one skipped as a duplicate). Throws UndecodableMessage as decodeEnvelope does.
 */
export function envelopeMessageId(record: InboundRecord): string {
  return decodeEnvelope(record).eventId;
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

  /** Each record is parsed once, for its identity and its body alike. */
  private readonly envelopes = new WeakMap<InboundRecord, EventEnvelope>();

  messageId(record: InboundRecord): string {
    return this.envelope(record).eventId;
  }

  decode(record: InboundRecord): E {
    return this.envelope(record) as E;
  }

  private envelope(record: InboundRecord): EventEnvelope {
    let e = this.envelopes.get(record);
    if (!e) {
      e = decodeEnvelope(record);
      this.envelopes.set(record, e);
    }
    return e;
  }

  abstract handle(ctx: BatchContext, messages: InboundMessage<E>[]): Promise<void>;
}
