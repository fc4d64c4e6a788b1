import type { EventEnvelope } from './envelope.js';

/**
 * The end of a business day, marked in a trade-keyed topic's every partition by its producer. Every
 * record the producer wrote for that day is before the marker on its partition, so a consumer that
 * has read the marker on all of them has read the whole day — at positions fixed by the logs, the
 * same live and in a replay. Written by capture on trade.events.v1 at its close, by the simulated
 * CSD on custodian.status.v1 with its settlement cycle (as a CSD announces its end of day), and by
 * settlement on settlement.events.v1 once the CSD has marked the day on every partition. Accounting
 * fixes the day's cost there; every other consumer skips the type by its header.
 */
export interface PartitionDayClosedV1 {
  calendar: string;
  businessDate: string;
  /** The partition the marker is written to, and how many the producer writes (the topic's, from the catalogue). */
  partition: number;
  partitions: number;
}
export type PartitionDayClosedEvent = EventEnvelope<PartitionDayClosedV1, 'PartitionDayClosed'>;

export const PARTITION_DAY_CLOSED = 'PartitionDayClosed';

export const isPartitionDayClosed = (e: EventEnvelope): e is PartitionDayClosedEvent => e.type === PARTITION_DAY_CLOSED;
