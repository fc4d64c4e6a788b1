import type { EntityManager } from 'typeorm';
import type { Log } from '../logger.js';
import type { InboundRecord } from '../messaging/message-bus.port.js';
import type { OutgoingEvent } from '../outbox/outbox.js';

/** A message the handler will see: its identity for the inbox, the decoded body, and the record it came from. */
export interface InboundMessage<T> {
  messageId: string;
  body: T;
  record: InboundRecord;
}

/** What a handler may do inside the batch transaction. */
export interface BatchContext {
  /** The batch's transaction: every write of the handler goes through it. */
  readonly tx: EntityManager;
  readonly schema: string;
  /** Queues an event for the outbox; written in the same transaction, after the handler returns. */
  emit(event: OutgoingEvent): void;
  readonly log: Log;
}

/** Raised by decode when a message can never be processed as it is: it goes to the DLQ without retries. */
export class UndecodableMessage extends Error {}

/**
 * One consumer of one or more topics. The platform runs it: batches, one transaction per batch,
 * inbox de-duplication, offsets committed after the database commit, retries, DLQ.
 */
export interface BatchHandler<T = unknown> {
  /** Stable and unique within the service: the inbox key and the consumer group suffix. */
  readonly consumerId: string;
  /** Logical topic names. */
  readonly topics: readonly string[];
  /** Inbox identity of a record (eventId for envelopes; messageId for raw input). */
  messageId(record: InboundRecord): string;
  /**
   * false for a record the handler would ignore, judged from its headers alone: it is not decoded,
   * not recorded in the inbox and costs no transaction (it has no effect to de-duplicate); its
   * offset is committed with the chunk's. Absent: every record is the handler's.
   */
  accepts?(record: InboundRecord): boolean;
  /** Throws UndecodableMessage for a record that no retry can fix. */
  decode(record: InboundRecord): T;
  /** Applies the fresh (never seen) messages of a batch, in partition order. */
  handle(ctx: BatchContext, messages: InboundMessage<T>[]): Promise<void>;
}
