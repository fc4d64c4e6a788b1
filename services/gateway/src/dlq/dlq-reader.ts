import { HttpException, Inject, Injectable } from '@nestjs/common';
import { dlqTopic, physicalTopic, TOPIC_CATALOGUE } from '@postera/contracts';
import { CONFIG, kafkaClientOptions, mendIdleRequestQueueChecks } from '@postera/platform';
import kafkajs, { type KafkaMessage } from 'kafkajs';
import type { GatewayConfig } from '../config.js';

const { Kafka, logLevel, Partitioners } = kafkajs;

export interface DeadLetter {
  dlqTopic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** What the consumer said and where the message came from (the platform's dlq-* headers). */
  error: string | null;
  attempts: string | null;
  consumer: string | null;
  originalTopic: string | null;
  originalPartition: string | null;
  originalOffset: string | null;
  deadAt: string | null;
  /** The original bytes, held once: `value` and `valueBase64` are derived from them when the letter is written out (deadLetterOut). */
  bytes: Buffer;
  headers: Record<string, string>;
}

/** A dead letter as GET /api/dlq answers it. */
export interface DeadLetterOut extends Omit<DeadLetter, 'bytes'> {
  /** The bytes as UTF-8, the first DLQ_VALUE_PREVIEW_BYTES of them (`valueTruncated` says when cut). */
  value: string;
  valueTruncated: boolean;
  valueBytes: number;
  /** All the bytes. */
  valueBase64: string;
}

/** What a browse read: the letters, and whether it stopped at the byte budget before the limit. */
export interface DeadLetters {
  letters: DeadLetter[];
  truncated: boolean;
  bytesRead: number;
}

const READ_TIMEOUT_MS = 5_000;

/** The UTF-8 preview of a value in the answer: enough to read an envelope's header and error; the whole bytes are in valueBase64. */
export const DLQ_VALUE_PREVIEW_BYTES = 4 * 1024;

/** A letter as the answer writes it: the one copy of its bytes turned into base64 and a UTF-8 preview here, not held twice. */
export function deadLetterOut(letter: DeadLetter): DeadLetterOut {
  const { bytes, ...rest } = letter;
  const preview = bytes.subarray(0, DLQ_VALUE_PREVIEW_BYTES);
  return {
    ...rest,
    value: preview.toString('utf8'),
    valueTruncated: bytes.length > DLQ_VALUE_PREVIEW_BYTES,
    valueBytes: bytes.length,
    valueBase64: bytes.toString('base64'),
  };
}

/** Per partition, the offset of the last letter a page showed. */
export type PageCursor = Map<number, bigint>;

/**
 * The cursor of the next page: `partition:offset` of the last letter shown in each partition, comma
 * separated (`0:41,2:7`). Partitions are read concurrently, so one offset would not say where each
 * stopped; a partition absent from it is read from its beginning.
 */
export function pageCursor(letters: Array<{ partition: number; offset: string }>, before: PageCursor = new Map()): string {
  const last = new Map(before);
  for (const l of letters) if ((last.get(l.partition) ?? -1n) < BigInt(l.offset)) last.set(l.partition, BigInt(l.offset));
  return [...last.entries()]
    .sort(([a], [b]) => a - b)
    .map(([p, o]) => `${p}:${o}`)
    .join(',');
}

/** The `after` of a browse read back: null when it is not a list of `partition:offset`. */
export function readPageCursor(after: string): PageCursor | null {
  const cursor: PageCursor = new Map();
  for (const part of after.split(',')) {
    const m = /^(\d{1,5}):(\d{1,19})$/.exec(part);
    if (!m) return null;
    cursor.set(Number(m[1]), BigInt(m[2]!));
  }
  return cursor;
}

function letterOf(physical: string, partition: number, message: KafkaMessage): DeadLetter {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  return {
    dlqTopic: physical,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? null,
    error: headers['dlq-error'] ?? null,
    attempts: headers['dlq-attempts'] ?? null,
    consumer: headers['dlq-consumer'] ?? null,
    originalTopic: headers['dlq-original-topic'] ?? null,
    originalPartition: headers['dlq-original-partition'] ?? null,
    originalOffset: headers['dlq-original-offset'] ?? null,
    deadAt: headers['dlq-at'] ?? null,
    // A copy: the message's buffer is a slice of the whole fetched batch, which it would keep alive.
    bytes: Buffer.from(message.value ?? Buffer.alloc(0)),
    headers,
  };
}

/**
 * The dead-letter topics (`<topic>.dlq`): browse what the consumers gave up on, with the error and
 * the original bytes, and put one message back on its original topic (the consumers' inboxes make
 * a second arrival harmless, and the gateway records each replay so it is done once).
 */
@Injectable()
export class DlqReader {
  private readonly kafka: InstanceType<typeof Kafka>;

  constructor(@Inject(CONFIG) private readonly config: GatewayConfig) {
    mendIdleRequestQueueChecks(); // its own client: idle between operator requests, so it must not spin (kafkajs-request-queue.ts)
    this.kafka = new Kafka({ ...kafkaClientOptions(config, `${config.SERVICE_NAME}-dlq`), logLevel: logLevel.NOTHING });
  }

  /** The logical topics that have a dead-letter topic. */
  topics(): string[] {
    return TOPIC_CATALOGUE.topics.map((t) => t.name);
  }

  /** The byte budget of a browse (DLQ_BROWSE_BYTES_MAX). */
  get bytesMax(): number {
    return this.config.DLQ_BROWSE_BYTES_MAX;
  }

  /** Up to `limit` dead letters of a topic, oldest first per partition (see browseWithin). */
  async browse(topic: string, limit: number): Promise<DeadLetter[]> {
    return (await this.browseWithin(topic, limit)).letters;
  }

