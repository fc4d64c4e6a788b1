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

/**
 * Opens the batch's transaction and locks the consumer's position on the partition, in one round
 * trip (simple protocol, the values inlined as escaped literals). The lock is the fence: a member
 * that lost the partition in a rebalance but still runs a batch (a zombie) waits here for the live
 * member's COMMIT, then reads the moved position and skips what was applied. The row is created on
 * first use; `ON CONFLICT DO NOTHING` waits for a concurrent creator, and the SELECT that follows
 * (a new snapshot under READ COMMITTED) sees and locks its row.
 */
export async function beginAtPosition(
  client: Pick<pg.ClientBase, 'query'>,
  schema: string,
  key: { consumerId: string; topic: string; partition: number },
  rowKnown: boolean,
): Promise<ConsumerPosition> {
  const where = `consumer_id = ${lit(key.consumerId)} AND topic = ${lit(key.topic)} AND partition = ${Math.trunc(key.partition)}`;
  const create = rowKnown
    ? ''
    : `INSERT INTO ${schema}.consumer_positions (consumer_id, topic, partition, next_offset)
       VALUES (${lit(key.consumerId)}, ${lit(key.topic)}, ${Math.trunc(key.partition)}, -1) ON CONFLICT DO NOTHING;`;
  const results = (await client.query(
    `BEGIN; ${create}
     SELECT next_offset::text AS next_offset, publications FROM ${schema}.consumer_positions WHERE ${where} FOR UPDATE`,
  )) as unknown as pg.QueryResult<{ next_offset: string; publications: Record<string, PublicationMark> }>[];
  const row = results[results.length - 1]!.rows[0];
  if (!row) throw new Error(`consumer position of ${key.consumerId} on ${key.topic}/${key.partition} vanished`);
  // -1 marks a row nobody has moved yet: nothing applied by position.
  const nextOffset = BigInt(row.next_offset);
  return { nextOffset: nextOffset < 0n ? 0n : nextOffset, publications: row.publications };
}

/** Moves the position, counts the messages applied, and commits, in one round trip. */
export async function commitAtPosition(
  client: Pick<pg.ClientBase, 'query'>,
  schema: string,
  key: { consumerId: string; topic: string; partition: number },
  position: { nextOffset: bigint; publications: Record<string, PublicationMark>; applied: number },
): Promise<void> {
  await client.query(
    `UPDATE ${schema}.consumer_positions SET next_offset = ${position.nextOffset.toString()},
       publications = ${lit(JSON.stringify(position.publications))}::jsonb, applied = applied + ${Math.trunc(position.applied)}, updated_at = now()
     WHERE consumer_id = ${lit(key.consumerId)} AND topic = ${lit(key.topic)} AND partition = ${Math.trunc(key.partition)};
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
