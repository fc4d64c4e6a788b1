import { dlqTopic, physicalTopic } from '@postera/contracts';
import pg from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import { faultPoint } from '../fault.js';
import { claimInbox, knownInInbox } from '../inbox/inbox.js';
import type { Log } from '../logger.js';
import type { BatchControl, InboundBatch, InboundRecord, MessageBus, MessageConsumer } from '../messaging/message-bus.port.js';
import type { PlatformMetrics } from '../observability/metrics.js';
import { appendToOutbox, type OutgoingEvent } from '../outbox/outbox.js';
import { UndecodableMessage, type BatchContext, type BatchHandler, type InboundMessage } from './batch-handler.js';
import { beginAtPositions, commitAtPositions, judge, PUBLICATION_HEADERS, type ConsumerPosition, type PositionKey } from './positions.js';
import { PACKED_HEADER, unpack } from '../messaging/packed-records.js';
import { whenReachable } from '../when-reachable.js';

/** Members lost for another reason than the broker's absence, more often than this, end the process. */
const LOSSES_IN_WINDOW_MAX = 5;
const LOSS_WINDOW_MS = 60_000;

export interface BatchConsumerOptions {
  schema: string;
  topicPrefix: string;
  groupPrefix: string;
  batchSizeMax: number;
  partitionsConcurrentMax: number;
  retryCountMax: number;
  retryBackoffMs: number;
  /**
   * Whether the chunks of one topic's partitions that the bus hands over at the same moment (one
   * fetch brings records for several) are applied in one transaction. Default false here; the
   * services take it from PARTITIONS_SHARE_TRANSACTION, on unless set.
   */
  partitionsShareTransaction?: boolean;
  /**
   * How long start() waits, with backoff, for a broker that is down or restarting before it gives up
   * (the process then exits and its supervisor restarts it). Default 120 s.
   */
  brokerConnectTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How often the member says it is alive while a chunk is processed (kafkajs sends at most one per heartbeatInterval). */
const KEEP_ALIVE_MS = 2_000;

/** How far a producer's clock may be ahead of the database's, for the records written before positions. */
const CLOCK_MARGIN_MS = 60_000;

/** The longest wait between two tries while the database is unreachable. */
const OUTAGE_BACKOFF_MS_MAX = 5_000;

/**
 * Failures of the infrastructure, not of the message: connection lost or refused, server
 * shutting down, serialization failure, deadlock. They are retried without limit (the batch is
 * never sent to the DLQ for them), and abandoned uncommitted if the consumer stops meanwhile.
 */
export function isTransientInfrastructureError(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown; driverError?: { code?: unknown } };
  const code = String(err?.driverError?.code ?? err?.code ?? '');
  if (code.startsWith('08') || code.startsWith('57P') || code === '40001' || code === '40P01' || code === '53300') return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code)) return true;
  const message = String(err?.message ?? '');
  return /Connection terminated|connection timeout|Client has encountered a connection error|ECONNREFUSED|ECONNRESET/i.test(message);
}

/** Raised when the consumer stops while a batch is still failing: the batch is left uncommitted, for redelivery. */
class StoppedDuringOutage extends Error {}

/**
 * Runs one BatchHandler: each chunk of a partition's batch (≤ batchSizeMax) is one database
 * transaction (the partition's position + effects + outbox), and the offset is committed to the
 * group only after it commits (for lag and autoscaling; the position in the database decides what
 * is applied). With `partitionsShareTransaction`, chunks of one topic handed over together for
 * several partitions share one transaction (their positions, their effects, one outbox append): a
 * fetch at a trickle brings a record or two per partition, and each transaction costs its round
 * trips and a WAL flush. Their keys are disjoint (a key lives on one partition), so the handler
 * sees what one bigger chunk would bring. Should the shared transaction fail, each chunk is applied
 * on its own.
 * A chunk that fails is retried with backoff; if it still fails, its messages are applied one
 * by one so that only the poison message goes to `<topic>.dlq` (with the original bytes,
 * headers, error and attempt count) and the rest are applied.
 */
export class BatchConsumer {
  private consumer: MessageConsumer | null = null;
  private stopping = false;
  /** Dead letters sent so far, so that a chunk which sent one commits its offset at once. */
  private deadLetters = 0;
  /** When members were lost lately for another reason than the broker's absence. */
  private lossesNotFromTheBroker: number[] = [];
  /** Partitions whose position row exists (created by an earlier chunk): their chunks skip the create. */
  private readonly positionRows = new Set<string>();

