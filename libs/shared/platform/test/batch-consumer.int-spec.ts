import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { dlqTopic, envelope, physicalTopic, type EventEnvelope } from '@postera/contracts';
import {
  committedOffsets,
  consumeAll,
  createTestDatabase,
  createTopics,
  deleteTopicsWithPrefix,
  dropTestDatabase,
  endOffsets,
  kafkaBrokers,
  produceRaw,
  testKafkaConnection,
  uniquePrefix,
  waitFor,
  type RawMessage,
} from '@postera/testing'; // '@postera/testing' once its index exports infra.js
import net from 'node:net';
import pg from 'pg';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { BatchConsumer, type BatchConsumerOptions } from '../src/consumer/batch-consumer.js';
import type { BatchContext, BatchHandler, InboundMessage } from '../src/consumer/batch-handler.js';
import { decodeEnvelope, envelopeMessageId } from '../src/consumer/envelope-handler.js';
import { createServiceDataSource, migrate } from '../src/database/database.js';
import { outboxParkedMigration, platformTablesUp, publicationOrderMigration } from '../src/database/platform-tables.js';
import { beginWithInboxClaim } from '../src/inbox/inbox.js';
import { createLogger } from '../src/logger.js';
import { KafkajsBus } from '../src/messaging/kafkajs.adapter.js';
import { kafkaClientOptions } from '../src/messaging/kafka-client-options.js';
import type { BatchControl, MessageBus, MessageConsumer } from '../src/messaging/message-bus.port.js';
import { PlatformMetrics } from '../src/observability/metrics.js';
import { appendToOutbox, eventHeaders, type OutgoingEvent } from '../src/outbox/outbox.js';
import { OutboxRelay } from '../src/outbox/outbox-relay.js';

// The batch consumer and the outbox relay on the real broker and the real database (DESIGN.md §3).
jest.setTimeout(60_000);

const SCHEMA = 'plat';
const log = createLogger('platform-test', process.env.TEST_LOG_LEVEL ?? 'silent');

const TOPICS = {
  bulk: 'test.bulk.v1',
  duplicates: 'test.duplicates.v1',
  duplicatesInChunk: 'test.duplicates-in-chunk.v1',
  poison: 'test.poison.v1',
  sharedPartitions: 'test.shared-partitions.v1',
  sharedPoison: 'test.shared-poison.v1',
  undecodable: 'test.undecodable.v1',
  forgedId: 'test.forged-id.v1',
  resume: 'test.resume.v1',
  graceful: 'test.graceful.v1',
  redelivery: 'test.redelivery.v1',
  relay: 'test.relay.v1',
  relayPair: 'test.relay-pair.v1',
  relayHandover: 'test.relay-handover.v1',
  relayLarge: 'test.relay-large.v1',
  relayRefused: 'test.relay-refused.v1',
  relayReconnect: 'test.relay-reconnect.v1',
  relayRelisten: 'test.relay-relisten.v1',
  deferredCommit: 'test.deferred-commit.v1',
  typed: 'test.typed.v1',
  lateBroker: 'test.late-broker.v1',
  brokerLost: 'test.broker-lost.v1',
  epochs: 'test.epochs.v1',
  replayed: 'test.replayed.v1',
  zombie: 'test.zombie.v1',
  relayResend: 'test.relay-resend.v1',
  packed: 'test.packed.v1',
  packedAcross: 'test.packed-across.v1',
  relayLateBroker: 'test.relay-late-broker.v1',
} as const;
const EFFECTS_TOPIC = 'test.effects-applied.v1';

class PlatformTestSchema1700000000000 implements MigrationInterface {
  name = 'PlatformTestSchema1700000000000';
  async up(q: QueryRunner): Promise<void> {
    for (const sql of platformTablesUp(SCHEMA)) await q.query(sql);
    await new (outboxParkedMigration(SCHEMA))().up(q);
    await new (publicationOrderMigration(SCHEMA))().up(q);
    // n counts applications of a message: any value other than 1 is a double effect.
    await q.query(`CREATE TABLE ${SCHEMA}.effects (message_id text PRIMARY KEY, n int NOT NULL)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${SCHEMA}.effects`);
  }
}

interface TestPayload {
  seq: number;
  poison?: boolean;
}
type TestEvent = EventEnvelope<TestPayload>;

/** Holds the handler once `applyMax` messages were applied, until released: a consumer caught mid-stream. */
class Gate {
  applied = 0;
  waiting = false;
  private open: () => void = () => undefined;
  private readonly opened = new Promise<void>((resolve) => (this.open = resolve));
  constructor(private readonly applyMax: number) {}
  async pass(): Promise<void> {
    if (this.applied < this.applyMax) return;
    this.waiting = true;
    await this.opened;
  }
  release(): void {
    this.open();
  }
}

/** One effects row per fresh message, one outbox event per message; a poison payload throws mid-batch. */
class EffectsHandler implements BatchHandler<TestEvent> {
  readonly topics: string[];
  constructor(
    readonly consumerId: string,
    topic: string,
    private readonly gate?: Gate,
  ) {
    this.topics = [topic];
  }
  messageId = envelopeMessageId;
  decode = (record: Parameters<typeof decodeEnvelope>[0]) => decodeEnvelope<TestPayload>(record);

  async handle(ctx: BatchContext, messages: InboundMessage<TestEvent>[]): Promise<void> {
    await this.gate?.pass();
    // Row by row on purpose: a poison message after some inserts proves the whole batch rolls back.
    for (const m of messages) {
      if (m.body.payload.poison) throw new Error(`poison message seq=${m.body.payload.seq}`);
      await ctx.tx.query(`INSERT INTO ${ctx.schema}.effects (message_id, n) VALUES ($1, 1) ON CONFLICT (message_id) DO UPDATE SET n = effects.n + 1`, [
        m.messageId,
      ]);
      ctx.emit({
        topic: EFFECTS_TOPIC,
        key: m.record.key ?? m.messageId,
        event: envelope({
          type: 'test.effect-applied',
          producer: 'platform-test',
          correlationId: m.body.correlationId,
          causationId: m.messageId,
          payload: { seq: m.body.payload.seq },
        }),
      });
    }
    if (this.gate) this.gate.applied += messages.length;
  }
}

/** EffectsHandler that notes how many partitions each of its transactions carried. */
class PartitionsPerTransaction extends EffectsHandler {
  readonly partitions: number[] = [];
  override async handle(ctx: BatchContext, messages: InboundMessage<TestEvent>[]): Promise<void> {
    this.partitions.push(new Set(messages.map((m) => m.record.partition)).size);
    await super.handle(ctx, messages);
  }
}

function testEvent(seq: number, extra: Partial<TestPayload> = {}): TestEvent {
  return envelope({ type: 'test.happened', producer: 'platform-test', correlationId: `k${seq % 10}`, causationId: null, payload: { seq, ...extra } });
}

function asRaw(e: TestEvent, partition?: number): RawMessage {
  return { key: e.correlationId, value: JSON.stringify(e), headers: { eventId: e.eventId, type: e.type }, ...(partition === undefined ? {} : { partition }) };
}

/** The record as a relay publishes it: with its outbox's name, epoch and publication sequence. */
function asPublished(e: TestEvent, seq: number, partition?: number, epoch = 'epoch-1'): RawMessage {
  const raw = asRaw(e, partition);
  return { ...raw, headers: { ...raw.headers, outbox: 'upstream', 'outbox-epoch': epoch, 'outbox-seq': String(seq) } };
}

