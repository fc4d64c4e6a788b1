import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  envelope,
  isPartitionDayClosed,
  PARTITION_DAY_CLOSED,
  physicalTopic,
  Topics,
  type CustodianStatusEvent,
  type CustodianStatusV1,
  type EventEnvelope,
  type PartitionDayClosedEvent,
  type TradeEconomics,
} from '@postera/contracts';
import { deterministicId } from '@postera/kernel';
import { eventHeaders, partitionKeys } from '@postera/platform';
import { businessDay, consumeAll, instructionIdOf, produceRaw, tradeEconomics, tradeValidated, waitFor, type ConsumedMessage } from '@postera/testing';
import kafkajs from 'kafkajs';
import { count, e2eEnv, groupCaughtUp, type E2eEnv } from '../../../test/e2e/harness.js';

// Settlement as a built process on the real broker and database, fed by hand on custodian.status.v1
// in the CSD's place: its statuses of a day, then its end-of-day marker (PartitionDayClosed) on each
// partition. Settlement marks the day on every partition of settlement.events.v1 once, and only once,
// the CSD has marked it on all of them.
jest.setTimeout(180_000);

const D = '2026-11-30';
const D2 = '2026-12-01';
const PARTITIONS = 6;

/** The partition kafkajs' producer (the outbox relay's and the test's) writes a key to. */
const partitioner = kafkajs.Partitioners.DefaultPartitioner();
const partitionOf = (key: string) =>
  partitioner({
    topic: '',
    partitionMetadata: Array.from({ length: PARTITIONS }, (_, partitionId) => ({ partitionId, partitionErrorCode: 0, leader: 0, replicas: [0], isr: [0] })),
    message: { key, value: null },
  });

/** Two trades on each partition (both topics are keyed by the trade reference): every partition has statuses of the day before its marker. */
function tradesOnEveryPartition(): TradeEconomics[] {
  const byPartition = new Map<number, TradeEconomics[]>();
  for (let i = 0; [...byPartition.values()].filter((ts) => ts.length >= 2).length < PARTITIONS && i < 1_000; i++) {
    const t = tradeEconomics(`FO-EQ:DM-${i}`, { settlementDate: D });
    const mine = byPartition.get(partitionOf(t.tradeRef)) ?? [];
    if (mine.length < 2) byPartition.set(partitionOf(t.tradeRef), [...mine, t]);
  }
  return [...byPartition.values()].flat();
}
const TRADES = tradesOnEveryPartition();

/** What the CSD says of one instruction: accepted, matched on D, settled whole on D (no document: the event's fields are read). */
function statuses(t: TradeEconomics): CustodianStatusEvent[] {
  const instructionId = instructionIdOf(t.tradeRef, 1);
  const none = { reason: null, settledQuantity: null, settledAmount: null, effectiveSettlementDate: null };
  const advice = (p: Omit<CustodianStatusV1, 'instructionId' | 'tradeRef'>, type: CustodianStatusEvent['type']): CustodianStatusEvent =>
    envelope({
      eventId: deterministicId('custodian', instructionId, p.status, D),
      type,
      producer: 'market-sim',
      correlationId: t.tradeRef,
      causationId: null,
      payload: { instructionId, tradeRef: t.tradeRef, ...p },
    });
  return [
    advice({ status: 'PACK', ...none }, 'StatusAdvice'),
    advice({ status: 'MACH', ...none, businessDate: D }, 'StatusAdvice'),
    advice(
      {
        status: 'SETT',
        reason: null,
        settledQuantity: t.quantity,
        settledAmount: t.netAmount,
        effectiveSettlementDate: D,
        remainingQuantity: '0',
        businessDate: D,
      },
      'SettlementConfirmation',
    ),
  ];
}

/** The CSD's marker of `businessDate` on one partition of custodian.status.v1; `attempt` makes an announcement made again a new event. */
function csdMarker(businessDate: string, partition: number, attempt = ''): PartitionDayClosedEvent {
  return envelope({
    eventId: deterministicId(PARTITION_DAY_CLOSED, Topics.custodianStatus, 'TARGET', businessDate, String(partition), attempt),
    type: PARTITION_DAY_CLOSED,
    producer: 'market-sim',
    correlationId: `business-day:${businessDate}`,
    causationId: null,
    payload: { calendar: 'TARGET', businessDate, partition, partitions: PARTITIONS },
  });
}

