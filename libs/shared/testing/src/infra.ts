import { randomBytes } from 'node:crypto';
import { catalogueAcls, dlqTopic, physicalTopic, TOPIC_CATALOGUE } from '@postera/contracts';
import { applyAcls, kafkaClientOptions, kafkaConnectionFromEnv, mendIdleRequestQueueChecks, PUBLICATION_HEADERS, removeAcls, unpack, type KafkaConnectionConfig } from '@postera/platform';
import kafkajs from 'kafkajs';
import pg from 'pg';

/**
 * Helpers for medium tests against the real broker and the real database (no mocks). Every test
 * file takes its own topic prefix and its own database, and removes both when it ends, so files
 * can run side by side on one cluster and one server.
 */

const { Kafka, logLevel, Partitioners } = kafkajs;
type KafkaClient = InstanceType<typeof Kafka>;

/** Limits on what a helper waits for: a test that hangs is worse than one that fails. */
const CONSUME_TIMEOUT_MS_DEFAULT = 15_000;
const WAIT_TIMEOUT_MS_DEFAULT = 15_000;
const WAIT_INTERVAL_MS_DEFAULT = 50;
const TOPIC_READY_TIMEOUT_MS = 15_000;

export function kafkaBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
}

/**
 * The tests' own connection: KAFKA_BROKERS with the TLS and SASL settings of the environment, the
 * admin principal's (scripts/test.sh sets the local broker's): it creates and deletes topics,
 * produces test events and reads any topic.
 */
export function testKafkaConnection(): KafkaConnectionConfig {
  return kafkaConnectionFromEnv(process.env);
}

/**
 * The password of a principal on the local broker (deploy/local/kafka.sh creates each SCRAM user of
 * the catalogue with it). Local only: a deployment takes every password from a Secret.
 */
export function localKafkaPassword(principal: string): string {
  return `${principal}-local-secret`;
}

/**
 * The connection of a service's principal: the tests' brokers and TLS, the service's own SCRAM
 * username and password (KAFKA_SASL_PASSWORD_<SERVICE> when set, else the local broker's rule).
 * Without SASL in the tests' environment (a broker without authentication), none for the service either.
 */
export function serviceKafkaConnection(service: string): KafkaConnectionConfig {
  const admin = testKafkaConnection();
  if (!admin.KAFKA_SASL_MECHANISM) return admin;
  const own = process.env[`KAFKA_SASL_PASSWORD_${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`];
  return { ...admin, KAFKA_SASL_USERNAME: service, KAFKA_SASL_PASSWORD: own ?? localKafkaPassword(service) };
}

/** The same connection as the environment variables a service process reads. */
export function kafkaConnectionEnv(c: KafkaConnectionConfig): Record<string, string> {
  const env: Record<string, string> = { KAFKA_BROKERS: c.KAFKA_BROKERS, KAFKA_TLS: String(c.KAFKA_TLS) };
  const optional = ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_TLS_CA_FILE', 'KAFKA_TLS_CERT_FILE', 'KAFKA_TLS_KEY_FILE'] as const;
  for (const k of optional) {
    const v = c[k];
    if (v !== undefined) env[k] = v;
  }
  return env;
}

/** The server's maintenance database; test databases are created and dropped through it. */
export function postgresAdminUrl(): string {
  return process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

function randomSuffix(length: number): string {
  // base-36 of random bytes: only [a-z0-9], valid in topic, group and database names alike.
  let s = '';
  while (s.length < length) s += BigInt(`0x${randomBytes(8).toString('hex')}`).toString(36);
  return s.slice(0, length);
}

function slug(label: string, separator: '-' | '_'): string {
  const cleaned = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, separator)
    .replace(new RegExp(`^\\${separator}+|\\${separator}+$`, 'g'), '');
  return cleaned.slice(0, 24) || 'x';
}

/** A topic prefix of one test run: `t-<label>-<random6>`, lowercase [a-z0-9-] (TOPIC_PREFIX's rule). */
export function uniquePrefix(label: string): string {
  return `t-${slug(label, '-')}-${randomSuffix(6)}`;
}

/**
 * A kafkajs client that only speaks up for errors (KAFKAJS_LOG_LEVEL=debug etc. to see more), as the
 * tests' admin principal unless another connection is given (serviceKafkaConnection).
 */
