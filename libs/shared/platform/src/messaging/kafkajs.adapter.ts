import kafkajs from 'kafkajs';
import type { Log } from '../logger.js';
import type { KafkaClientOptions } from './kafka-client-options.js';
import type { BatchControl, InboundBatch, MessageBus, MessageConsumer, MessageProducer, OutboundRecord } from './message-bus.port.js';
import { mendIdleRequestQueueChecks } from './kafkajs-request-queue.js';
import { OffsetCommits } from './offset-commits.js';

const { Kafka, logLevel, CompressionTypes, Partitioners } = kafkajs;
type KafkaClient = InstanceType<typeof Kafka>;
type Producer = ReturnType<KafkaClient['producer']>;
type Consumer = ReturnType<KafkaClient['consumer']>;

function headersToStrings(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined || v === null) continue;
    out[k] = Buffer.isBuffer(v) ? v.toString('utf8') : Array.isArray(v) ? String(v[0]) : String(v);
  }
  return out;
}

/** Errors of group membership (evicted, rebalancing, generation gone): the consumer rejoins, nothing is lost. */
const MEMBERSHIP_ERRORS = new Set(['UNKNOWN_MEMBER_ID', 'REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'NOT_COORDINATOR_FOR_GROUP']);

/** The protocol error of group membership inside a kafkajs error (its cause chain), if any. */
export function groupMembershipError(e: unknown): Error | null {
  for (let cur = e as { type?: unknown; cause?: unknown } | undefined, depth = 0; cur && depth < 5; cur = cur.cause as typeof cur, depth++) {
    if (typeof cur.type === 'string' && MEMBERSHIP_ERRORS.has(cur.type)) return cur as unknown as Error;
  }
  return null;
}

/** kafkajs's own metadata max age: a topic's partitions are read again as often as the producer's. */
const PARTITIONS_MAX_AGE_MS = 300_000;

export class KafkajsBus implements MessageBus {
  private readonly kafka: KafkaClient;
  private producerPromise: Promise<Producer> | null = null;
  private readonly consumers = new Set<Consumer>();
  private admin: ReturnType<KafkaClient['admin']> | null = null;
  private readonly partitioners = new Map<string, { partitionOf: (key: string) => number; at: number }>();
  /** The same partitioner the producer is made with: a key lands where kafkajs would send it. */
  private readonly placement = Partitioners.DefaultPartitioner();

  constructor(
    /** Brokers, TLS and SASL: kafkaClientOptions(config, clientId). */
    client: KafkaClientOptions,
    private readonly log: Log,
    /**
     * How long the group waits for a silent member before giving its partitions to the others: after
     * a kill -9, the partitions of the dead process sit unconsumed this long. Chunks heartbeat while
     * they work (BatchConsumer), so a slow chunk does not need a long timeout.
     */
    private readonly sessionTimeoutMs = 15_000,
    /**
     * The broker answers a fetch once it holds `minBytes`, or after `maxWaitMs`. minBytes 1 answers at
     * once (lowest latency, smallest batches); more lets each hop gather a batch — one transaction
     * for many messages — at the price of up to maxWaitMs of latency per hop.
     */
    private readonly fetch: { minBytes: number; maxWaitMs: number } = { minBytes: 1, maxWaitMs: 500 },
    /**
     * How long a processed offset may wait before it is committed to the group, so that the commits
     * of several chunks and partitions share one request. 0 commits after each chunk. Each commit is
     * a write on the broker; at low load every chunk is a single message, and the commits were as
     * many broker requests as the fetches.
     */
    private readonly offsetCommitIntervalMs = 0,
  ) {
    if (!mendIdleRequestQueueChecks()) log.warn('kafkajs request queue not mended: idle broker connections poll every millisecond');
    this.kafka = new Kafka({
      ...client,
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, log: entry }) => {
          const { message, ...extra } = entry;
          if (level <= logLevel.ERROR) this.log.error({ kafka: extra }, message);
          else this.log.warn({ kafka: extra }, message);
        },
      retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5000 },
    });
  }

  async producer(): Promise<MessageProducer> {
    this.producerPromise ??= (async () => {
      // Idempotent producer: the broker drops a retried duplicate, acks from all in-sync replicas.
      // The default (murmur2) partitioner places a key where the Java clients would.
      const p = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      try {
        await p.connect();
      } catch (e) {
        await p.disconnect().catch(() => undefined);
        throw e;
      }
      return p;
    })();
    const made = this.producerPromise;
    let p: Producer;
    try {
      p = await made;
    } catch (e) {
      // A producer that could not connect (the broker down at that moment) is not kept: the next
      // call makes another, rather than every later one failing with this connection's error.
      if (this.producerPromise === made) this.producerPromise = null;
      throw e;
    }
    return {
      send: async (records: OutboundRecord[]) => {
        if (records.length === 0) return;
        const byTopic = new Map<string, OutboundRecord[]>();
        for (const r of records) {
          const rs = byTopic.get(r.topic);
          if (rs) rs.push(r);
          else byTopic.set(r.topic, [r]);
        }
        try {
          await p.sendBatch({
            acks: -1,
            compression: CompressionTypes.None,
            topicMessages: [...byTopic].map(([topic, rs]) => ({
              topic,
              messages: rs.map((r) => ({ key: r.key, value: r.value, headers: r.headers, partition: r.partition })),
            })),
          });
        } catch (e) {
          // An idempotent producer whose sequence the broker no longer accepts (after a broker
          // restart lost its state, say) fails every send from then on: kafkajs never resets it. It
          // is dropped, and the next send gets a new producer id; what it did not send is sent again
          // (the outbox keeps it, the consumers drop a copy by its publication sequence).
          if (producerFenced(e) && this.producerPromise === made) {
            this.producerPromise = null;
            this.log.warn({ err: (e as Error).message }, 'the broker refused the producer’s sequence: a new producer is made');
            void p.disconnect().catch(() => undefined);
          }
          throw e;
        }
      },
      partitioner: (topic: string) => this.partitioner(topic),
    };
  }

  /**
   * The producer's own placement of a key, from the topic's partitions as the broker gives them,
   * read again after PARTITIONS_MAX_AGE_MS as kafkajs refreshes its metadata: a topic given more
   * partitions moves keys for every producer alike.
   */
  private async partitioner(topic: string): Promise<(key: string) => number> {
    const known = this.partitioners.get(topic);
    if (known && Date.now() - known.at < PARTITIONS_MAX_AGE_MS) return known.partitionOf;
    this.admin ??= this.kafka.admin();
    await this.admin.connect();
    const { topics } = await this.admin.fetchTopicMetadata({ topics: [topic] });
    const partitionMetadata = topics[0]?.partitions ?? [];
    if (partitionMetadata.length === 0) throw new Error(`the broker knows no partition of ${topic}`);
    const partitionOf = (key: string) => this.placement({ topic, partitionMetadata, message: { key, value: null } });
    this.partitioners.set(topic, { partitionOf, at: Date.now() });
    return partitionOf;
  }

  consumer(groupId: string, options: { partitionsConcurrentMax: number; fromBeginning: boolean }): MessageConsumer {
    const consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(this.sessionTimeoutMs / 5)),
      // A long poll: with minBytes 1 the broker answers as soon as a record arrives, so this costs
      // no latency; it only bounds how often an idle consumer asks. At 50 ms the ~25 consumer groups
      // of a stack made the broker and the services spend more CPU polling empty partitions than working.
      maxWaitTimeInMs: this.fetch.maxWaitMs,
      minBytes: this.fetch.minBytes,
      maxBytesPerPartition: 4 * 1024 * 1024,
    });
    this.consumers.add(consumer);
    let running = false;
    let memberLost: ((error: unknown) => void) | undefined;
    // A consumer that kafkajs will not restart leaves its partitions unconsumed. kafkajs gives up on
    // errors a new member gets past: "group coordinator not found" after a broker restart, a lock or
    // request timeout on a loaded machine, a generation the group left behind while this member
    // joined. The owner starts a new member (and decides when it has tried enough); without an
    // owner, die loudly so the supervisor restarts the process (committed offsets and the inbox make
    // either safe).
    consumer.on(consumer.events.CRASH, (e) => {
      if (e.payload.restart) return;
      if (running && memberLost) {
        running = false;
        memberLost(e.payload.error);
        return;
      }
      this.log.fatal({ err: e.payload.error, groupId }, 'consumer crashed and will not restart; exiting');
      process.exit(70);
    });
    const inFlight = new Set<Promise<void>>();
    const commits = new OffsetCommits({
      commit: (offsets) => consumer.commitOffsets(offsets),
      intervalMs: this.offsetCommitIntervalMs,
      retryMs: Math.max(1_000, this.offsetCommitIntervalMs),
      isMembershipError: (e) => groupMembershipError(e) !== null,
      onDeferredFailure: (e) => this.log.warn({ err: e, groupId }, 'deferred offset commit failed; trying again'),
    });
    consumer.on(consumer.events.COMMIT_OFFSETS, (e) => commits.confirmed(e.payload.topics));
    consumer.on(consumer.events.GROUP_JOIN, (e) => commits.joined(e.payload.memberAssignment));
    return {
      start: async (topics, onBatch, onMemberLost) => {
        memberLost = onMemberLost;
        await consumer.connect();
        await consumer.subscribe({ topics, fromBeginning: options.fromBeginning });
        running = true;
        await consumer.run({
          autoCommit: false, // offsets are committed by the engine, after the database commit
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: options.partitionsConcurrentMax,
          eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
            const inbound: InboundBatch = {
              topic: batch.topic,
              partition: batch.partition,
              records: batch.messages.map((m) => ({
                topic: batch.topic,
                partition: batch.partition,
                offset: m.offset,
                key: m.key ? m.key.toString('utf8') : null,
                value: m.value,
                headers: headersToStrings(m.headers as Record<string, unknown>),
                timestamp: m.timestamp,
              })),
            };
            const control: BatchControl = {
              commit: async (offset, now) => {
                resolveOffset(offset);
                commits.processed({ topic: batch.topic, partition: batch.partition, offset: (BigInt(offset) + 1n).toString() });
                if (!now && this.offsetCommitIntervalMs > 0) {
                  commits.schedule();
                  return;
                }
                try {
                  await commits.flush();
                } catch (e) {
                  // The group moved on while the batch was in hand: its effects are committed in the
                  // database, so the records redelivered to the partition's next owner find their inbox
                  // rows. Hand kafkajs the protocol error itself (not its non-retriable wrapper) so its
                  // runner rejoins the group instead of crashing the consumer.
                  throw groupMembershipError(e) ?? e;
                }
              },
              heartbeat,
              isRunning: () => running && isRunning() && !isStale(),
            };
            const work = onBatch(inbound, control);
            inFlight.add(work);
            try {
              await work;
            } finally {
              inFlight.delete(work);
            }
          },
        });
      },
      stop: async () => {
        running = false;
        // Finish (and commit) the batch in hand first: once kafkajs's own stop begins it drops offset commits.
        await Promise.allSettled([...inFlight]);
        await commits.flush().catch((e) => this.log.warn({ err: e, groupId }, 'offset commit at stop failed; the records will come again'));
        commits.stop();
        await consumer.disconnect();
        this.consumers.delete(consumer);
      },
    };
  }

  async ping(timeoutMs: number): Promise<void> {
    this.admin ??= this.kafka.admin();
    const admin = this.admin;
    await Promise.race([
      (async () => {
        await admin.connect();
        await admin.describeCluster();
      })(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`kafka did not answer within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
  }

  isUnavailable(error: unknown): boolean {
    return brokerUnavailable(error);
  }

  refusedForItself(error: unknown): boolean {
    return refusedForItself(error);
  }

  async close(): Promise<void> {
    for (const c of this.consumers) await c.disconnect().catch(() => undefined);
    if (this.producerPromise) await this.producerPromise.then((p) => p.disconnect()).catch(() => undefined);
    if (this.admin) await this.admin.disconnect().catch(() => undefined);
  }
}

/** The broker's answers that concern a record itself, not the broker's state: sending it again can never succeed. */
const REFUSED_FOR_ITSELF = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE']);

/** Whether a produce failed because of the records sent (see REFUSED_FOR_ITSELF), looked for down the error's causes. */
export function refusedForItself(e: unknown): boolean {
  return someCause(e, (err) => typeof err.type === 'string' && REFUSED_FOR_ITSELF.has(err.type));
}

/** kafkajs's errors for a broker that is not there (yet): refused, closed, silent, or its group coordinator not elected. */
const BROKER_ABSENT = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSGroupCoordinatorNotFound',
]);
const BROKER_NOT_READY = new Set([
  'COORDINATOR_NOT_AVAILABLE',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'GROUP_LOAD_IN_PROGRESS',
  'NOT_COORDINATOR',
  'NOT_COORDINATOR_FOR_GROUP',
  'LEADER_NOT_AVAILABLE',
  'REQUEST_TIMED_OUT',
]);

/**
 * Whether connecting or subscribing failed because the broker is down, restarting or still electing
 * (kafkajs gives up after its own few retries with KafkaJSNumberOfRetriesExceeded around the cause):
 * time cures it. An unknown topic or a refused authorization is not such a failure.
 */
export function brokerUnavailable(e: unknown): boolean {
  return someCause(
    e,
    (err) =>
      (typeof err.name === 'string' && BROKER_ABSENT.has(err.name)) ||
      (typeof err.type === 'string' && BROKER_NOT_READY.has(err.type)) ||
      (typeof err.message === 'string' && /ECONNREFUSED|ECONNRESET|Connection timeout/i.test(err.message)),
  );
}

type ErrorLike = { name?: unknown; type?: unknown; message?: unknown; cause?: unknown; originalError?: unknown };

/** Whether the error, or one of the errors it wraps (kafkajs nests them in cause or originalError), matches. */
function someCause(e: unknown, matches: (err: ErrorLike) => boolean): boolean {
  for (let err = e as ErrorLike | undefined, depth = 0; err && depth < 5; depth++) {
    if (matches(err)) return true;
    err = (err.cause ?? err.originalError) as ErrorLike | undefined;
  }
  return false;
}

/** The broker's answers that leave an idempotent producer unable to send again. */
export function producerFenced(e: unknown): boolean {
  const types = ['OUT_OF_ORDER_SEQUENCE_NUMBER', 'INVALID_PRODUCER_EPOCH', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_ID_MAPPING'];
  // kafkajs gives the broker's error itself, or wrapped once its retries are spent.
  for (let x = e as { type?: unknown; cause?: unknown } | undefined, depth = 0; x && depth < 3; x = x.cause as typeof x, depth++)
    if (types.includes(String(x.type))) return true;
  return false;
}