describe('settlement marks the end of a day on settlement.events.v1 once the CSD has marked it on every partition', () => {
  let env: E2eEnv;
  /** As the outbox relay writes them: the key given, the event's headers (type among them, read by the consumers' filters). */
  const publish = (topic: string, messages: Array<{ key: string; event: EventEnvelope }>) =>
    produceRaw(
      env.prefix,
      topic,
      messages.map((m) => ({ key: m.key, value: JSON.stringify(m.event), headers: eventHeaders(m.event) })),
    );
  const markers = (businessDate: string, partitions: number[], attempt = '') =>
    partitions.map((p) => ({ key: partitionKeys(PARTITIONS)[p]!, event: csdMarker(businessDate, p, attempt) }));
  /** Settlement has applied every record of custodian.status.v1 and published everything it wrote. */
  const settled = async () => {
    await waitFor(() => groupCaughtUp(`${env.prefix}.settlement.custodian-status`, physicalTopic(env.prefix, Topics.custodianStatus)), {
      timeoutMs: 60_000,
      what: 'settlement to consume custodian.status.v1',
    });
    await waitFor(async () => (await count(env.db, `SELECT count(*) AS n FROM settlement.outbox_pending`)) === 0, {
      timeoutMs: 30_000,
      what: "settlement's outbox to be published",
    });
  };
  /** Every record of settlement.events.v1 so far, with its partition and offset. */
  const settlementEvents = async (): Promise<Array<ConsumedMessage & { event: EventEnvelope }>> =>
    (await consumeAll(physicalTopic(env.prefix, Topics.settlementEvents), { expected: 1_000, timeoutMs: 5_000 })).map((m) => ({
      ...m,
      event: JSON.parse(m.value) as EventEnvelope,
    }));
  const dayMarkers = <M extends { event: EventEnvelope }>(events: M[], businessDate: string) =>
    events.filter((m): m is M & { event: PartitionDayClosedEvent } => isPartitionDayClosed(m.event) && m.event.payload.businessDate === businessDate);

  beforeAll(async () => {
    env = await e2eEnv('settlement-day-markers', { basePort: 5400, smtpUrl: 'smtp://127.0.0.1:1', services: ['settlement'] });
    await env.stack.startAll();
    await publish(Topics.businessDay, [{ key: 'TARGET', event: businessDay('BusinessDayOpened', D) }]);
    await publish(
      Topics.tradeEvents,
      TRADES.map((t) => ({ key: t.tradeRef, event: tradeValidated(t) })),
    );
    await waitFor(async () => (await count(env.db, `SELECT count(*) AS n FROM settlement.instructions WHERE status = 'SENT'`)) === TRADES.length, {
      timeoutMs: 60_000,
      what: `settlement to instruct the ${TRADES.length} trades`,
    });
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('the day’s statuses, then the CSD’s marker on each of the 6 partitions: one settlement marker per partition, after that partition’s settlement events of the day', async () => {
    expect(new Set(TRADES.map((t) => partitionOf(t.tradeRef))).size).toBe(PARTITIONS);
    // One publication: statuses and markers may share a consumer batch, each partition's in its order.
    const csd = markers(D, [0, 1, 2, 3, 4, 5]);
    await publish(Topics.custodianStatus, [...TRADES.flatMap((t) => statuses(t).map((event) => ({ key: t.tradeRef, event }))), ...csd]);
    await settled();
    expect(await count(env.db, `SELECT count(*) AS n FROM settlement.instructions WHERE status = 'SETTLED'`)).toBe(TRADES.length);
    expect(await count(env.db, `SELECT count(*) AS n FROM settlement.day_marks WHERE topic = $1 AND business_date = $2`, [Topics.custodianStatus, D])).toBe(
      PARTITIONS,
    );

    const events = await settlementEvents();
    const ours = dayMarkers(events, D);
    expect(ours.map((m) => [m.partition, m.event.payload]).sort(([a], [b]) => Number(a) - Number(b))).toEqual(
      [0, 1, 2, 3, 4, 5].map((partition) => [partition, { calendar: 'TARGET', businessDate: D, partition, partitions: PARTITIONS }]),
    );
    for (const m of ours) {
      expect(m.event).toMatchObject({
        eventId: deterministicId(PARTITION_DAY_CLOSED, Topics.settlementEvents, 'TARGET', D, String(m.partition)),
        producer: 'settlement',
        correlationId: `business-day:${D}`,
      });
      // Caused by the CSD's marker that completed the day: one of the six.
      expect(csd.map((c) => c.event.eventId)).toContain(m.event.causationId);
    }
    // What the day's statuses caused: three changes per instruction, all on their trade's partition before its marker.
    const changes = events.filter((m) => m.event.type === 'InstructionStatusChanged');
    const ofTheDay = changes.filter((m) => ['ACCEPTED', 'MATCHED', 'SETTLED'].includes((m.event.payload as { status: string }).status));
    expect(ofTheDay).toHaveLength(TRADES.length * 3);
    for (const marker of ours) {
      const onPartition = changes.filter((m) => m.partition === marker.partition);
      expect(onPartition.filter((m) => ['ACCEPTED', 'MATCHED', 'SETTLED'].includes((m.event.payload as { status: string }).status))).toHaveLength(6);
      // Events bound for one partition may share a record: the reading order, not the offset, places them.
      expect(onPartition.filter((m) => events.indexOf(m) > events.indexOf(marker))).toEqual([]);
    }
  });

  it('the CSD’s marker on 5 of the 6 partitions: no settlement marker; the sixth completes the day, marked once on every partition', async () => {
    await publish(Topics.custodianStatus, markers(D2, [0, 1, 2, 3, 4]));
    await settled();
    expect(await count(env.db, `SELECT count(*) AS n FROM settlement.day_marks WHERE topic = $1 AND business_date = $2`, [Topics.custodianStatus, D2])).toBe(5);
    expect(dayMarkers(await settlementEvents(), D2)).toEqual([]);

    await publish(Topics.custodianStatus, markers(D2, [5]));
    await settled();
    expect(
      dayMarkers(await settlementEvents(), D2)
        .map((m) => m.partition)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('the CSD announcing a day again (new events, the same day): recorded once, no second settlement marker', async () => {
    await publish(Topics.custodianStatus, markers(D, [0, 1, 2, 3, 4, 5], 'again'));
    await settled();
    const events = await settlementEvents();
    expect(dayMarkers(events, D)).toHaveLength(PARTITIONS);
    expect(dayMarkers(events, D2)).toHaveLength(PARTITIONS);
    expect(await count(env.db, `SELECT count(*) AS n FROM settlement.day_marks`)).toBe(2 * PARTITIONS);
  });
});