export function testKafka(clientId = 'postera-test', level?: kafkajs.logLevel, connection: KafkaConnectionConfig = testKafkaConnection()): KafkaClient {
  // As the services run it: without kafkajs's idle 1 ms timers (and Node's warning on their negative delay).
  mendIdleRequestQueueChecks();
  const named = (process.env.KAFKAJS_LOG_LEVEL ?? 'error').toUpperCase() as keyof typeof logLevel;
  return new Kafka({
    ...kafkaClientOptions(connection, clientId),
    logLevel: level ?? logLevel[named] ?? logLevel.ERROR,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2000 },
  });
}

async function withAdmin<T>(work: (admin: ReturnType<KafkaClient['admin']>) => Promise<T>, level?: kafkajs.logLevel): Promise<T> {
  const admin = testKafka('postera-test-admin', level).admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

export interface TestTopic {
  /** Logical name; created as physicalTopic(prefix, name). */
  name: string;
  partitions: number;
}

/** Creates the physical topics of a test (and their `.dlq` beside them) and waits for their leaders. */
export async function createTopics(prefix: string, topics: TestTopic[], options: { withDlq: boolean } = { withDlq: true }): Promise<string[]> {
  const { replicationFactor, dlqPartitions } = TOPIC_CATALOGUE.defaults;
  const specs = topics.flatMap((t) => {
    const topic = physicalTopic(prefix, t.name);
    const own = { topic, numPartitions: t.partitions, replicationFactor };
    return options.withDlq ? [own, { topic: dlqTopic(topic), numPartitions: dlqPartitions, replicationFactor }] : [own];
  });
  const names = specs.map((s) => s.topic);
  // kafkajs' own waitForLeaders gives up on an UNKNOWN_TOPIC answer while the broker catches up
  // (seen when two test runs create topics at once), and an elected leader may still answer
  // NOT_LEADER to the first produce. So: wait until every partition answers a ListOffsets, which
  // goes to its leader, with a quiet client, since the refusals until then are expected.
  await withAdmin((admin) => admin.createTopics({ topics: specs, waitForLeaders: false }));
  await withAdmin(
    (admin) =>
      waitFor(
        async () => {
          try {
            for (const name of names) await admin.fetchTopicOffsets(name);
            return true;
          } catch {
            return false;
          }
        },
        { timeoutMs: TOPIC_READY_TIMEOUT_MS, what: `leaders serving ${names.join(', ')}` },
      ),
    logLevel.NOTHING,
  );
  return specs.map((s) => s.topic);
}

/**
 * Deletes every topic and consumer group whose name starts with `<prefix>.`, and on an authenticated
 * broker the catalogue's ACLs for that prefix (as topic and as group prefix: grantCatalogueAcls').
 */
export async function deleteTopicsWithPrefix(prefix: string): Promise<void> {
  if (!prefix) throw new Error('deleteTopicsWithPrefix: an empty prefix would delete every topic');
  const start = `${prefix}.`;
  await withAdmin(async (admin) => {
    const { groups } = await admin.listGroups();
    const groupIds = groups.map((g) => g.groupId).filter((g) => g.startsWith(start));
    if (groupIds.length > 0) await admin.deleteGroups(groupIds).catch(() => undefined); // a group still leaving is not worth failing a test for
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(start));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
    if (testKafkaConnection().KAFKA_SASL_MECHANISM) await removeAcls(admin, catalogueAcls(TOPIC_CATALOGUE, { topicPrefix: prefix, groupPrefix: prefix }));
  });
}

/**
 * The catalogue's ACLs for a test's prefix (its topics and, named `<prefix>.<service>.…`, its
 * groups): each service's principal may then use what it owns under that prefix, and nothing else.
 * Nothing to do on a broker without authentication.
 */
export async function grantCatalogueAcls(prefix: string): Promise<void> {
  if (!testKafkaConnection().KAFKA_SASL_MECHANISM) return;
  await withAdmin((admin) => applyAcls(admin, catalogueAcls(TOPIC_CATALOGUE, { topicPrefix: prefix, groupPrefix: prefix })));
}

/** The group's committed offset per partition of a physical topic ('-1' where none). */
export async function committedOffsets(groupId: string, topic: string): Promise<Map<number, string>> {
  return withAdmin(async (admin) => {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((entry?.partitions ?? []).map((p) => [p.partition, p.offset]));
  });
}

/** The end (high watermark) offset per partition of a physical topic. */
export async function endOffsets(topic: string): Promise<Map<number, string>> {
  return withAdmin(async (admin) => new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high])));
}

