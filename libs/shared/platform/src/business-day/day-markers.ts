import kafkajs from 'kafkajs';
import { envelope, PARTITION_DAY_CLOSED, TOPIC_CATALOGUE, type PartitionDayClosedEvent, type PartitionDayClosedV1 } from '@postera/contracts';
import { deterministicId } from '@postera/kernel';
import type { EntityManager } from 'typeorm';
import type { BatchContext, InboundMessage } from '../consumer/batch-handler.js';

/**
 * The end of a business day marked on every partition of a topic (contracts: day-markers.v1). The
 * outbox writes a key, not a partition: each marker gets a key that the producer's partitioner
 * (murmur2, as the Java clients and kafkajs.adapter's producer) places on its partition.
 */
const partitioner = kafkajs.Partitioners.DefaultPartitioner();
const keysByCount = new Map<number, string[]>();

export function partitionKeys(partitions: number): string[] {
  const known = keysByCount.get(partitions);
  if (known) return known;
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    partitionErrorCode: 0,
    leader: 0,
    replicas: [0],
    isr: [0],
  }));
  const keys: Array<string | undefined> = new Array(partitions);
  let found = 0;
  for (let i = 0; found < partitions; i++) {
    const key = `day-marker:${i}`;
    const p = partitioner({ topic: '', partitionMetadata, message: { key, value: null } });
    if (keys[p] === undefined) {
      keys[p] = key;
      found++;
    }
  }
  keysByCount.set(partitions, keys as string[]);
  return keys as string[];
}

export function topicPartitions(topic: string): number {
  const spec = TOPIC_CATALOGUE.topics.find((t) => t.name === topic);
  if (!spec) throw new Error(`topic ${topic} is not in the catalogue`);
  return spec.partitions;
}

/**
 * Emits the day's marker to every partition of the topic, in the caller's transaction: after every
 * record that transaction and the ones committed before it wrote (the outbox publishes in id order).
 * The ids are fixed by the day, so a close handled twice marks once.
 */
export function markDayClosed(
  ctx: Pick<BatchContext, 'emit'>,
  o: { topic: string; producer: string; calendar: string; businessDate: string; causeEventId: string | null },
): void {
  const partitions = topicPartitions(o.topic);
  partitionKeys(partitions).forEach((key, partition) => {
    const event: PartitionDayClosedEvent = envelope({
      eventId: deterministicId(PARTITION_DAY_CLOSED, o.topic, o.calendar, o.businessDate, String(partition)),
      type: PARTITION_DAY_CLOSED,
      producer: o.producer,
      correlationId: `business-day:${o.businessDate}`,
      causationId: o.causeEventId,
      payload: { calendar: o.calendar, businessDate: o.businessDate, partition, partitions },
    });
    ctx.emit({ topic: o.topic, key, event });
  });
}

export interface DayMark extends PartitionDayClosedV1 {
  /** The logical topic the marker was read on. */
  topic: string;
}

/**
 * A batch's messages with the day each falls in on its partition: the last day marked there before
 * it ('' before any), read from `<schema>.day_marks` and moved on by the batch's own markers. Returns
 * the markers apart (recordDayMarks) and the other messages with their day.
 */
export async function splitByDayMarks<T extends { type: string; payload: unknown }>(
  tx: EntityManager,
  schema: string,
  messages: InboundMessage<T>[],
  logicalTopic: (physical: string) => string,
): Promise<{ marks: DayMark[]; others: Array<{ message: InboundMessage<T>; markedThrough: string }> }> {
  const partitions = [...new Set(messages.map((m) => `${logicalTopic(m.record.topic)}|${m.record.partition}`))];
  const last = new Map<string, string>();
  if (partitions.length > 0) {
    const rows = (await tx.query(
      `SELECT topic || '|' || partition AS k, to_char(max(business_date), 'YYYY-MM-DD') AS d FROM ${schema}.day_marks
       WHERE topic || '|' || partition = ANY($1::text[]) GROUP BY topic, partition`,
      [partitions],
    )) as Array<{ k: string; d: string }>;
    for (const r of rows) last.set(r.k, r.d);
  }
  const marks: DayMark[] = [];
  const others: Array<{ message: InboundMessage<T>; markedThrough: string }> = [];
  for (const m of messages) {
    const topic = logicalTopic(m.record.topic);
    const k = `${topic}|${m.record.partition}`;
    if (m.body.type === PARTITION_DAY_CLOSED) {
      const mark = { ...(m.body.payload as PartitionDayClosedV1), topic };
      marks.push(mark);
      if (mark.businessDate > (last.get(k) ?? '')) last.set(k, mark.businessDate);
    } else others.push({ message: m, markedThrough: last.get(k) ?? '' });
  }
  return { marks, others };
}

/**
 * Records markers read and returns the days that became marked on every partition of their topic,
 * per topic, in date order. Serialized per topic (a transaction-scoped advisory lock), so that of
 * two batches bringing a day's last two markers, the second sees the first's.
 */
export async function recordDayMarks(tx: EntityManager, schema: string, marks: DayMark[]): Promise<Map<string, string[]>> {
  const completed = new Map<string, string[]>();
  const topics = [...new Set(marks.map((m) => m.topic))].sort();
  for (const topic of topics) {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${schema}.day_marks:${topic}`]);
    const mine = marks.filter((m) => m.topic === topic);
    const inserted = (await tx.query(
      `INSERT INTO ${schema}.day_marks (topic, business_date, partition, partitions)
       SELECT $1, d, p, n FROM unnest($2::date[], $3::int[], $4::int[]) AS x(d, p, n)
       ON CONFLICT DO NOTHING RETURNING to_char(business_date, 'YYYY-MM-DD') AS d`,
      [topic, mine.map((m) => m.businessDate), mine.map((m) => m.partition), mine.map((m) => m.partitions)],
    )) as Array<{ d: string }>;
    const days = [...new Set(inserted.map((r) => r.d))].sort();
    if (days.length === 0) continue;
    const complete = (await tx.query(
      `SELECT to_char(business_date, 'YYYY-MM-DD') AS d FROM ${schema}.day_marks WHERE topic = $1 AND business_date = ANY($2::date[])
       GROUP BY business_date HAVING count(*) >= max(partitions) ORDER BY business_date`,
      [topic, days],
    )) as Array<{ d: string }>;
    if (complete.length > 0)
      completed.set(
        topic,
        complete.map((r) => r.d),
      );
  }
  return completed;
}

/** The table recordDayMarks writes, for a service's migration. */
export const dayMarksTableSql = (schema: string): string => `CREATE TABLE ${schema}.day_marks (
  topic text NOT NULL,
  business_date date NOT NULL,
  partition int NOT NULL,
  partitions int NOT NULL,
  marked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, business_date, partition)
)`;