describe('BatchConsumer and OutboxRelay on real Kafka and Postgres', () => {
  const prefix = uniquePrefix('platform');
  let databaseUrl = '';
  let ds: DataSource;
  // Everything a test starts, stopped after it whatever its outcome, so no test leaks into the next.
  const running: Array<() => Promise<unknown>> = [];

  const options = (): BatchConsumerOptions => ({
    schema: SCHEMA,
    topicPrefix: prefix,
    groupPrefix: prefix, // groups named `<prefix>.<consumerId>`: deleteTopicsWithPrefix removes them too
    batchSizeMax: 50,
    partitionsConcurrentMax: 2,
    retryCountMax: 2,
    retryBackoffMs: 10,
  });

  function newBus(name: string, offsetCommitIntervalMs = 0): KafkajsBus {
    const bus = new KafkajsBus(kafkaClientOptions(testKafkaConnection(), `${prefix}-${name}`), log, undefined, undefined, offsetCommitIntervalMs);
    running.push(() => bus.close());
    return bus;
  }

  async function startConsumer(handler: BatchHandler<TestEvent>, bus: MessageBus, metrics: PlatformMetrics, extra: Partial<BatchConsumerOptions> = {}): Promise<BatchConsumer> {
    const consumer = new BatchConsumer(handler as BatchHandler, ds, bus, { ...options(), ...extra }, metrics, log);
    running.push(() => consumer.stop());
    await consumer.start();
    return consumer;
  }

  const newMetrics = () => new PlatformMetrics('platform-test', async () => 0);

  async function scalar(sql: string, params: unknown[] = []): Promise<number> {
    const [row] = (await ds.query(sql, params)) as Array<{ v: string | number | null }>;
    return Number(row?.v ?? 0);
  }
  const effectsCount = () => scalar(`SELECT count(*) AS v FROM ${SCHEMA}.effects`);
  const applicationsCount = () => scalar(`SELECT coalesce(sum(n), 0) AS v FROM ${SCHEMA}.effects`);
  const inboxCount = (consumerId: string) => scalar(`SELECT count(*) AS v FROM ${SCHEMA}.inbox WHERE consumer_id = $1`, [consumerId]);
  const outboxCount = () => scalar(`SELECT count(*) AS v FROM ${SCHEMA}.outbox`);
  const pendingCount = () => scalar(`SELECT count(*) AS v FROM ${SCHEMA}.outbox_pending`);
  /** The consumer's positions: the next offset of each partition, summed (the messages a partition's position has passed). */
  const positionsTotal = (consumerId: string) => scalar(`SELECT coalesce(sum(next_offset), 0) AS v FROM ${SCHEMA}.consumer_positions WHERE consumer_id = $1`, [consumerId]);

  async function counterValue(counter: PlatformMetrics['duplicates'], consumerId: string): Promise<number> {
    const { values } = await counter.get();
    return values.filter((v) => v.labels.consumer === consumerId).reduce((sum, v) => sum + v.value, 0);
  }

  /** True once the group's committed offset of every partition is the partition's end offset. */
  async function caughtUp(groupId: string, logicalTopic: string): Promise<boolean> {
    const topic = physicalTopic(prefix, logicalTopic);
    const [ends, committed] = await Promise.all([endOffsets(topic), committedOffsets(groupId, topic)]);
    // An empty partition has nothing to commit: its group offset stays -1.
    return [...ends].every(([partition, end]) => committed.get(partition) === end || (end === '0' && committed.get(partition) === '-1'));
  }

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('platform');
    ds = createServiceDataSource({
      url: databaseUrl,
      schema: SCHEMA,
      migrations: [PlatformTestSchema1700000000000],
      poolMax: 10,
      applicationName: 'platform-test',
    });
    expect(await migrate(ds, SCHEMA)).toEqual(['PlatformTestSchema1700000000000']);
    await createTopics(
      prefix,
      [
        { name: TOPICS.bulk, partitions: 3 },
        { name: TOPICS.duplicates, partitions: 3 },
        { name: TOPICS.duplicatesInChunk, partitions: 1 },
        { name: TOPICS.poison, partitions: 1 },
        { name: TOPICS.sharedPartitions, partitions: 3 },
        { name: TOPICS.sharedPoison, partitions: 3 },
        { name: TOPICS.packedAcross, partitions: 3 },
        { name: TOPICS.relayLateBroker, partitions: 1 },
        { name: TOPICS.undecodable, partitions: 1 },
        { name: TOPICS.forgedId, partitions: 1 },
        { name: TOPICS.resume, partitions: 1 },
        { name: TOPICS.graceful, partitions: 1 },
        { name: TOPICS.redelivery, partitions: 2 },
        { name: TOPICS.relay, partitions: 3 },
        { name: TOPICS.relayPair, partitions: 3 },
        { name: TOPICS.relayHandover, partitions: 1 },
        { name: TOPICS.relayLarge, partitions: 3 },
        { name: TOPICS.relayRefused, partitions: 1 },
        { name: TOPICS.relayReconnect, partitions: 2 },
        { name: TOPICS.relayRelisten, partitions: 1 },
        { name: TOPICS.deferredCommit, partitions: 1 },
        { name: TOPICS.typed, partitions: 2 },
        { name: TOPICS.lateBroker, partitions: 2 },
        { name: TOPICS.brokerLost, partitions: 2 },
        { name: TOPICS.epochs, partitions: 1 },
        { name: TOPICS.replayed, partitions: 1 },
        { name: TOPICS.zombie, partitions: 2 },
        { name: TOPICS.relayResend, partitions: 2 },
        { name: TOPICS.packed, partitions: 3 },
      ],
      { withDlq: true },
    );
  });

  beforeEach(async () => {
    await ds.query(`TRUNCATE ${SCHEMA}.effects, ${SCHEMA}.inbox, ${SCHEMA}.outbox`);
  });

  afterEach(async () => {
    // Last started, first stopped: consumers before the buses they run on.
    while (running.length > 0) await running.pop()!().catch(() => undefined);
  });

  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
    await deleteTopicsWithPrefix(prefix);
  });

  it('applies 200 messages across 3 partitions exactly once and commits every offset', async () => {
    const events = Array.from({ length: 200 }, (_, i) => testEvent(i));
    await produceRaw(
      prefix,
      TOPICS.bulk,
      events.map((e, i) => asRaw(e, i % 3)),
    );
    const handler = new EffectsHandler('bulk', TOPICS.bulk);
    const metrics = newMetrics();
    const consumer = await startConsumer(handler, newBus('bulk'), metrics);

    await waitFor(async () => (await effectsCount()) >= 200, { what: '200 effect rows' });
    await waitFor(() => caughtUp(consumer.groupId, TOPICS.bulk), { what: 'committed offsets at the end of every partition' });

    const topic = physicalTopic(prefix, TOPICS.bulk);
    const ends = await endOffsets(topic);
    expect([...ends.values()].sort()).toEqual(['66', '67', '67']);
    expect(await committedOffsets(consumer.groupId, topic)).toEqual(ends);
    expect(await effectsCount()).toBe(200);
    expect(await applicationsCount()).toBe(200);
    expect(await positionsTotal('bulk')).toBe(200); // 66 + 67 + 67: one position row per partition
    expect(await inboxCount('bulk')).toBe(0); // nothing written per message
    expect(await outboxCount()).toBe(200); // one event emitted per message, in the same transactions
    expect(await counterValue(metrics.consumed, 'bulk')).toBe(200);
    expect(await counterValue(metrics.duplicates, 'bulk')).toBe(0);
  });

  it('skips the event types a handler does not act on: no effect, no transaction, offsets committed; a record without a type header is still taken', async () => {
    const wanted = Array.from({ length: 30 }, (_, i) => testEvent(i));
    const other = Array.from({ length: 70 }, (_, i) => ({ ...testEvent(100 + i), type: 'test.not-for-me' }));
    const untyped = testEvent(999);
    const mixed = [...wanted, ...other].sort((a, b) => (a.payload.seq % 7) - (b.payload.seq % 7));
    await produceRaw(prefix, TOPICS.typed, [
      ...mixed.map((e, i) => asRaw(e, i % 2)),
      { key: untyped.correlationId, value: JSON.stringify(untyped), headers: { eventId: untyped.eventId }, partition: 0 },
    ]);
    const handler = Object.assign(new EffectsHandler('typed', TOPICS.typed), {
      accepts: (r: { headers: Record<string, string> }) => r.headers.type === undefined || r.headers.type === 'test.happened',
    });
    const metrics = newMetrics();
    const consumer = await startConsumer(handler, newBus('typed'), metrics);

    await waitFor(() => caughtUp(consumer.groupId, TOPICS.typed), { what: 'committed offsets at the end of both partitions' });
    expect(await effectsCount()).toBe(31);
    const applied = (await ds.query(`SELECT message_id FROM ${SCHEMA}.effects ORDER BY message_id COLLATE "C"`)) as Array<{ message_id: string }>;
    expect(applied.map((r) => r.message_id)).toEqual([...wanted.map((e) => e.eventId), untyped.eventId].sort());
    expect(await counterValue(metrics.skipped, 'typed')).toBe(70);
    expect(await counterValue(metrics.consumed, 'typed')).toBe(31);
  });

  it('gives a message an outbox sent again (same publication sequence, later offset) no second effect and counts it as a duplicate', async () => {
    const events = Array.from({ length: 50 }, (_, i) => testEvent(i));
    await produceRaw(
      prefix,
      TOPICS.duplicates,
      events.map((e, i) => asPublished(e, i + 1)),
    );
    const handler = new EffectsHandler('duplicates', TOPICS.duplicates);
    const metrics = newMetrics();
    const consumer = await startConsumer(handler, newBus('duplicates'), metrics);
    await waitFor(() => caughtUp(consumer.groupId, TOPICS.duplicates), { what: 'the first copy committed' });
    expect(await effectsCount()).toBe(50);

    // The relay sends the last 30 again (a crash between the broker's acknowledgement and the
    // cursor's update), then goes on with 10 new ones.
    const more = Array.from({ length: 10 }, (_, i) => testEvent(50 + i));
    await produceRaw(prefix, TOPICS.duplicates, [
      ...events.slice(20).map((e, i) => asPublished(e, 21 + i)),
      ...more.map((e, i) => asPublished(e, 51 + i)),
    ]);
    await waitFor(async () => (await effectsCount()) >= 60, { what: '60 effects' });
    await waitFor(() => caughtUp(consumer.groupId, TOPICS.duplicates), { what: 'the second copy committed' });

    expect(await effectsCount()).toBe(60);
    expect(await applicationsCount()).toBe(60);
    expect(await inboxCount('duplicates')).toBe(0);
    expect(await outboxCount()).toBe(60);
    expect(await counterValue(metrics.duplicates, 'duplicates')).toBe(30);
    const exported = await metrics.registry.getSingleMetric('postera_messages_duplicate_total')?.get();
    expect(exported?.values.reduce((sum, v) => sum + v.value, 0)).toBe(30);
    expect(await counterValue(metrics.consumed, 'duplicates')).toBe(90);
    // Per partition, the last sequence applied from the outbox.
    const marks = (await ds.query(`SELECT publications FROM ${SCHEMA}.consumer_positions WHERE consumer_id = 'duplicates'`)) as Array<{
      publications: Record<string, { epoch: string; seq: number }>;
    }>;
    expect(Math.max(...marks.map((m) => m.publications.upstream!.seq))).toBe(60);
    expect(new Set(marks.map((m) => m.publications.upstream!.epoch))).toEqual(new Set(['epoch-1']));
  });

  it('applies the records of a new incarnation of an outbox (another epoch) even though their sequence starts over', async () => {
    const before = Array.from({ length: 5 }, (_, i) => testEvent(i));
    const after = Array.from({ length: 5 }, (_, i) => testEvent(10 + i));
    await produceRaw(prefix, TOPICS.epochs, [...before.map((e, i) => asPublished(e, 100 + i, 0)), ...after.map((e, i) => asPublished(e, 1 + i, 0, 'epoch-2'))]);
    const metrics = newMetrics();
    const consumer = await startConsumer(new EffectsHandler('epochs', TOPICS.epochs), newBus('epochs'), metrics);
    await waitFor(() => caughtUp(consumer.groupId, TOPICS.epochs), { what: 'both incarnations read' });
    expect(await effectsCount()).toBe(10);
    expect(await counterValue(metrics.duplicates, 'epochs')).toBe(0);
  });

  it('a dead letter put back by an operator is applied by its identity, once however often it is replayed', async () => {
    const applied = testEvent(1);
    const deadLettered = testEvent(2); // sequence 2, below the 3 applied after it: only its identity can let it in
    const after = testEvent(3);
    await produceRaw(prefix, TOPICS.replayed, [asPublished(applied, 1, 0), asPublished(after, 3, 0)]);
    const metrics = newMetrics();
    const consumer = await startConsumer(new EffectsHandler('replayed', TOPICS.replayed), newBus('replayed'), metrics);
    await waitFor(() => caughtUp(consumer.groupId, TOPICS.replayed), { what: 'the first two applied' });

    const replay = (n: number): RawMessage => {
      const raw = asPublished(deadLettered, 2, 0);
      return { ...raw, headers: { ...raw.headers, 'replayed-from': `test.replayed.v1.dlq/0/${n}` } };
    };
    await produceRaw(prefix, TOPICS.replayed, [replay(0)]);
    await waitFor(async () => (await effectsCount()) === 3, { what: 'the replayed dead letter applied' });
    await produceRaw(prefix, TOPICS.replayed, [replay(0), asPublished(applied, 1, 0)]); // the replay again, and a sequence already applied
    await waitFor(() => caughtUp(consumer.groupId, TOPICS.replayed), { what: 'the second replay read' });

    expect(await applicationsCount()).toBe(3);
    expect(await counterValue(metrics.duplicates, 'replayed')).toBe(2);
    const inbox = (await ds.query(`SELECT message_id FROM ${SCHEMA}.inbox WHERE consumer_id = 'replayed'`)) as Array<{ message_id: string }>;
    expect(inbox.map((r) => r.message_id)).toEqual([deadLettered.eventId]);
  });

  // A member that lost its partitions in a rebalance but still runs a batch writes beside the member
  // that now owns them. Two groups with one consumer id read the same records, as a zombie and the
  // live member would: the position's row lock lets one apply each message, the other skips it.
  it('fences a zombie: two members applying the same partitions under one consumer id give every message one effect', async () => {
    const events = Array.from({ length: 300 }, (_, i) => testEvent(i));
    await produceRaw(
      prefix,
      TOPICS.zombie,
      events.map((e, i) => asRaw(e, i % 2)),
    );
    const metricsA = newMetrics();
    const metricsB = newMetrics();
    const handler = () => new EffectsHandler('zombie', TOPICS.zombie) as BatchHandler;
    const live = new BatchConsumer(handler(), ds, newBus('zombie-live'), options(), metricsA, log);
    const zombie = new BatchConsumer(handler(), ds, newBus('zombie-old'), { ...options(), groupPrefix: `${prefix}.zombie` }, metricsB, log);
    running.push(() => live.stop(), () => zombie.stop());
    await Promise.all([live.start(), zombie.start()]);
    await waitFor(async () => (await caughtUp(live.groupId, TOPICS.zombie)) && (await caughtUp(zombie.groupId, TOPICS.zombie)), {
      what: 'both members at the end of both partitions',
      timeoutMs: 45_000,
    });

    expect(await effectsCount()).toBe(300);
    expect(await applicationsCount()).toBe(300);
    expect(await outboxCount()).toBe(300);
    expect(await positionsTotal('zombie')).toBe(300);
    const duplicates = (await counterValue(metricsA.duplicates, 'zombie')) + (await counterValue(metricsB.duplicates, 'zombie'));
    expect(duplicates).toBe(300); // each record read twice, applied once
  });

  it('applies a message repeated inside one chunk once, at its first position', async () => {
    const events = Array.from({ length: 20 }, (_, i) => testEvent(i));
    // 40 records in one partition (< batchSizeMax): each eventId appears twice in the same chunk.
    await produceRaw(
      prefix,
      TOPICS.duplicatesInChunk,
      [...events, ...events].map((e) => asRaw(e, 0)),
    );
    const metrics = newMetrics();
    const consumer = await startConsumer(new EffectsHandler('in-chunk', TOPICS.duplicatesInChunk), newBus('in-chunk'), metrics);
    await waitFor(() => caughtUp(consumer.groupId, TOPICS.duplicatesInChunk), { what: 'all 40 records committed' });

    expect(await effectsCount()).toBe(20);
    expect(await applicationsCount()).toBe(20);
    expect(await outboxCount()).toBe(20);
    expect(await counterValue(metrics.duplicates, 'in-chunk')).toBe(20);
  });

  it('isolates a poison message: the rest of its chunk is applied, it goes to the DLQ with its bytes and the error', async () => {
    const events = Array.from({ length: 20 }, (_, i) => testEvent(i, i === 10 ? { poison: true } : {}));
    const raws = events.map((e) => asRaw(e, 0));
    await produceRaw(prefix, TOPICS.poison, raws);
    const metrics = newMetrics();
    const consumer = await startConsumer(new EffectsHandler('poison', TOPICS.poison), newBus('poison'), metrics);
    await waitFor(() => caughtUp(consumer.groupId, TOPICS.poison), { what: 'offsets past the poison message' });

    const applied = (await ds.query(`SELECT message_id FROM ${SCHEMA}.effects`)) as Array<{ message_id: string }>;
    const expected = events.filter((_, i) => i !== 10).map((e) => e.eventId);
    expect(applied.map((r) => r.message_id).sort()).toEqual([...expected].sort()); // includes the 9 after the poison
    expect(await applicationsCount()).toBe(19);
    expect(await positionsTotal('poison')).toBe(20); // the last message's chunk moved the position past the poison
    expect(await outboxCount()).toBe(19);

    const source = physicalTopic(prefix, TOPICS.poison);
    const dlq = await consumeAll(dlqTopic(source), { expected: 1, settleMs: 300 });
    expect(dlq).toHaveLength(1);
    const [dead] = dlq;
    expect(dead!.value).toBe(raws[10]!.value);
    expect(dead!.key).toBe(raws[10]!.key);
    expect(dead!.headers).toMatchObject({
      eventId: events[10]!.eventId, // the original headers travel along
      type: 'test.happened',
      'dlq-attempts': '3', // retryCountMax + 1
      'dlq-consumer': 'poison',
      'dlq-original-topic': source,
      'dlq-original-partition': '0',
      'dlq-original-offset': '10',
    });
    expect(dead!.headers['dlq-error']).toContain('poison message seq=10');
    expect(await counterValue(metrics.dlq, 'poison')).toBe(1);
  });

  // Records waiting on all three partitions when the consumer starts: its first fetch brings the
  // three, and kafkajs hands two over at once (partitionsConcurrentMax 2).
  it('applies the chunks of partitions handed over together in one transaction, each position moved', async () => {
    const events = Array.from({ length: 90 }, (_, i) => testEvent(i));
    await produceRaw(
      prefix,
      TOPICS.sharedPartitions,
      events.map((e, i) => asRaw(e, i % 3)),
    );
    const handler = new PartitionsPerTransaction('shared', TOPICS.sharedPartitions);
    const metrics = newMetrics();
    const consumer = await startConsumer(handler, newBus('shared'), metrics, { partitionsShareTransaction: true });
    await waitFor(() => caughtUp(consumer.groupId, TOPICS.sharedPartitions), { what: 'the three partitions committed' });

    expect(Math.max(...handler.partitions)).toBe(2);
    expect(handler.partitions.length).toBeLessThan(3 * Math.ceil(30 / options().batchSizeMax)); // fewer transactions than chunks
    expect(await effectsCount()).toBe(90);
    expect(await applicationsCount()).toBe(90);
    const positions = (await ds.query(`SELECT partition, next_offset::int AS next FROM ${SCHEMA}.consumer_positions WHERE consumer_id = 'shared' ORDER BY partition`)) as Array<{
      partition: number;
      next: number;
    }>;
    expect(positions).toEqual([
      { partition: 0, next: 30 },
      { partition: 1, next: 30 },
      { partition: 2, next: 30 },
    ]);
    expect(await outboxCount()).toBe(90);
    expect(await counterValue(metrics.consumed, 'shared')).toBe(90);
  });

  it('applies each chunk alone when their shared transaction fails: the poison goes to the DLQ, every other message is applied once', async () => {
    const events = Array.from({ length: 30 }, (_, i) => testEvent(i, i === 4 ? { poison: true } : {}));
    const raws = events.map((e, i) => asRaw(e, i % 3)); // the poison on partition 1, with 9 others
    await produceRaw(prefix, TOPICS.sharedPoison, raws);
    const handler = new PartitionsPerTransaction('shared-poison', TOPICS.sharedPoison);
    const metrics = newMetrics();
    const consumer = await startConsumer(handler, newBus('shared-poison'), metrics, { partitionsShareTransaction: true });
    await waitFor(() => caughtUp(consumer.groupId, TOPICS.sharedPoison), { what: 'offsets past the poison message' });

    expect(handler.partitions).toContain(2); // the shared transaction was tried
    const applied = (await ds.query(`SELECT message_id FROM ${SCHEMA}.effects`)) as Array<{ message_id: string }>;
    expect(applied.map((r) => r.message_id).sort()).toEqual(
      events
        .filter((_, i) => i !== 4)
        .map((e) => e.eventId)
        .sort(),
    );
    expect(await applicationsCount()).toBe(29); // the shared transaction left nothing behind
    expect(await positionsTotal('shared-poison')).toBe(30);
    expect(await outboxCount()).toBe(29);
    const dlq = await consumeAll(dlqTopic(physicalTopic(prefix, TOPICS.sharedPoison)), { expected: 1, settleMs: 300 });
    expect(dlq.map((d) => d.headers.eventId)).toEqual([events[4]!.eventId]);
    expect(await counterValue(metrics.dlq, 'shared-poison')).toBe(1);
  });

  it('claims inbox ids inlined with BEGIN exactly as given (quotes, backslashes, non-ASCII), and only once', async () => {
    const ids = [`it's`, 'back\\slash \\n', 'é€ 😀', "'); DROP TABLE x; --", `it's`];
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const fresh = await beginWithInboxClaim(client, SCHEMA, 'escapes', ids);
      await client.query('COMMIT');
      expect([...fresh].sort()).toEqual([...new Set(ids)].sort());
      const again = await beginWithInboxClaim(client, SCHEMA, 'escapes', [...ids, 'new one']);
      await client.query('COMMIT');
      expect([...again]).toEqual(['new one']);
    } finally {
      await client.end();
    }
    const stored = (await ds.query(`SELECT message_id FROM ${SCHEMA}.inbox WHERE consumer_id = 'escapes' ORDER BY message_id COLLATE "C"`)) as Array<{ message_id: string }>;
    expect(stored.map((r) => r.message_id)).toEqual([...new Set([...ids, 'new one'])].sort());
  });

  it('with a commit interval, processed offsets wait for it; a chunk that sent a dead letter, and a stop, commit at once', async () => {
    const topic = physicalTopic(prefix, TOPICS.deferredCommit);
    const committed = async (groupId: string) => (await committedOffsets(groupId, topic)).get(0);
    // A minute: nothing in this test waits for the interval itself.
    const consumer = await startConsumer(new EffectsHandler('deferred', TOPICS.deferredCommit), newBus('deferred', 60_000), newMetrics());

    await produceRaw(prefix, TOPICS.deferredCommit, Array.from({ length: 10 }, (_, i) => asRaw(testEvent(i), 0)));
    await waitFor(async () => (await effectsCount()) === 10, { what: '10 effect rows' });
    expect(await committed(consumer.groupId)).toBe('-1'); // applied and the position moved, the offsets not yet committed

    await produceRaw(prefix, TOPICS.deferredCommit, [asRaw(testEvent(10, { poison: true }), 0)]);
    await waitFor(async () => (await committed(consumer.groupId)) === '11', { what: 'the offsets committed with the dead letter' });
    expect(await consumeAll(dlqTopic(topic), { expected: 1, settleMs: 300 })).toHaveLength(1);

    await produceRaw(prefix, TOPICS.deferredCommit, Array.from({ length: 5 }, (_, i) => asRaw(testEvent(11 + i), 0)));
    await waitFor(async () => (await effectsCount()) === 15, { what: '15 effect rows' });
    expect(await committed(consumer.groupId)).toBe('11');
    await consumer.stop();
    expect(await committed(consumer.groupId)).toBe('16');
    expect(await positionsTotal('deferred')).toBe(16);
  });

  it('sends an undecodable message straight to the DLQ after one attempt and applies the others', async () => {
    const events = Array.from({ length: 10 }, (_, i) => testEvent(i));
    const raws = events.map((e) => asRaw(e, 0));
    const garbage = 'this is {not json';
    raws.splice(4, 0, { key: 'k-garbage', value: garbage, headers: { origin: 'fuzz' }, partition: 0 });
    await produceRaw(prefix, TOPICS.undecodable, raws);
    const metrics = newMetrics();
    const consumer = await startConsumer(new EffectsHandler('undecodable', TOPICS.undecodable), newBus('undecodable'), metrics);
    await waitFor(() => caughtUp(consumer.groupId, TOPICS.undecodable), { what: 'offsets past the undecodable message' });

    expect(await effectsCount()).toBe(10);
    expect(await applicationsCount()).toBe(10);
    const source = physicalTopic(prefix, TOPICS.undecodable);
    const dlq = await consumeAll(dlqTopic(source), { expected: 1, settleMs: 300 });
    expect(dlq).toHaveLength(1);
    expect(dlq[0]!.value).toBe(garbage);
    expect(dlq[0]!.key).toBe('k-garbage');
    expect(dlq[0]!.headers).toMatchObject({ origin: 'fuzz', 'dlq-attempts': '1', 'dlq-consumer': 'undecodable', 'dlq-original-offset': '4' });
    expect(dlq[0]!.headers['dlq-error']).toContain('not JSON');
  });

  // A producer that may write the topic claims the id of an event to come in the header of a record of
  // its own: were the inbox keyed by the header, the real event would later be skipped as a duplicate.
  it('takes the event id from the body: a record whose eventId header names another event goes to the DLQ, the real event is applied', async () => {
    const real = testEvent(1);
    const forged = testEvent(2);
    await produceRaw(prefix, TOPICS.forgedId, [
      { key: forged.correlationId, value: JSON.stringify(forged), headers: { eventId: real.eventId, type: forged.type }, partition: 0 },
      asRaw(real, 0),
    ]);
    const consumer = await startConsumer(new EffectsHandler('forged-id', TOPICS.forgedId), newBus('forged-id'), newMetrics());
    await waitFor(() => caughtUp(consumer.groupId, TOPICS.forgedId), { what: 'offsets past both records' });

    const applied = (await ds.query(`SELECT message_id FROM ${SCHEMA}.effects`)) as Array<{ message_id: string }>;
    expect(applied.map((r) => r.message_id)).toEqual([real.eventId]);
    const dlq = await consumeAll(dlqTopic(physicalTopic(prefix, TOPICS.forgedId)), { expected: 1, settleMs: 300 });
    expect(dlq).toHaveLength(1);
    expect(dlq[0]!.headers).toMatchObject({ eventId: real.eventId, 'dlq-attempts': '1', 'dlq-consumer': 'forged-id', 'dlq-original-offset': '0' });
    expect(dlq[0]!.headers['dlq-error']).toBe(`eventId header "${real.eventId}" disagrees with the envelope's eventId ${forged.eventId}`);
  });

  /** Produces 200 messages to one partition and stops a consumer while it holds its second chunk. */
  async function stopMidStream(consumerId: string, logicalTopic: string): Promise<{ groupId: string; applied: number; committed: number }> {
    const events = Array.from({ length: 200 }, (_, i) => testEvent(i));
    await produceRaw(
      prefix,
      logicalTopic,
      events.map((e) => asRaw(e, 0)),
    );
    const gate = new Gate(50);
    const consumer = await startConsumer(new EffectsHandler(consumerId, logicalTopic, gate), newBus(`${consumerId}-1`), newMetrics());
    await waitFor(() => gate.waiting, { what: 'the consumer holding its second chunk' });
    const stopping = consumer.stop();
    gate.release(); // the chunk in hand finishes its transaction after the stop began
    await stopping;
    const committed = Number((await committedOffsets(consumer.groupId, physicalTopic(prefix, logicalTopic))).get(0));
    return { groupId: consumer.groupId, applied: await effectsCount(), committed };
  }

  it('resumes from the committed offsets after a stop mid-stream, with no second effect', async () => {
    const first = await stopMidStream('resume', TOPICS.resume);
    expect(first.applied).toBeGreaterThan(50); // the first chunk and the one in hand
    expect(first.applied).toBeLessThan(200);
    expect(await positionsTotal('resume')).toBe(first.applied);
    // Never ahead of the database (that would lose messages); at least the first chunk.
    expect(first.committed).toBeGreaterThanOrEqual(50);
    expect(first.committed).toBeLessThanOrEqual(first.applied);

    // Second consumer, same group: starts at the committed offset; what was applied but not yet
    // committed comes again and its position drops it.
    const metrics = newMetrics();
    const second = await startConsumer(new EffectsHandler('resume', TOPICS.resume), newBus('resume-2'), metrics);
    await waitFor(() => caughtUp(second.groupId, TOPICS.resume), { what: 'the second consumer at the end of the topic' });

    expect(await effectsCount()).toBe(200);
    expect(await applicationsCount()).toBe(200);
    expect(await positionsTotal('resume')).toBe(200);
    expect(await outboxCount()).toBe(200);
    expect(await counterValue(metrics.consumed, 'resume')).toBe(200 - first.committed);
    expect(await counterValue(metrics.duplicates, 'resume')).toBe(first.applied - first.committed);
  });

  // kafkajs ignores commitOffsets once its own stop() has begun: the adapter drains the batch in
  // hand before disconnecting, so a graceful stop commits what it applied.
  it('commits the offset of the chunk in hand when the consumer stops gracefully', async () => {
    const { applied, committed } = await stopMidStream('graceful', TOPICS.graceful);
    expect(committed).toBe(applied);
  });

  it('absorbs a full redelivery when the offsets were never committed (crash after the database commit)', async () => {
    const events = Array.from({ length: 120 }, (_, i) => testEvent(i));
    await produceRaw(
      prefix,
      TOPICS.redelivery,
      events.map((e, i) => asRaw(e, i % 2)),
    );
    const topic = physicalTopic(prefix, TOPICS.redelivery);

    // The first consumer's offset commits are lost, as when the process dies between the two commits.
    const first = await startConsumer(new EffectsHandler('redelivery', TOPICS.redelivery), commitsLost(newBus('redelivery-1')), newMetrics());
    await waitFor(async () => (await effectsCount()) >= 120, { what: '120 effects by the first consumer' });
    await first.stop();
    expect([...(await committedOffsets(first.groupId, topic)).values()]).toEqual(['-1', '-1']);

    const metrics = newMetrics();
    const second = await startConsumer(new EffectsHandler('redelivery', TOPICS.redelivery), newBus('redelivery-2'), metrics);
    await waitFor(() => caughtUp(second.groupId, TOPICS.redelivery), { what: 'the second consumer at the end of the topic' });

    expect(await counterValue(metrics.duplicates, 'redelivery')).toBe(120);
    expect(await effectsCount()).toBe(120);
    expect(await applicationsCount()).toBe(120);
    expect(await outboxCount()).toBe(120); // a duplicate emits nothing
  });

  // A service booted while the broker is down (a broker restart, a whole stack starting at once):
  // kafkajs gives up connecting after its own retries (~16 s here); the consumer then waits for the
  // broker with backoff instead of failing the boot, and consumes once it answers.
  it('waits for a broker that is not there yet at start, then consumes everything once', async () => {
    const events = Array.from({ length: 40 }, (_, i) => testEvent(i));
    await produceRaw(
      prefix,
      TOPICS.lateBroker,
      events.map((e, i) => asRaw(e, i % 2)),
    );
    // The consumer bootstraps through a port where nothing listens yet; later a TCP relay to the
    // real broker opens there (the broker's metadata then sends the client to the broker itself).
    const { port, open, close } = await brokerLater();
    running.push(close);

    const consumerLog = createLogger('platform-test', 'silent');
    const waits: unknown[] = [];
    consumerLog.warn = ((obj: unknown, msg?: string) => {
      if (msg === 'broker not reachable yet; waiting') waits.push(obj);
    }) as typeof consumerLog.warn;
    const bus = new KafkajsBus(kafkaClientOptions({ ...testKafkaConnection(), KAFKA_BROKERS: `127.0.0.1:${port}` }, `${prefix}-late-broker`), log);
    running.push(() => bus.close());
    const consumer = new BatchConsumer(new EffectsHandler('late-broker', TOPICS.lateBroker) as BatchHandler, ds, bus, options(), newMetrics(), consumerLog);
    running.push(() => consumer.stop());
    const starting = consumer.start();
    let startFailure: unknown = null;
    starting.catch((e) => (startFailure = e));

    await waitFor(async () => waits.length > 0 || startFailure !== null, { what: 'the consumer waiting for the broker', timeoutMs: 45_000 });
    expect(startFailure).toBeNull();
    expect(await effectsCount()).toBe(0);

    await open();
    await starting;
    await waitFor(() => caughtUp(consumer.groupId, TOPICS.lateBroker), { what: 'the late consumer at the end of the topic', timeoutMs: 45_000 });
    expect(await effectsCount()).toBe(40);
    expect(await applicationsCount()).toBe(40);
  }, 120_000);

  // After a broker restart kafkajs may give up on a member for good ("Failed to find group
  // coordinator", not retriable): its CRASH event reaches the consumer's onMemberLost, which stands
  // for it here. A new member joins and goes on from the committed offsets, in the same process.
  it('replaces a member the client gave up on, after losing the broker or a generation, with no message lost or applied twice', async () => {
    const first = Array.from({ length: 30 }, (_, i) => testEvent(i));
    await produceRaw(
      prefix,
      TOPICS.brokerLost,
      first.map((e, i) => asRaw(e, i % 2)),
    );
    const real = newBus('broker-lost');
    const lostSignals: Array<(e: unknown) => void> = [];
    let members = 0;
    const bus: MessageBus = {
      producer: () => real.producer(),
      ping: (ms) => real.ping(ms),
      close: () => real.close(),
      isUnavailable: (e) => real.isUnavailable(e),
      refusedForItself: (e) => real.refusedForItself(e),
      consumer: (groupId, o) => {
        members++;
        const inner = real.consumer(groupId, o);
        return {
          start: (topics, onBatch, onMemberLost) => {
            if (onMemberLost) lostSignals.push(onMemberLost);
            return inner.start(topics, onBatch, onMemberLost);
          },
          stop: () => inner.stop(),
        };
      },
    };
    const metrics = newMetrics();
    const consumer = await startConsumer(new EffectsHandler('broker-lost', TOPICS.brokerLost), bus, metrics);
    await waitFor(() => caughtUp(consumer.groupId, TOPICS.brokerLost), { what: 'the first member at the end of the topic' });
    expect(members).toBe(1);

    lostSignals[0]!(Object.assign(new Error('Failed to find group coordinator'), { name: 'KafkaJSGroupCoordinatorNotFound' }));
    await waitFor(() => members === 2 && lostSignals.length === 2, { what: 'a new member started', timeoutMs: 30_000 });
    const second = Array.from({ length: 30 }, (_, i) => testEvent(100 + i));
    await produceRaw(
      prefix,
      TOPICS.brokerLost,
      second.map((e, i) => asRaw(e, i % 2)),
    );
    await waitFor(async () => (await effectsCount()) >= 60, { what: '60 effects', timeoutMs: 45_000 });
    await waitFor(() => caughtUp(consumer.groupId, TOPICS.brokerLost), { what: 'the new member at the end of the topic', timeoutMs: 45_000 });
    expect(await effectsCount()).toBe(60);
    expect(await applicationsCount()).toBe(60);

    // kafkajs gives up on a member for a generation the group left behind while it joined (not
    // retriable, nothing to do with the broker being away): it is replaced all the same.
    lostSignals[1]!(Object.assign(new Error('The provided generation id is not the current generation'), { type: 'ILLEGAL_GENERATION' }));
    await waitFor(() => members === 3 && lostSignals.length === 3, { what: 'a third member started', timeoutMs: 30_000 });
    const third = Array.from({ length: 10 }, (_, i) => testEvent(200 + i));
    await produceRaw(
      prefix,
      TOPICS.brokerLost,
      third.map((e, i) => asRaw(e, i % 2)),
    );
    await waitFor(async () => (await effectsCount()) >= 70, { what: '70 effects', timeoutMs: 45_000 });
    await waitFor(() => caughtUp(consumer.groupId, TOPICS.brokerLost), { what: 'the third member at the end of the topic', timeoutMs: 45_000 });
    expect(await effectsCount()).toBe(70);
    expect(await applicationsCount()).toBe(70);
    expect(await counterValue(metrics.duplicates, 'broker-lost')).toBe(0);
  }, 120_000);

  describe('OutboxRelay', () => {
    const KEYS = 10;

    async function appendEvents(topic: string, count: number): Promise<OutgoingEvent[]> {
      const out = Array.from({ length: count }, (_, seq) => {
        const event = testEvent(seq);
        return { topic, key: event.correlationId, event } satisfies OutgoingEvent;
      });
      await ds.transaction((tx) => appendToOutbox(tx, SCHEMA, out));
      return out;
    }

    async function startRelay(name: string, metrics: PlatformMetrics, pollMs = 50): Promise<OutboxRelay> {
      const relay = new OutboxRelay(newBus(name), { schema: SCHEMA, topicPrefix: prefix, batchMax: 100, pollMs, databaseUrl }, metrics, log);
      running.push(() => relay.stop());
      await relay.start();
      return relay;
    }

    /** Per key, the seq of each first delivery must rise: the relay's id order, kept by one partition. */
    function expectOrderPerKey(received: Array<{ key: string | null; partition: number; value: string }>): void {
      const byKey = new Map<string, { partitions: Set<number>; seqs: number[]; seen: Set<number> }>();
      for (const m of received) {
        const seq = (JSON.parse(m.value) as TestEvent).payload.seq;
        const entry = byKey.get(m.key ?? '') ?? { partitions: new Set(), seqs: [], seen: new Set() };
        entry.partitions.add(m.partition);
        if (!entry.seen.has(seq)) entry.seqs.push(seq);
        entry.seen.add(seq);
        byKey.set(m.key ?? '', entry);
      }
      expect(byKey.size).toBe(KEYS);
      for (const [key, { partitions, seqs }] of byKey) {
        expect({ key, partitions: partitions.size }).toEqual({ key, partitions: 1 });
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      }
    }

    it('stores each event as its exact JSON text and its headers, in the order appended', async () => {
      const tricky = ['quote " and backslash \\ ', 'é€ 😀 \u2028 line\nbreak\t', '{brace},comma', 'NULL', ''];
      const out = tricky.map((text, seq) => {
        const event = { ...testEvent(seq), correlationId: `odd-${seq}`, payload: { seq, text } };
        return { topic: TOPICS.relay, key: event.correlationId, event } satisfies OutgoingEvent;
      });
      await ds.transaction((tx) => appendToOutbox(tx, SCHEMA, out));
      const rows = (await ds.query(`SELECT event_id, topic, message_key, value, headers FROM ${SCHEMA}.outbox ORDER BY id`)) as Array<{
        event_id: string;
        topic: string;
        message_key: string;
        value: string;
        headers: Record<string, string>;
      }>;
      expect(rows.map((r) => r.value)).toEqual(out.map((o) => JSON.stringify(o.event)));
      expect(rows.map((r) => [r.event_id, r.topic, r.message_key])).toEqual(out.map((o) => [o.event.eventId, o.topic, o.key]));
      expect(rows.map((r) => r.headers)).toEqual(out.map((o) => eventHeaders(o.event)));
      await ds.query(`TRUNCATE ${SCHEMA}.outbox`);
    });

    it('publishes 1,000 outbox rows in id order per key, each with its publication sequence, and moves the cursor past them', async () => {
      const appended = await appendEvents(TOPICS.relay, 1000);
      const metrics = newMetrics();
      await startRelay('relay', metrics);
      await waitFor(async () => (await pendingCount()) === 0, { what: 'nothing left to publish' });

      const received = await consumeAll(physicalTopic(prefix, TOPICS.relay), { expected: 1000, settleMs: 500 });
      expect(received).toHaveLength(1000);
      const ids = received.map((m) => (JSON.parse(m.value) as TestEvent).eventId);
      expect(new Set(ids).size).toBe(1000);
      expect(new Set(ids)).toEqual(new Set(appended.map((a) => a.event.eventId)));
      expect(received[0]!.headers).toMatchObject({ type: 'test.happened', producer: 'platform-test' });
      expect(received.every((m) => m.headers.eventId === (JSON.parse(m.value) as TestEvent).eventId)).toBe(true);
      // Each record names its outbox and its row: the sequences are the rows' ids, all distinct.
      expect(new Set(received.map((m) => m.headers.outbox))).toEqual(new Set([SCHEMA]));
      const [{ epoch }] = (await ds.query(`SELECT epoch::text FROM ${SCHEMA}.outbox_cursor`)) as Array<{ epoch: string }>;
      expect(new Set(received.map((m) => m.headers['outbox-epoch']))).toEqual(new Set([epoch]));
      expect(new Set(received.map((m) => m.headers['outbox-seq'])).size).toBe(1000);
      expectOrderPerKey(received);
      // One key in full: k3 carries seq 3, 13, 23, ... 993, in that order.
      const k3 = received.filter((m) => m.key === 'k3').map((m) => (JSON.parse(m.value) as TestEvent).payload.seq);
      expect(k3).toEqual(Array.from({ length: 100 }, (_, i) => 3 + 10 * i));
      expect((await metrics.produced.get()).values.reduce((s, v) => s + v.value, 0)).toBe(1000);
    });

    it('1,000 events of 2 KB on one key (one partition): sent in pieces under the broker message size, all published in order', async () => {
      // 2 MB for one partition in one send would be refused by the broker (message.max.bytes, 1 MiB) forever.
      const out = Array.from({ length: 1000 }, (_, seq) => {
        const event = { ...testEvent(seq), correlationId: 'one-key', payload: { seq, text: 'x'.repeat(2000) } };
        return { topic: TOPICS.relayLarge, key: 'one-key', event } satisfies OutgoingEvent;
      });
      await ds.transaction((tx) => appendToOutbox(tx, SCHEMA, out));
      const relay = new OutboxRelay(
        newBus('relay-large'),
        { schema: SCHEMA, topicPrefix: prefix, batchMax: 1000, pollMs: 50, databaseUrl },
        newMetrics(),
        log,
      );
      running.push(() => relay.stop());
      await relay.start();
      await waitFor(async () => (await pendingCount()) === 0, { what: 'nothing left to publish', timeoutMs: 30_000 });
      const received = await consumeAll(physicalTopic(prefix, TOPICS.relayLarge), { expected: 1000, settleMs: 300 });
      expect(received.map((m) => (JSON.parse(m.value) as TestEvent).payload.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    });

    it('an event the broker refuses for itself (1.2 MB, over the topic limit) is parked with the answer; the events behind it go out', async () => {
      const out = [0, 1, 2].map((seq) => {
        const event = { ...testEvent(seq), correlationId: 'statement', payload: { seq, text: seq === 1 ? 'x'.repeat(1_200_000) : 'small' } };
        return { topic: TOPICS.relayRefused, key: 'statement', event } satisfies OutgoingEvent;
      });
      await ds.transaction((tx) => appendToOutbox(tx, SCHEMA, out));
      const metrics = newMetrics();
      await startRelay('relay-refused', metrics);
      await waitFor(async () => (await pendingCount()) === 0, { what: 'nothing left to publish', timeoutMs: 30_000 });
      const received = await consumeAll(physicalTopic(prefix, TOPICS.relayRefused), { expected: 2, settleMs: 500 });
      expect(received.map((m) => (JSON.parse(m.value) as TestEvent).payload.seq)).toEqual([0, 2]);
      const parked = (await ds.query(`SELECT event_id, topic, message_key, length(value) AS bytes, refusal FROM ${SCHEMA}.outbox_parked`)) as Array<Record<string, unknown>>;
      expect(parked).toEqual([
        { event_id: out[1]!.event.eventId, topic: TOPICS.relayRefused, message_key: 'statement', bytes: JSON.stringify(out[1]!.event).length, refusal: expect.stringMatching(/larger than the max message size/) },
      ]);
      expect((await metrics.outboxParked.get()).values).toEqual([expect.objectContaining({ value: 1, labels: { topic: TOPICS.relayRefused } })]);
      await ds.query(`TRUNCATE ${SCHEMA}.outbox_parked`);
    });

    // A producer made while the broker is down (its connect refused, as after a broker restart
    // dropped the one before) must not be kept: the relay's next pass makes another.
    it('publishes once the broker answers when its first producer could not connect', async () => {
      await appendEvents(TOPICS.relayLateBroker, 5);
      const { port, open, close } = await brokerLater();
      running.push(close);
      const bus = new KafkajsBus(kafkaClientOptions({ ...testKafkaConnection(), KAFKA_BROKERS: `127.0.0.1:${port}` }, `${prefix}-relay-late-broker`), log);
      running.push(() => bus.close());
      const relay = new OutboxRelay(bus, { schema: SCHEMA, topicPrefix: prefix, batchMax: 100, pollMs: 50, databaseUrl }, newMetrics(), log);
      running.push(() => relay.stop());

      const refused = await relay.relayOnce().catch((e: unknown) => e);
      expect(String((refused as Error).message)).toMatch(/ECONNREFUSED/);
      expect(await pendingCount()).toBe(5);

      await open();
      await relay.drain();
      expect(await pendingCount()).toBe(0);
      const received = await consumeAll(physicalTopic(prefix, TOPICS.relayLateBroker), { expected: 5, settleMs: 200 });
      expect(received.map((m) => (JSON.parse(m.value) as TestEvent).payload.seq)).toEqual([0, 1, 2, 3, 4]);
    }, 120_000);

    it('replaces its own connection when Postgres drops it, and publishes what was written meanwhile', async () => {
      await startRelay('relay-reconnect', newMetrics());
      const first = await appendEvents(TOPICS.relayReconnect, 50);
      await waitFor(async () => (await pendingCount()) === 0, { what: 'nothing left to publish' });
      // What an immediate restart of Postgres or an administrator's kill does to the relay's session.
      const killed = (await ds.query(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1`, [
        `${SCHEMA}-outbox-relay`,
      ])) as Array<{ ok: boolean }>;
      expect(killed).toEqual([{ ok: true }]);
      const second = await appendEvents(TOPICS.relayReconnect, 50);
      await waitFor(async () => (await pendingCount()) === 0, { what: 'an empty outbox after the reconnect', timeoutMs: 30_000 });
      const received = await consumeAll(physicalTopic(prefix, TOPICS.relayReconnect), { expected: 100, settleMs: 500 });
      expect(new Set(received.map((m) => (JSON.parse(m.value) as TestEvent).eventId))).toEqual(new Set([...first, ...second].map((a) => a.event.eventId)));
      expect(received).toHaveLength(100);
    });

    it('listens again after Postgres drops its LISTEN connection: with a poll of a minute, only NOTIFY can wake it', async () => {
      await startRelay('relay-relisten', newMetrics(), 60_000);
      await appendEvents(TOPICS.relayRelisten, 10);
      await waitFor(async () => (await pendingCount()) === 0, { what: 'the first events published on NOTIFY', timeoutMs: 20_000 });
      const killed = (await ds.query(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1`, [
        `${SCHEMA}-outbox-listener`,
      ])) as Array<{ ok: boolean }>;
      expect(killed).toEqual([{ ok: true }]);
      await appendEvents(TOPICS.relayRelisten, 10);
      await waitFor(async () => (await pendingCount()) === 0, { what: 'events written after the listener was dropped published', timeoutMs: 20_000 });
      await waitFor(
        async () => Number(((await ds.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1`, [`${SCHEMA}-outbox-listener`])) as Array<{ n: string }>)[0]!.n) === 1,
        { what: 'a listening connection again' },
      );
      expect(await consumeAll(physicalTopic(prefix, TOPICS.relayRelisten), { expected: 20, settleMs: 300 })).toHaveLength(20);
    });

    it('two relays on one schema publish every row once, in order per key (the advisory lock keeps one active)', async () => {
      const metricsA = newMetrics();
      const metricsB = newMetrics();
      await Promise.all([startRelay('relay-a', metricsA), startRelay('relay-b', metricsB)]);
      // Rows written while both run: both are woken by NOTIFY and compete for every batch.
      const appended = await appendEvents(TOPICS.relayPair, 1000);
      await waitFor(async () => (await pendingCount()) === 0, { what: 'nothing left to publish' });

      const received = await consumeAll(physicalTopic(prefix, TOPICS.relayPair), { expected: 1000, settleMs: 500 });
      const ids = new Set(received.map((m) => (JSON.parse(m.value) as TestEvent).eventId));
      expect(ids).toEqual(new Set(appended.map((a) => a.event.eventId))); // at least once
      // The lock is held from the read to the cursor's COMMIT, and the read starts after the lock was
      // granted: without a crash nothing is published twice.
      expect(received).toHaveLength(1000);
      expectOrderPerKey(received);
      const produced = async (m: PlatformMetrics) => (await m.produced.get()).values.reduce((s, v) => s + v.value, 0);
      expect((await produced(metricsA)) + (await produced(metricsB))).toBe(1000);
    });

    // Two relays passing back to back, one row a pass: a pass of one starts while the other commits
    // its own, again and again. A pass that read the cursor as it was before the other's COMMIT
    // would send the other's row a second time.
    it('two relays passing back to back, a row a pass, send no row twice', async () => {
      const metrics = [newMetrics(), newMetrics()];
      const relays = metrics.map((m, i) => {
        const relay = new OutboxRelay(newBus(`relay-handover-${i}`), { schema: SCHEMA, topicPrefix: prefix, batchMax: 1, pollMs: 50, databaseUrl }, m, log);
        running.push(() => relay.stop());
        return relay;
      });
      await appendEvents(TOPICS.relayHandover, 300);
      const passUntilEmpty = async (relay: OutboxRelay) => {
        while ((await relay.relayOnce()) > 0 || (await pendingCount()) > 0);
      };
      await Promise.all(relays.map(passUntilEmpty));

      const ends = await endOffsets(physicalTopic(prefix, TOPICS.relayHandover));
      expect([...ends.values()].reduce((sum, n) => sum + Number(n), 0)).toBe(300);
      const produced = async (m: PlatformMetrics) => (await m.produced.get()).values.reduce((s, v) => s + v.value, 0);
      const [a, b] = [await produced(metrics[0]!), await produced(metrics[1]!)];
      expect(a + b).toBe(300);
    });

    // The relay killed after the broker acknowledged a batch and before the cursor moved: its next
    // pass sends the batch again. The copies carry the same publication sequence; the consumer
    // applies each event once.
    it('a relay that sends a batch again (killed between the send and the cursor) gives no second effect downstream', async () => {
      const relay = new OutboxRelay(newBus('relay-resend'), { schema: SCHEMA, topicPrefix: prefix, batchMax: 100, pollMs: 50, databaseUrl }, newMetrics(), log);
      running.push(() => relay.stop());
      const [{ before }] = (await ds.query(`SELECT published_id::int AS before FROM ${SCHEMA}.outbox_cursor`)) as Array<{ before: number }>;
      await appendEvents(TOPICS.relayResend, 80);
      await relay.drain();
      await ds.query(`UPDATE ${SCHEMA}.outbox_cursor SET published_id = $1`, [before + 30]); // the last 50 sent, the cursor left behind them
      await appendEvents(TOPICS.relayResend, 20);
      await relay.drain();
      const topic = physicalTopic(prefix, TOPICS.relayResend);
      const ends = await endOffsets(topic);
      expect([...ends.values()].reduce((sum, n) => sum + Number(n), 0)).toBe(150); // 80 + 50 again + 20

      const metrics = newMetrics();
      const consumer = await startConsumer(new EffectsHandler('relay-resend', TOPICS.relayResend), newBus('relay-resend-consumer'), metrics);
      await waitFor(() => caughtUp(consumer.groupId, TOPICS.relayResend), { what: 'the consumer at the end of both partitions' });
      expect(await effectsCount()).toBe(100);
      expect(await applicationsCount()).toBe(100);
      expect(await counterValue(metrics.duplicates, 'relay-resend')).toBe(50);
    });

    /** `trades` trades of three events each (keyed trade-0, trade-1…), the event numbered `poisonAt` a poison. */
    const threeEventTrades = (topic: string, trades: number, poisonAt: number): OutgoingEvent[] =>
      Array.from({ length: trades * 3 }, (_, i) => {
        const trade = Math.floor(i / 3);
        const event = { ...testEvent(i, i === poisonAt ? { poison: true } : {}), correlationId: `trade-${trade}` };
        return { topic, key: `trade-${trade}`, event };
      });

    it('packs neighbouring events of one key into one record; the consumer applies each, and isolates a poison among them', async () => {
      // 10 trades, 3 events each written together; the middle event of the fifth trade is a poison.
      const out = threeEventTrades(TOPICS.packed, 10, 13);
      await ds.transaction((tx) => appendToOutbox(tx, SCHEMA, out));
      const relay = new OutboxRelay(newBus('relay-packed'), { schema: SCHEMA, topicPrefix: prefix, batchMax: 100, pollMs: 50, databaseUrl }, newMetrics(), log);
      running.push(() => relay.stop());
      await relay.drain();
      const topic = physicalTopic(prefix, TOPICS.packed);
      expect([...(await endOffsets(topic)).values()].reduce((sum, n) => sum + Number(n), 0)).toBe(10); // one record per trade
      const events = await consumeAll(topic, { expected: 30, settleMs: 200 });
      expect(events.map((e) => (JSON.parse(e.value) as TestEvent).payload.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));

      const metrics = newMetrics();
      const consumer = await startConsumer(new EffectsHandler('packed', TOPICS.packed), newBus('packed-consumer'), metrics);
      await waitFor(() => caughtUp(consumer.groupId, TOPICS.packed), { what: 'the consumer past the ten records' });
      expect(await effectsCount()).toBe(29);
      expect(await applicationsCount()).toBe(29);
      const dlq = await consumeAll(dlqTopic(topic), { expected: 1, settleMs: 300 });
      expect(dlq.map((d) => (JSON.parse(d.value) as TestEvent).payload.seq)).toEqual([13]); // the poison alone, as a record of its own
      expect(dlq[0]!.headers).toMatchObject({ eventId: out[13]!.event.eventId, type: 'test.happened', 'dlq-consumer': 'packed' });
      expect(dlq[0]!.headers.packed).toBeUndefined();
    });

    it('packs the events of many trades bound for one partition into one record; each lands where its key does, a resend regrouped is applied once, a poison goes alone with its key', async () => {
      // 20 trades, 3 events each written together; the last event of trade-7 is a poison.
      const out = threeEventTrades(TOPICS.packedAcross, 20, 23);
      await ds.transaction((tx) => appendToOutbox(tx, SCHEMA, out));
      const [{ thirtieth }] = (await ds.query(`SELECT id::text AS thirtieth FROM ${SCHEMA}.outbox WHERE topic = $1 ORDER BY id OFFSET 29 LIMIT 1`, [
        TOPICS.packedAcross,
      ])) as Array<{ thirtieth: string }>;
      const across = new Set<string>([TOPICS.packedAcross]);
      const relay = new OutboxRelay(
        newBus('relay-across'),
        { schema: SCHEMA, topicPrefix: prefix, batchMax: 100, pollMs: 50, databaseUrl, packsAcrossKeys: across },
        newMetrics(),
        log,
      );
      running.push(() => relay.stop());
      await relay.drain();
      const topic = physicalTopic(prefix, TOPICS.packedAcross);
      const records = async () => [...(await endOffsets(topic)).values()].reduce((sum, n) => sum + Number(n), 0);
      const firstRecords = await records();
      // 60 events on 3 partitions, at most 64 to a record: one record per partition the trades reach.
      expect(firstRecords).toBeLessThanOrEqual(3);
      // Sent again from the 31st row (a relay killed before its cursor moved), then one more event
      // of trade-0 alone: a record of its own, keyed, placed by the producer.
      await ds.query(`UPDATE ${SCHEMA}.outbox_cursor SET published_id = $1`, [thirtieth]);
      const alone = { ...testEvent(60), correlationId: 'trade-0' };
      await ds.transaction((tx) => appendToOutbox(tx, SCHEMA, [{ topic: TOPICS.packedAcross, key: 'trade-0', event: alone }]));
      await relay.drain();
      expect((await records()) - firstRecords).toBeLessThanOrEqual(4);

      const events = await consumeAll(topic, { expected: 91, settleMs: 300 });
      expect(events).toHaveLength(91); // 60 + 30 again + 1
      const partitionsOf = new Map<string, Set<number>>();
      for (const e of events) partitionsOf.set(e.key!, (partitionsOf.get(e.key!) ?? new Set()).add(e.partition));
      expect([...partitionsOf.keys()].sort()).toEqual(Array.from({ length: 20 }, (_, t) => `trade-${t}`).sort());
      for (const [key, partitions] of partitionsOf) expect({ key, partitions: partitions.size }).toEqual({ key, partitions: 1 });
      expect(events.filter((e) => e.key === 'trade-0').map((e) => (JSON.parse(e.value) as TestEvent).payload.seq)).toEqual([0, 1, 2, 60]);
      expect(new Set(partitionsOf.values()).size).toBeGreaterThan(1); // the trades spread over the partitions

      const metrics = newMetrics();
      const consumer = await startConsumer(new EffectsHandler('packed-across', TOPICS.packedAcross), newBus('packed-across-consumer'), metrics);
      await waitFor(() => caughtUp(consumer.groupId, TOPICS.packedAcross), { what: 'the consumer at the end of the three partitions' });
      expect(await effectsCount()).toBe(60); // 61 events, the poison not applied
      expect(await applicationsCount()).toBe(60);
      expect(await counterValue(metrics.duplicates, 'packed-across')).toBe(30);
      const dlq = await consumeAll(dlqTopic(topic), { expected: 1, settleMs: 300 });
      expect(dlq.map((d) => [(JSON.parse(d.value) as TestEvent).payload.seq, d.key])).toEqual([[23, 'trade-7']]);
      expect(dlq[0]!.headers.packed).toBeUndefined();
    });

    it('rotates the published outbox with TRUNCATE only when nothing is left to publish and no writer holds it', async () => {
      const rotate = async () => ((await ds.query(`SELECT ${SCHEMA}.outbox_rotate() AS r`)) as Array<{ r: boolean }>)[0]!.r;
      const relay = new OutboxRelay(newBus('relay-rotate'), { schema: SCHEMA, topicPrefix: prefix, batchMax: 100, pollMs: 50, databaseUrl }, newMetrics(), log);
      running.push(() => relay.stop());
      await appendEvents(TOPICS.relay, 10);
      expect(await rotate()).toBe(false); // 10 rows not published yet
      expect(await outboxCount()).toBe(10);
      await relay.drain();

      // A writer between its insert and its COMMIT: rotation does not wait for it, and does not happen.
      const writer = new pg.Client({ connectionString: databaseUrl });
      await writer.connect();
      try {
        await writer.query('BEGIN');
        await writer.query(`INSERT INTO ${SCHEMA}.outbox (event_id, topic, value) VALUES (gen_random_uuid(), $1, '{}')`, [TOPICS.relay]);
        expect(await rotate()).toBe(false);
        await writer.query('ROLLBACK');
      } finally {
        await writer.end();
      }
      expect(await rotate()).toBe(true);
      expect(await outboxCount()).toBe(0);
      // Ids go on from where they were: the cursor stays meaningful.
      const [{ cursor }] = (await ds.query(`SELECT published_id::int AS cursor FROM ${SCHEMA}.outbox_cursor`)) as Array<{ cursor: number }>;
      await appendEvents(TOPICS.relay, 1);
      const [{ id }] = (await ds.query(`SELECT id::int AS id FROM ${SCHEMA}.outbox_pending`)) as Array<{ id: number }>;
      expect(id).toBeGreaterThan(cursor);

      // The relay rotates by itself once it has published rotateRows and caught up.
      const rotating = new OutboxRelay(newBus('relay-rotating'), { schema: SCHEMA, topicPrefix: prefix, batchMax: 100, pollMs: 50, databaseUrl, rotateRows: 50 }, newMetrics(), log);
      running.push(() => rotating.stop());
      await rotating.start();
      await appendEvents(TOPICS.relay, 60);
      await waitFor(async () => (await outboxCount()) === 0, { what: 'the outbox rotated by the relay' });
      expect(await pendingCount()).toBe(0);
    });

    it('takes outbox ids in commit order: a transaction that inserted first but commits last gets the later ids', async () => {
      const early = new pg.Client({ connectionString: databaseUrl });
      await early.connect();
      try {
        await early.query('BEGIN');
        await early.query(`INSERT INTO ${SCHEMA}.outbox (event_id, topic, value) VALUES (gen_random_uuid(), 'early', '{}')`);
        // A second writer waits for the first's COMMIT before its rows get ids.
        const late = ds.query(`INSERT INTO ${SCHEMA}.outbox (event_id, topic, value) VALUES (gen_random_uuid(), 'late', '{}')`);
        const lateDone = await Promise.race([late.then(() => true), new Promise((r) => setTimeout(() => r(false), 300))]);
        expect(lateDone).toBe(false);
        await early.query('COMMIT');
        await late;
      } finally {
        await early.end();
      }
      const rows = (await ds.query(`SELECT topic FROM ${SCHEMA}.outbox WHERE topic IN ('early', 'late') ORDER BY id`)) as Array<{ topic: string }>;
      expect(rows.map((r) => r.topic)).toEqual(['early', 'late']);
    });
  });
});

/** The bus as it is, except that offset commits vanish: what a crash between the two commits leaves. */
function commitsLost(bus: MessageBus): MessageBus {
  return {
    producer: () => bus.producer(),
    ping: (timeoutMs) => bus.ping(timeoutMs),
    close: () => bus.close(),
    isUnavailable: (e) => bus.isUnavailable(e),
    refusedForItself: (e) => bus.refusedForItself(e),
    consumer: (groupId, o): MessageConsumer => {
      const inner = bus.consumer(groupId, o);
      return {
        stop: () => inner.stop(),
        start: (topics, onBatch) =>
          inner.start(topics, (batch, control) => {
            const lossy: BatchControl = { commit: async () => undefined, heartbeat: () => control.heartbeat(), isRunning: () => control.isRunning() };
            return onBatch(batch, lossy);
          }),
      };
    },
  };
}

/**
 * A port where nothing listens yet, and the TCP relay to the real broker that opens there on
 * `open()`: a client bootstrapping through it meets a broker that is not there, then one that is
 * (the broker's metadata then sends it to the broker itself).
 */
async function brokerLater(): Promise<{ port: number; open: () => Promise<void>; close: () => Promise<void> }> {
  const port = await freePort();
  const [brokerHost, brokerPort] = kafkaBrokers()[0]!.split(':');
  const relay = net.createServer((client) => {
    const upstream = net.connect(Number(brokerPort), brokerHost);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  return {
    port,
    open: () => new Promise<void>((resolve) => relay.listen(port, '127.0.0.1', resolve)),
    close: () => new Promise<void>((resolve) => relay.close(() => resolve())),
  };
}

/** A TCP port nothing listens on (taken from the OS, then released). */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
