import pg from 'pg';
import type { InboundRecord } from '../messaging/message-bus.port.js';

/** Headers the relay writes on every record it publishes: which outbox, which incarnation of it, and the row's id. */
export const PUBLICATION_HEADERS = { outbox: 'outbox', epoch: 'outbox-epoch', seq: 'outbox-seq' } as const;

/** Set by the gateway when an operator puts a dead letter back on its topic: such a record is checked by its identity instead. */
export const REPLAYED_FROM_HEADER = 'replayed-from';

/** The last publication applied from one outbox, on one partition. */
export interface PublicationMark {
  epoch: string;
  seq: number;
}

/** Where a consumer stands on a partition, read under the row's lock. */
export interface ConsumerPosition {
  /** The first offset not applied yet (0 when the partition was never applied here). */
  nextOffset: bigint;
  /** Per outbox (its schema), the last publication applied from it on this partition. */
  publications: Record<string, PublicationMark>;
}

const lit = (s: string) => pg.escapeLiteral(s);

/** A consumer's partition: the key of its position row. */
export interface PositionKey {
  consumerId: string;
  topic: string;
  partition: number;
}

const positionWhere = (k: PositionKey) => `consumer_id = ${lit(k.consumerId)} AND topic = ${lit(k.topic)} AND partition = ${Math.trunc(k.partition)}`;

/**
 * Opens the batch's transaction and locks the consumer's positions on its partitions, in one round
 * trip (simple protocol, the values inlined as escaped literals). The lock is the fence: a member
 * that lost a partition in a rebalance but still runs a batch (a zombie) waits here for the live
 * member's COMMIT, then reads the moved position and skips what was applied. Several partitions
 * are locked in the order of their keys, so that two transactions sharing partitions cannot
 * deadlock. A row is created on first use; `ON CONFLICT DO NOTHING` waits for a concurrent creator,
 * and the SELECT that follows (a new snapshot under READ COMMITTED) sees and locks its row.
 * Returns the positions in the order of `keys`.
 */
export async function beginAtPositions(
  client: Pick<pg.ClientBase, 'query'>,
  schema: string,
  keys: PositionKey[],
  rowKnown: (key: PositionKey) => boolean,
): Promise<ConsumerPosition[]> {
  const sorted = [...keys].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  const create = sorted
    .filter((k) => !rowKnown(k))
    .map(
      (k) => `INSERT INTO ${schema}.consumer_positions (consumer_id, topic, partition, next_offset)
       VALUES (${lit(k.consumerId)}, ${lit(k.topic)}, ${Math.trunc(k.partition)}, -1) ON CONFLICT DO NOTHING;`,
    )
    .join(' ');
  const results = (await client.query(
    `BEGIN; ${create}
     SELECT topic, partition, next_offset::text AS next_offset, publications FROM ${schema}.consumer_positions
     WHERE ${sorted.map((k) => `(${positionWhere(k)})`).join(' OR ')} ORDER BY topic, partition FOR UPDATE`,
  )) as unknown as pg.QueryResult<{ topic: string; partition: number; next_offset: string; publications: Record<string, PublicationMark> }>[];
  const rows = results[results.length - 1]!.rows;
  return keys.map((k) => {
    const row = rows.find((r) => r.topic === k.topic && r.partition === k.partition);
    if (!row) throw new Error(`consumer position of ${k.consumerId} on ${k.topic}/${k.partition} vanished`);
    // -1 marks a row nobody has moved yet: nothing applied by position.
    const nextOffset = BigInt(row.next_offset);
    return { nextOffset: nextOffset < 0n ? 0n : nextOffset, publications: row.publications };
  });
}

/** Moves the positions, counts the messages applied on each, and commits, in one round trip. */
export async function commitAtPositions(
  client: Pick<pg.ClientBase, 'query'>,
  schema: string,
  moves: Array<{ key: PositionKey; nextOffset: bigint; publications: Record<string, PublicationMark>; applied: number }>,
): Promise<void> {
  await client.query(
    `${moves
      .map(
        (m) => `UPDATE ${schema}.consumer_positions SET next_offset = ${m.nextOffset.toString()},
       publications = ${lit(JSON.stringify(m.publications))}::jsonb, applied = applied + ${Math.trunc(m.applied)}, updated_at = now()
     WHERE ${positionWhere(m.key)};`,
      )
      .join('\n')}
     COMMIT`,
  );
}

/** What a position says of one record. */
export type Seen = 'applied-by-offset' | 'applied-by-publication' | 'replayed' | 'new';

/**
 * Judges one record against the position and, for a new publication, records it there. Records
 * must be judged in partition order. A record written by an outbox carries the outbox's name, its
 * epoch (a new one when the outbox table is created again) and the row id, which grows in commit
 * order: on a partition, every first copy of a publication comes in increasing sequence, so one at
 * or below the last applied is a copy the relay sent again after a crash. A record another
 * incarnation of the outbox wrote starts its sequence over. A dead letter put back by an operator
 * keeps its original headers: it is judged by its identity (the caller's inbox), never by sequence.
 */
export function judge(position: ConsumerPosition, record: InboundRecord): Seen {
  if (BigInt(record.offset) < position.nextOffset) return 'applied-by-offset';
  if (record.headers[REPLAYED_FROM_HEADER] !== undefined) return 'replayed';
  const outbox = record.headers[PUBLICATION_HEADERS.outbox];
  const epoch = record.headers[PUBLICATION_HEADERS.epoch];
  const seqText = record.headers[PUBLICATION_HEADERS.seq];
  if (outbox === undefined || epoch === undefined || seqText === undefined || !/^\d{1,15}$/.test(seqText)) return 'new';
  const seq = Number(seqText);
  const last = position.publications[outbox];
  if (last && last.epoch === epoch && seq <= last.seq) return 'applied-by-publication';
  position.publications[outbox] = { epoch, seq };
  return 'new';
}
