import { judge, type ConsumerPosition, type InboundRecord } from '@postera/platform';
import type { EntityManager } from 'typeorm';

/** The two projections the trade lifecycle consumer applies, each once the consumer of its own. */
export type Slice = 'activity' | 'records';

/** Where a projection's former consumer stood on a partition when the two were merged (trade_lifecycle_handover). */
export interface SliceStart {
  slice: Slice;
  topic: string;
  partition: number;
  nextOffset: bigint;
  publications: ConsumerPosition['publications'];
}

/**
 * The merged consumer starts, on each partition of trade.events.v1 and settlement.events.v1, at the
 * lower of its two former consumers' positions: the records between the two were applied by one
 * projection only. A projection is given a record only when its former position had not passed it,
 * judged as the platform judges a position (offset, then publication sequence), so that nothing is
 * applied twice, nor missed.
 */
export class Handover {
  private readonly starts = new Map<string, ConsumerPosition>();

  constructor(rows: SliceStart[]) {
    for (const r of rows) this.starts.set(key(r.slice, r.topic, r.partition), { nextOffset: r.nextOffset, publications: r.publications });
  }

  /** Whether the projection's former consumer had applied the record. */
  applied(slice: Slice, record: InboundRecord): boolean {
    const start = this.starts.get(key(slice, record.topic, record.partition));
    if (!start) return false;
    // judge records a new publication in the position it is given: a copy, so that the handover
    // stays as it was taken and a chunk retried is judged the same.
    const seen = judge({ ...start, publications: { ...start.publications } }, record);
    return seen === 'applied-by-offset' || seen === 'applied-by-publication';
  }
}

const key = (slice: Slice, topic: string, partition: number) => `${slice}|${topic}|${partition}`;

/** The handover as the migration took it; it never changes afterwards (a few rows: one per partition and projection). */
export async function loadHandover(tx: EntityManager): Promise<Handover> {
  const rows = (await tx.query(
    `SELECT slice, topic, partition, next_offset::text AS next_offset, publications FROM reporting.trade_lifecycle_handover`,
  )) as Array<{
    slice: Slice;
    topic: string;
    partition: number;
    next_offset: string;
    publications: ConsumerPosition['publications'];
  }>;
  return new Handover(
    rows.map((r) => ({ slice: r.slice, topic: r.topic, partition: r.partition, nextOffset: BigInt(r.next_offset), publications: r.publications })),
  );
}