  constructor(
    private readonly handler: BatchHandler,
    private readonly ds: DataSource,
    private readonly bus: MessageBus,
    private readonly o: BatchConsumerOptions,
    private readonly metrics: PlatformMetrics,
    private readonly log: Log,
  ) {}

  get groupId(): string {
    return `${this.o.groupPrefix}.${this.handler.consumerId}`;
  }

  async start(): Promise<void> {
    const topics = this.handler.topics.map((t) => physicalTopic(this.o.topicPrefix, t));
    // A service started while the broker is down (a broker restart, a whole stack booting at once)
    // waits for it rather than exiting into a restart loop. Each try gets a fresh group member:
    // a member whose connect failed is disconnected first.
    await whenReachable(
      async () => {
        if (this.stopping) return;
        const consumer = this.bus.consumer(this.groupId, { partitionsConcurrentMax: this.o.partitionsConcurrentMax, fromBeginning: true });
        this.consumer = consumer;
        try {
          await consumer.start(
            topics,
            (batch, control) => this.onBatch(batch, control),
            (e) => void this.replaceLostMember(consumer, e),
          );
        } catch (e) {
          await consumer.stop().catch(() => undefined);
          throw e;
        }
      },
      {
        timeoutMs: this.o.brokerConnectTimeoutMs ?? 120_000,
        transient: (e) => this.bus.isUnavailable(e),
        onWait: (e, waitedMs) => this.log.warn({ err: (e as Error).message, waitedMs, group: this.groupId }, 'broker not reachable yet; waiting'),
      },
    );
    this.log.info({ group: this.groupId, topics }, 'consumer started');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.stop();
  }

  /**
   * The client gave up on a member (after a broker restart kafkajs does not retry a missing group
   * coordinator; a timeout or a stale generation while joining ends a member too): a new member
   * joins as soon as the broker answers, and resumes from the committed offsets — what a restart of
   * the process would do, without one. A member lost again and again for another reason than the
   * broker's absence (a refused authorization, say) is not cured by time: the process exits.
   */
  private async replaceLostMember(lost: MessageConsumer, e: unknown): Promise<void> {
    if (this.stopping || this.consumer !== lost) return;
    const now = Date.now();
    if (!this.bus.isUnavailable(e)) this.lossesNotFromTheBroker = [...this.lossesNotFromTheBroker.filter((t) => now - t < LOSS_WINDOW_MS), now];
    if (this.lossesNotFromTheBroker.length > LOSSES_IN_WINDOW_MAX) {
      this.log.fatal(
        { err: e, group: this.groupId },
        `consumer lost its member ${this.lossesNotFromTheBroker.length} times in ${LOSS_WINDOW_MS / 1000} s; exiting`,
      );
      process.exit(70);
    }
    this.log.warn({ err: e, group: this.groupId }, 'consumer lost its member; a new member joins once the broker answers');
    await lost.stop().catch(() => undefined);
    try {
      await this.start();
    } catch (err) {
      this.log.fatal({ err, group: this.groupId }, 'consumer could not rejoin after losing the broker; exiting');
      process.exit(70);
    }
    if (this.stopping) await this.consumer?.stop(); // stopped while rejoining: the new member goes too
  }

  private async onBatch(batch: InboundBatch, control: BatchControl): Promise<void> {
    // A packed record's events are cut out here; a chunk never ends inside a record, so that the
    // offset committed after it is always that of a record whose every event was applied.
    const events = batch.records.some((r) => r.headers[PACKED_HEADER] !== undefined)
      ? batch.records.flatMap((r) => unpack(r, PUBLICATION_HEADERS.seq))
      : batch.records;
    for (let i = 0; i < events.length; ) {
      if (!control.isRunning()) return; // the rest is redelivered to whoever owns the partition next
      let end = Math.min(i + this.o.batchSizeMax, events.length);
      while (end < events.length && events[end - 1]!.part && !events[end - 1]!.part!.last) end++;
      const chunk = events.slice(i, end);
      i = end;
      // kafkajs heartbeats only when asked: a chunk that takes longer than the session timeout
      // (a slow handler on a loaded machine) would get the member evicted and the batch redone.
      const keepAlive = setInterval(() => void control.heartbeat().catch(() => undefined), KEEP_ALIVE_MS);
      const deadLettersBefore = this.deadLetters;
      try {
        await this.processChunk(chunk, control);
      } catch (e) {
        if (e instanceof StoppedDuringOutage) return;
        throw e;
      } finally {
        clearInterval(keepAlive);
      }
      faultPoint('after-db-commit');
      const last = chunk[chunk.length - 1];
      // A dead letter moves no position: its offset is committed at once, so that a crash cannot
      // send it to the DLQ a second time. The rest may wait for the bus's commit interval.
      if (last) await control.commit(last.offset, this.deadLetters !== deadLettersBefore);
      await control.heartbeat();
    }
  }

