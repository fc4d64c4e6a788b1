import { describe, expect, it } from '@jest/globals';
import { PARTITION_DAY_CLOSED, Topics, type PartitionDayClosedEvent } from '@postera/contracts';
import { deterministicId } from '@postera/kernel';
import kafkajs from 'kafkajs';
import type { OutgoingEvent } from '../outbox/outbox.js';
import { markDayClosed, partitionKeys, topicPartitions } from './day-markers.js';

/** Where kafkajs' own partitioner, built apart from the one day-markers.ts holds, puts a key on a topic of `partitions` partitions. */
function placed(key: string, partitions: number): number {
  const partitioner = kafkajs.Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    partitionErrorCode: 0,
    leader: 0,
    replicas: [0],
    isr: [0],
  }));
  return partitioner({ topic: 'trade.events.v1', partitionMetadata, message: { key, value: null } });
}

function marked(o: Partial<Parameters<typeof markDayClosed>[1]> = {}): OutgoingEvent[] {
  const emitted: OutgoingEvent[] = [];
  markDayClosed(
    { emit: (e) => emitted.push(e) },
    { topic: Topics.tradeEvents, producer: 'capture', calendar: 'TARGET', businessDate: '2026-11-26', causeEventId: 'close-26', ...o },
  );
  return emitted;
}

describe('partitionKeys: one key per partition, as the producer’s partitioner places them', () => {
  it('gives 6 distinct keys for 6 partitions, the i-th placed on partition i by kafkajs’ DefaultPartitioner', () => {
    const keys = partitionKeys(6);
    expect(keys).toHaveLength(6);
    expect(new Set(keys).size).toBe(6);
    expect(keys.map((k) => placed(k, 6))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('holds for the catalogue’s other partition counts too (1, 3, 12), each key on its own partition', () => {
    for (const n of [1, 3, 12]) {
      const keys = partitionKeys(n);
      expect(new Set(keys).size).toBe(n);
      expect(keys.map((k) => placed(k, n))).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('gives the same keys every time for a count', () => {
    expect([...partitionKeys(6)]).toEqual([...partitionKeys(6)]);
  });
});

describe('markDayClosed', () => {
  it('reads the partition count from the catalogue (6 for trade.events.v1) and refuses a topic it does not list', () => {
    expect(topicPartitions(Topics.tradeEvents)).toBe(6);
    expect(() => marked({ topic: 'no.such.topic.v1' })).toThrow('topic no.such.topic.v1 is not in the catalogue');
  });

  it('emits one PartitionDayClosed per partition of the topic, each keyed onto its partition, its payload naming it and the count', () => {
    const emitted = marked();
    expect(emitted).toHaveLength(6);
    expect(emitted.map((e) => e.topic)).toEqual(Array(6).fill(Topics.tradeEvents));
    expect(emitted.map((e) => placed(e.key, 6))).toEqual([0, 1, 2, 3, 4, 5]);
    emitted.forEach((e, partition) => {
      const event = e.event as PartitionDayClosedEvent;
      expect(event).toMatchObject({
        eventId: deterministicId(PARTITION_DAY_CLOSED, Topics.tradeEvents, 'TARGET', '2026-11-26', String(partition)),
        type: PARTITION_DAY_CLOSED,
        producer: 'capture',
        correlationId: 'business-day:2026-11-26',
        causationId: 'close-26',
        payload: { calendar: 'TARGET', businessDate: '2026-11-26', partition, partitions: 6 },
      });
    });
    expect(new Set(emitted.map((e) => e.event.eventId)).size).toBe(6);
  });

  it('gives the same ids when the close is handled twice, whatever its cause; another day or topic gets others', () => {
    const ids = (o: Partial<Parameters<typeof markDayClosed>[1]> = {}) => marked(o).map((e) => e.event.eventId);
    const first = ids();
    expect(ids()).toEqual(first);
    expect(ids({ causeEventId: 'close-26-again', producer: 'capture' })).toEqual(first);
    const nextDay = ids({ businessDate: '2026-11-27' });
    const settlement = ids({ topic: Topics.settlementEvents, producer: 'settlement' });
    expect(nextDay.filter((id) => first.includes(id))).toEqual([]);
    expect(settlement.filter((id) => first.includes(id))).toEqual([]);
  });
});