/** Creates a fresh database `t_<label>_<random>` on the test server and returns its URL. */
export async function createTestDatabase(label: string): Promise<string> {
  const name = `t_${slug(label, '_')}_${randomSuffix(8)}`;
  const client = new pg.Client({ connectionString: postgresAdminUrl() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by createTestDatabase, ending whatever connection a test left open. */
export async function dropTestDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^t_[a-z0-9_]+$/.test(name)) throw new Error(`dropTestDatabase: ${name} is not a test database`);
  const client = new pg.Client({ connectionString: postgresAdminUrl() });
  await client.connect();
  try {
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    await client.query(`DROP DATABASE IF EXISTS ${name}`);
  } finally {
    await client.end();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls predicate until it holds; throws naming `what` when timeoutMs passes first. */
export async function waitFor(predicate: () => Promise<boolean> | boolean, options: { timeoutMs?: number; intervalMs?: number; what: string }): Promise<void> {
  const timeoutMs = options.timeoutMs ?? WAIT_TIMEOUT_MS_DEFAULT;
  const intervalMs = options.intervalMs ?? WAIT_INTERVAL_MS_DEFAULT;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${options.what}`);
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}

export interface RawMessage {
  key: string | null;
  value: string | Buffer;
  headers?: Record<string, string>;
  /** Pins the partition; without it the key decides (murmur2, as the platform's producer). */
  partition?: number;
}

/** Produces to physicalTopic(prefix, topic) with an idempotent producer, acks from all replicas. */
export async function produceRaw(prefix: string, topic: string, messages: RawMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const producer = testKafka('postera-test-producer').producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    await producer.send({
      topic: physicalTopic(prefix, topic),
      acks: -1,
      messages: messages.map((m) => ({
        key: m.key,
        value: m.value,
        headers: m.headers ?? {},
        ...(m.partition === undefined ? {} : { partition: m.partition }),
      })),
    });
  } finally {
    await producer.disconnect();
  }
}

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/**
 * Reads a physical topic from the beginning with a throwaway group (`<topic>.reader-<random>`, so
 * deleteTopicsWithPrefix removes it). Returns once `expected` messages arrived (plus settleMs, to
 * catch unexpected extras) or when timeoutMs passes — with what it has, for the test to judge.
 * Messages come in partition order within each partition.
 */
export async function consumeAll(topic: string, options: { expected: number | 'to-the-end'; timeoutMs?: number; settleMs?: number }): Promise<ConsumedMessage[]> {
  const timeoutMs = options.timeoutMs ?? CONSUME_TIMEOUT_MS_DEFAULT;
  const consumer = testKafka('postera-test-reader').consumer({
    groupId: `${topic}.reader-${randomSuffix(6)}`,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 50,
  });
  const received: ConsumedMessage[] = [];
  // 'to-the-end': every record the topic holds when the read starts (a packed record is several events).
  const ends = options.expected === 'to-the-end' ? await endOffsets(topic) : null;
  const next = new Map<number, bigint>();
  const enoughRead = () =>
    ends ? [...ends].every(([p, end]) => (next.get(p) ?? 0n) >= BigInt(end)) : received.length >= (options.expected as number);
  // A throwaway group commits nothing, so a rebalance (a coordinator still loading after the
  // broker starts) hands the reader its partitions again from the beginning: a record seen twice
  // at one offset is the reader's, not the topic's. A record written twice has two offsets.
  const seen = new Set<string>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let reached: () => void = () => undefined;
    const enough = new Promise<void>((resolve) => (reached = resolve));
    if (enoughRead()) reached();
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic: t, partition, message }) => {
        const at = `${t}/${partition}/${message.offset}`;
        if (seen.has(at)) return;
        seen.add(at);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) {
          if (v === undefined) continue;
          headers[k] = Array.isArray(v) ? String(v[0]) : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
        }
        // A packed record counts as its events, each with its own key and headers.
        const record = { topic: t, partition, offset: message.offset, key: message.key?.toString('utf8') ?? null, value: message.value, headers, timestamp: message.timestamp };
        for (const event of unpack(record, PUBLICATION_HEADERS.seq)) {
          received.push({ topic: t, partition, offset: message.offset, key: event.key, value: event.value?.toString('utf8') ?? '', headers: event.headers });
        }
        next.set(partition, BigInt(message.offset) + 1n);
        if (enoughRead()) reached();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([enough, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    if (options.settleMs) await sleep(options.settleMs);
  } finally {
    await consumer.disconnect();
  }
  return received;
}