  /**
   * Up to `limit` dead letters of a topic, oldest first per partition, within `bytesMax` bytes of
   * values: reading stops at the first letter that would take them beyond it (`truncated`), left
   * out unless it is the first. `after` is where the page before ended in each partition (see
   * `pageCursor`): a partition is read in order, so what a page did not reach lies after its cursor,
   * and each partition is read from there (a page costs its own letters, not those of the pages before).
   */
  async browseWithin(topic: string, limit: number, bytesMax = this.bytesMax, after: PageCursor = new Map()): Promise<DeadLetters> {
    const found: DeadLetter[] = [];
    let bytesRead = 0;
    let truncated = false;
    const from = new Map([...after.entries()].map(([partition, shown]) => [partition, shown + 1n]));
    await this.scan(topic, from, (partition, message, physical) => {
      const size = message.value?.length ?? 0;
      if (found.length > 0 && bytesRead + size > bytesMax) {
        truncated = true;
        return 'stop';
      }
      bytesRead += size;
      found.push(letterOf(physical, partition, message));
      return found.length >= limit ? 'stop' : 'more';
    });
    found.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
    return { letters: found, truncated, bytesRead };
  }

  /** One dead letter by its place, read without holding the others (what a replay needs, whatever the byte budget); null when absent. */
  async find(topic: string, partition: number, offset: string): Promise<DeadLetter | null> {
    let letter: DeadLetter | null = null;
    await this.scan(topic, { partition, offset: BigInt(offset) }, (p, message, physical) => {
      if (p !== partition || message.offset !== offset) return 'more';
      letter = letterOf(physical, p, message);
      return 'stop';
    });
    return letter;
  }

  /**
   * Reads a dead-letter topic, each record to `visit`, until it says stop, every record there was
   * when the read began has been seen, or READ_TIMEOUT_MS. `from` says where: per partition the
   * first offset to read (a partition it does not name from its first record), or one record's place
   * (that partition from there, the others not at all). Returns the physical topic.
   */
  private async scan(
    topic: string,
    from: Map<number, bigint> | { partition: number; offset: bigint },
    visit: (partition: number, message: KafkaMessage, physical: string) => 'more' | 'stop',
  ): Promise<string> {
    const physical = physicalTopic(this.config.TOPIC_PREFIX, dlqTopic(topic));
    const admin = this.kafka.admin();
    await admin.connect();
    let starts: Array<{ partition: number; start: bigint; high: bigint }>;
    try {
      starts = (await admin.fetchTopicOffsets(physical)).map((o) => {
        const [low, high] = [BigInt(o.low), BigInt(o.high)];
        const asked = from instanceof Map ? from.get(o.partition) : from.partition === o.partition ? from.offset : high;
        // Never before the first record still kept, never past the end.
        return { partition: o.partition, start: asked === undefined || asked < low ? low : asked > high ? high : asked, high };
      });
    } finally {
      await admin.disconnect();
    }
    const startOf = new Map(starts.map((s) => [s.partition, s.start]));
    const expected = starts.reduce((n, s) => n + Number(s.high - s.start), 0);
    if (expected === 0) return physical;
    let seen = 0;
    let stopped = false;
    const consumer = this.kafka.consumer({
      groupId: `${this.config.CONSUMER_GROUP_PREFIX}.${this.config.SERVICE_NAME}.dlq-browser-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      maxWaitTimeInMs: 100,
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [physical], fromBeginning: true });
      let done: () => void = () => undefined;
      const enough = new Promise<void>((resolve) => (done = resolve));
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          // A fetch made before the seek took effect gives records before the start: not this read's.
          if (stopped || BigInt(message.offset) < (startOf.get(partition) ?? 0n)) return;
          seen++;
          if (visit(partition, message, physical) === 'stop' || seen >= expected) {
            stopped = true;
            done();
          }
        },
      });
      // Applied by the consumer before its next fetch of each partition, once it is assigned.
      for (const s of starts) consumer.seek({ topic: physical, partition: s.partition, offset: s.start.toString() });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([enough, new Promise<void>((resolve) => (timer = setTimeout(resolve, READ_TIMEOUT_MS)))]);
      clearTimeout(timer);
    } finally {
      await consumer.disconnect();
    }
    return physical;
  }

  /**
   * Puts one dead letter back on its original topic: its key, bytes and original headers, without the
   * dlq-* ones. Only to the topic its dead-letter topic belongs to: a header naming another topic is
   * a record someone else wrote, not one a consumer gave up on.
   */
  async replay(letter: DeadLetter): Promise<{ topic: string }> {
    if (!letter.originalTopic) throw new Error('the dead letter does not say where it came from (no dlq-original-topic header)');
    const home = letter.dlqTopic.endsWith('.dlq') ? letter.dlqTopic.slice(0, -'.dlq'.length) : null;
    if (letter.originalTopic !== home)
      throw new HttpException(
        `the dead letter names ${letter.originalTopic} as its topic, but it sits on ${letter.dlqTopic}: it is only replayed to ${home ?? 'its own topic'}`,
        422,
      );
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      const headers = Object.fromEntries(Object.entries(letter.headers).filter(([k]) => !k.startsWith('dlq-')));
      await producer.send({
        topic: letter.originalTopic,
        acks: -1,
        messages: [
          {
            key: letter.key,
            value: letter.bytes,
            headers: { ...headers, 'replayed-from': `${letter.dlqTopic}/${letter.partition}/${letter.offset}` },
          },
        ],
      });
    } finally {
      await producer.disconnect();
    }
    return { topic: letter.originalTopic };
  }
}
