import type { EventEnvelope } from './envelope.js';

/**
 * capture.intake.v1 — produced by capture. Key: a source message id (for ExecutionsReceived, the batch's
 * first record's).
 * What capture's intake decides about the records it reads that no other topic shows: how many
 * executions it received in each batch, by outcome (a version captured, amended, cancelled or stale, an
 * exception, a duplicate ignored), and every exception held for a person, with its kind and every reason.
 * A trade booked or corrected by hand and an operator's replay of an exception are not received
 * executions and are not announced here (their trade events on trade.events.v1 are).
 */

/** The outcome of one record of trades.executed.v1: exactly one per record read (a record read again after a crash is not one more). */
export const EXECUTION_OUTCOMES = ['CAPTURED', 'AMENDED', 'CANCELLED', 'STALE', 'EXCEPTION', 'DUPLICATE'] as const;
export type ExecutionOutcome = (typeof EXECUTION_OUTCOMES)[number];

/**
 * The records of trades.executed.v1 one consumer batch of capture receipted, counted by outcome: one
 * event per committed batch that receipted at least one, so the broker carries one record per batch
 * rather than one per execution. Summed over a day's events: executions received = captured + amended +
 * cancelled + stale + exceptions + duplicates.
 */
export interface ExecutionsReceivedV1 {
  /** Capture's business day when it received the batch (the last day opened or closed); null before any. */
  businessDate: string | null;
  /** ISO timestamp of the transaction that receipted the batch. */
  receivedAt: string;
  /** The records per outcome; an outcome no record had is left out. */
  outcomes: Partial<Record<ExecutionOutcome, number>>;
  /** The records receipted: the sum of `outcomes`. */
  records: number;
  /** `topic/partition/offset` of the batch's first and last record receipted, in the order read. */
  first: string;
  last: string;
}
export type ExecutionsReceivedEvent = EventEnvelope<ExecutionsReceivedV1, 'ExecutionsReceived'>;

/** INPUT: the message itself; LIFECYCLE: a version against the trade's history; CONFIRMATION: a counterparty's confirmation. */
export type IntakeExceptionKind = 'INPUT' | 'LIFECYCLE' | 'CONFIRMATION';

export interface IntakeExceptionRaisedV1 {
  exceptionId: string;
  /** The source message's id. */
  messageId: string;
  /** The topic the message came from (trades.executed.v1 or confirmations.received.v1). */
  sourceTopic: string;
  kind: IntakeExceptionKind;
  /** Every reason: the field and the rule it breaks (the value is left in capture, with the message's bytes). */
  reasons: Array<{ field: string; rule: string }>;
  tradeRef: string | null;
  businessDate: string | null;
  receivedAt: string;
}
export type IntakeExceptionRaisedEvent = EventEnvelope<IntakeExceptionRaisedV1, 'IntakeExceptionRaised'>;

export type CaptureIntakeEvent = ExecutionsReceivedEvent | IntakeExceptionRaisedEvent;
