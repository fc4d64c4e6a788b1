import { z } from 'zod';
import type { EventEnvelope } from './envelope.js';
import { count, isoDate, type Same } from './wire-schemas.js';

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
export const ExecutionsReceivedV1Schema = z.object({
  businessDate: isoDate.nullable(),
  receivedAt: z.string(),
  outcomes: z.partialRecord(z.enum(EXECUTION_OUTCOMES), count),
  records: count,
  first: z.string(),
  last: z.string(),
});
const _executionsReceived: Same<ExecutionsReceivedV1, z.infer<typeof ExecutionsReceivedV1Schema>> = true;
export type ExecutionsReceivedEvent = EventEnvelope<ExecutionsReceivedV1, 'ExecutionsReceived'>;

/** INPUT: the message itself; LIFECYCLE: a version against the trade's history; CONFIRMATION: a counterparty's confirmation. */
export const IntakeExceptionKindSchema = z.enum(['INPUT', 'LIFECYCLE', 'CONFIRMATION']);
export type IntakeExceptionKind = z.infer<typeof IntakeExceptionKindSchema>;

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
export const IntakeExceptionRaisedV1Schema = z.object({
  exceptionId: z.string(),
  messageId: z.string(),
  sourceTopic: z.string(),
  kind: IntakeExceptionKindSchema,
  reasons: z.array(z.object({ field: z.string(), rule: z.string() })),
  tradeRef: z.string().nullable(),
  businessDate: isoDate.nullable(),
  receivedAt: z.string(),
});
const _intakeExceptionRaised: Same<IntakeExceptionRaisedV1, z.infer<typeof IntakeExceptionRaisedV1Schema>> = true;
export type IntakeExceptionRaisedEvent = EventEnvelope<IntakeExceptionRaisedV1, 'IntakeExceptionRaised'>;

export type CaptureIntakeEvent = ExecutionsReceivedEvent | IntakeExceptionRaisedEvent;
