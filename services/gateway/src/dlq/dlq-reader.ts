import { Inject, Injectable } from '@nestjs/common';
import { dlqTopic, physicalTopic, TOPIC_CATALOGUE } from '@postera/contracts';
import { CONFIG, kafkaClientOptions, mendIdleRequestQueueChecks } from '@postera/platform';
import kafkajs from 'kafkajs';
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
  value: string;
  valueBase64: string;
  headers: Record<string, string>;
}

const READ_TIMEOUT_MS = 5_000;

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

  /** Up to `limit` dead letters of a topic, oldest first per partition. */
  async browse(topic: string, limit: number): Promise<DeadLetter[]> {
    const physical = physicalTopic(this.config.TOPIC_PREFIX, dlqTopic(topic));
    const admin = this.kafka.admin();
    await admin.connect();
    let expected = 0;
    try {
      const offsets = await admin.fetchTopicOffsets(physical);
      expected = offsets.reduce((n, o) => n + (Number(o.high) - Number(o.low)), 0);
    } finally {
      await admin.disconnect();
    }
    if (expected === 0) return [];
    const want = Math.min(limit, expected);
    const found: DeadLetter[] = [];
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
          if (found.length >= want) return;
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
          const value = message.value ?? Buffer.alloc(0);
          found.push({
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
            value: value.toString('utf8'),
            valueBase64: value.toString('base64'),
            headers,
          });
          if (found.length >= want) done();
        },
      });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([enough, new Promise<void>((resolve) => (timer = setTimeout(resolve, READ_TIMEOUT_MS)))]);
      clearTimeout(timer);
    } finally {
      await consumer.disconnect();
    }
    return found.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
  }

  /** Puts one dead letter back on its original topic: its key, bytes and original headers, without the dlq-* ones. */
  async replay(letter: DeadLetter): Promise<{ topic: string }> {
    if (!letter.originalTopic) throw new Error('the dead letter does not say where it came from (no dlq-original-topic header)');
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
            value: Buffer.from(letter.valueBase64, 'base64'),
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