  private async processChunk(chunk: InboundRecord[], control: BatchControl): Promise<void> {
    const started = process.hrtime.bigint();
    const accepts = this.handler.accepts?.bind(this.handler);
    const mine = accepts ? chunk.filter((r) => accepts(r)) : chunk;
    if (mine.length < chunk.length) this.metrics.skipped.inc({ topic: chunk[0]!.topic, consumer: this.handler.consumerId }, chunk.length - mine.length);
    const { decoded, undecodable } = this.decodeAll(mine);
    for (const u of undecodable) await this.toDlq(u.record, u.error, 1);
    const shared = decoded.length > 0 && (this.o.partitionsShareTransaction ?? false) && (await this.withOtherPartitions(decoded));
    if (!shared) await this.applyAlone(decoded, control);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.metrics.batchSeconds.observe({ consumer: this.handler.consumerId }, seconds);
    const now = Date.now();
    for (const r of chunk) this.metrics.messageLagSeconds.observe({ consumer: this.handler.consumerId }, Math.max(0, now - Number(r.timestamp)) / 1000);
  }

  /** The chunk in a transaction of its own: retried with backoff, its poison isolated and sent to the DLQ. */
  private async applyAlone(decoded: InboundMessage<unknown>[], control: BatchControl): Promise<void> {
    const attemptMax = this.o.retryCountMax + 1;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.applyInTransaction([decoded]);
        break;
      } catch (e) {
        if (isTransientInfrastructureError(e)) {
          await this.waitOutOutage(e, attempt, control);
          attempt = 0; // the message is not at fault: its own retry budget starts again
          continue;
        }
        if (!control.isRunning()) throw new StoppedDuringOutage('consumer stopping: the failing batch is left uncommitted for redelivery');
        if (attempt < attemptMax) {
          this.log.warn({ err: e, attempt, size: decoded.length }, 'batch failed; retrying');
          await sleep(this.o.retryBackoffMs * 2 ** (attempt - 1));
          continue;
        }
        if (decoded.length === 1) {
          const only = decoded[0]!;
          await this.toDlq(only.record, e as Error, attempt);
          break;
        }
        this.log.warn({ size: decoded.length }, 'batch keeps failing; isolating the poison message');
        for (const m of decoded) await this.applyOneWithRetries(m, control);
        break;
      }
    }
  }

  /** Chunks waiting, per topic, for the others the bus hands over in the same turn of the event loop. */
  private readonly gathering = new Map<string, Array<{ messages: InboundMessage<unknown>[]; done: (shared: boolean) => void }>>();

  /**
   * Applies the chunk together with the chunks of the topic's other partitions handed over in the
   * same turn of the event loop (kafkajs hands a fetch's partitions over one after another, without
   * waiting). Resolves false, having applied nothing, when no other came or when the shared
   * transaction failed (a poison in one of them, the database gone): the caller then applies the
   * chunk on its own, with its retries and its poison isolation.
   */
  private withOtherPartitions(messages: InboundMessage<unknown>[]): Promise<boolean> {
    const topic = messages[0]!.record.topic;
    return new Promise<boolean>((done) => {
      const gathered = this.gathering.get(topic);
      if (gathered) {
        gathered.push({ messages, done });
        return;
      }
      const chunks = [{ messages, done }];
      this.gathering.set(topic, chunks);
      setImmediate(() => {
        this.gathering.delete(topic);
        if (chunks.length === 1) return done(false);
        this.applyInTransaction(chunks.map((c) => c.messages)).then(
          () => {
            for (const c of chunks) c.done(true);
          },
          (e: unknown) => {
            this.log.warn({ err: e, partitions: chunks.length }, 'shared transaction failed; each partition applies its chunk alone');
            for (const c of chunks) c.done(false);
          },
        );
      });
    });
  }

  private async waitOutOutage(e: unknown, attempt: number, control: BatchControl): Promise<void> {
    if (!control.isRunning()) throw new StoppedDuringOutage('consumer stopped while the database was unreachable');
    const backoffMs = Math.min(OUTAGE_BACKOFF_MS_MAX, this.o.retryBackoffMs * 2 ** Math.min(attempt, 10));
    this.log.error({ err: e, backoffMs }, 'infrastructure unavailable; the batch waits (no DLQ, no commit)');
    await sleep(backoffMs);
    await control.heartbeat().catch(() => undefined);
  }

  private async applyOneWithRetries(m: InboundMessage<unknown>, control: BatchControl): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.applyInTransaction([[m]]);
        return;
      } catch (e) {
        if (isTransientInfrastructureError(e)) {
          await this.waitOutOutage(e, attempt, control);
          attempt = 0;
          continue;
        }
        if (!control.isRunning()) throw new StoppedDuringOutage('consumer stopping: the failing message is left uncommitted for redelivery');
        if (attempt > this.o.retryCountMax) {
          await this.toDlq(m.record, e as Error, attempt);
          return;
        }
        await sleep(this.o.retryBackoffMs * 2 ** (attempt - 1));
      }
    }
  }

  private decodeAll(chunk: InboundRecord[]) {
    const decoded: InboundMessage<unknown>[] = [];
    const undecodable: Array<{ record: InboundRecord; error: Error }> = [];
    for (const record of chunk) {
      try {
        decoded.push({ messageId: this.handler.messageId(record), body: this.handler.decode(record), record });
      } catch (e) {
        if (e instanceof UndecodableMessage) undecodable.push({ record, error: e });
        else throw e;
      }
    }
    return { decoded, undecodable };
  }

  /**
   * One transaction: the partitions' positions (locked: the fence against a zombie member), the
   * handler's effects, the outbox, the positions moved. Each chunk is one partition's, in partition
   * order. TypeORM's query runner carries it (handlers use its manager), but BEGIN goes with the
   * positions' lock and COMMIT with their update, sent on the connection directly: two round trips
   * of plumbing per transaction, whatever its size.
   */
  private async applyInTransaction(chunks: InboundMessage<unknown>[][]): Promise<void> {
    const consumerId = this.handler.consumerId;
    const parts = chunks.filter((c) => c.length > 0);
    if (parts.length === 0) return;
    const keys: PositionKey[] = parts.map((c) => ({ consumerId, topic: c[0]!.record.topic, partition: c[0]!.record.partition }));
    const rowKey = (k: PositionKey) => `${k.topic}/${k.partition}`;
    // isTransactionActive is read-only in TypeORM's interface but a plain field of its runner: set as
    // startTransaction would, so that an entity save inside a handler joins this transaction
    // instead of sending a nested BEGIN and a COMMIT of its own.
    const qr = this.ds.createQueryRunner() as QueryRunner & { isTransactionActive: boolean };
    let open = false;
    try {
      const client = (await qr.connect()) as pg.ClientBase;
      open = true;
      const positions = await beginAtPositions(client, this.o.schema, keys, (k) => this.positionRows.has(rowKey(k)));
      qr.isTransactionActive = true;
      const judged = [];
      for (const [i, messages] of parts.entries()) judged.push({ messages, position: positions[i]!, ...(await this.fresh(client, positions[i]!, messages)) });
      const toApply = judged.flatMap((j) => j.toApply);
      const emitted: OutgoingEvent[] = [];
      const ctx: BatchContext = { tx: qr.manager, schema: this.o.schema, emit: (e) => emitted.push(e), log: this.log };
      if (toApply.length > 0) await this.handler.handle(ctx, toApply);
      // One line per message only at debug: at production volumes the metrics carry the counts.
      if (this.log.isLevelEnabled('debug')) {
        for (const m of toApply) this.log.debug({ correlationId: m.record.key, messageId: m.messageId, offset: m.record.offset }, 'applied');
      }
      await appendToOutbox(qr.manager, this.o.schema, emitted);
      faultPoint('before-db-commit');
      const moves = judged.map(({ messages, position, toApply: applied }, i) => ({
        key: keys[i]!,
        // An event that is not its record's last leaves the position at the record: the rest of it
        // is judged by publication sequence (a poison isolated among them is applied alone).
        nextOffset: messages.reduce((max, m) => {
          const next = BigInt(m.record.offset) + (m.record.part && !m.record.part.last ? 0n : 1n);
          return next > max ? next : max;
        }, position.nextOffset),
        publications: position.publications,
        applied: applied.length,
      }));
      await commitAtPositions(client, this.o.schema, moves);
      open = false;
      for (const k of keys) this.positionRows.add(rowKey(k));
      for (const { messages, duplicates } of judged) {
        for (const m of messages) this.metrics.consumed.inc({ topic: m.record.topic, consumer: consumerId });
        if (duplicates > 0) this.metrics.duplicates.inc({ topic: messages[0]!.record.topic, consumer: consumerId }, duplicates);
      }
    } catch (e) {
      // Nothing of the chunks stays (a broken connection has lost it anyway).
      if (open) await qr.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      qr.isTransactionActive = false;
      await qr.release();
    }
  }

  /**
   * The messages of the chunk not applied before, in partition order. The position judges them
   * (offset, then publication sequence). A dead letter put back by an operator is judged by its
   * identity: claimed in the inbox, so that a second replay has no second effect. A record written
   * before positions replaced the inbox is also looked up there (a group reading old records again:
   * a consumer renamed, or the redelivery right after the upgrade). A message id seen twice in one
   * chunk is applied once, at its first position.
   */
  /**
   * Records older than this (Kafka timestamps, in ms) may have been applied while the inbox
   * recorded every message: until positions replaced it (`inbox_regime.ended_at`), with a margin
   * for the producers' clocks. 0 when the inbox held nothing from before (a new installation):
   * then no record is looked up. Read once.
   */
  private inboxUntilMs: number | null = null;
  private async inboxUntil(client: pg.ClientBase): Promise<number> {
    if (this.inboxUntilMs === null) {
      const result = await client.query<{ ms: string | null }>(
        `SELECT (extract(epoch FROM r.ended_at) * 1000)::bigint::text AS ms FROM ${this.o.schema}.inbox_regime r
         WHERE EXISTS (SELECT 1 FROM ${this.o.schema}.inbox i WHERE i.consumer_id = ${pg.escapeLiteral(this.handler.consumerId)} AND i.received_at <= r.ended_at)`,
      );
      const endedAt = result.rows[0]?.ms;
      this.inboxUntilMs = endedAt ? Number(endedAt) + CLOCK_MARGIN_MS : 0;
    }
    return this.inboxUntilMs;
  }

  private async fresh(client: pg.ClientBase, position: ConsumerPosition, messages: InboundMessage<unknown>[]) {
    const candidates: InboundMessage<unknown>[] = [];
    const replays: string[] = [];
    const ids = new Set<string>();
    for (const m of messages) {
      const seen = judge(position, m.record);
      if (seen === 'applied-by-offset' || seen === 'applied-by-publication' || ids.has(m.messageId)) continue;
      ids.add(m.messageId);
      candidates.push(m);
      if (seen === 'replayed') replays.push(m.messageId);
    }
    const refused = new Set<string>();
    if (replays.length > 0) {
      const claimed = await claimInbox(client, this.o.schema, this.handler.consumerId, replays);
      for (const id of replays) if (!claimed.has(id)) refused.add(id);
    }
    const inboxUntil = await this.inboxUntil(client);
    const before =
      inboxUntil === 0 ? [] : candidates.filter((m) => Number(m.record.timestamp) < inboxUntil && !replays.includes(m.messageId)).map((m) => m.messageId);
    if (before.length > 0) for (const id of await knownInInbox(client, this.o.schema, this.handler.consumerId, before)) refused.add(id);
    const toApply = refused.size === 0 ? candidates : candidates.filter((m) => !refused.has(m.messageId));
    return { toApply, duplicates: messages.length - toApply.length };
  }

  private async toDlq(record: InboundRecord, error: Error, attempts: number): Promise<void> {
    const producer = await this.bus.producer();
    await producer.send([
      {
        topic: dlqTopic(record.topic),
        key: record.key,
        value: record.value ?? '',
        headers: {
          ...record.headers,
          'dlq-error': error.message.slice(0, 2000),
          'dlq-attempts': String(attempts),
          'dlq-consumer': this.handler.consumerId,
          'dlq-original-topic': record.topic,
          'dlq-original-partition': String(record.partition),
          'dlq-original-offset': record.offset,
          'dlq-at': new Date().toISOString(),
        },
      },
    ]);
    this.deadLetters++;
    this.metrics.dlq.inc({ topic: record.topic, consumer: this.handler.consumerId });
    this.log.error({ topic: record.topic, offset: record.offset, attempts, err: error.message }, 'message sent to DLQ');
  }
}
