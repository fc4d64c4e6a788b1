import { z } from 'zod';
import { kafkaConnectionProblems, kafkaConnectionSchema, type KafkaConnectionConfig } from './messaging/kafka-client-options.js';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/**
 * The environment every service reads, validated once at boot. Nothing else reads process.env:
 * a wrong variable stops the process with every problem named, before it touches a message.
 */
export const baseConfigSchema = z.object({
  SERVICE_NAME: z.string().min(1),
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/postera'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(2).max(100).default(10),
  /** How long a starting service waits for Postgres to accept connections before it gives up (exit 1). */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(120_000),
  /** Create the database if it is missing (dev and CI); production roles usually cannot. */
  DATABASE_CREATE: bool.default(true),
  MIGRATE_ON_BOOT: bool.default(true),
  /**
   * Each connection prepares a parameterised statement once and then only binds it (Postgres skips
   * parsing and analysis). Turn off behind a pooler that cannot keep named statements across
   * transactions (PgBouncer in transaction mode before 1.21).
   */
  DATABASE_PREPARED_STATEMENTS: bool.default(true),
  /** KAFKA_BROKERS, and the TLS and SASL settings of messaging/kafka-client-options.ts. */
  ...kafkaConnectionSchema.shape,
  /** Prefix of every topic name: several environments or test runs on one cluster. */
  TOPIC_PREFIX: z
    .string()
    .regex(/^[a-z0-9-]*$/)
    .default(''),
  CONSUMER_GROUP_PREFIX: z.string().min(1).default('postera'),
  /** How long a starting service waits for the broker (down, restarting, electing a coordinator) before it gives up (exit 1). */
  KAFKA_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(120_000),
  /** A member silent this long leaves the group and its partitions go to the others (the broker allows 6 s to 300 s by default). */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(300000).default(15000),
  /** A fetch is answered once this many bytes wait, or after KAFKA_FETCH_MAX_WAIT_MS: more gathers bigger batches per hop. */
  KAFKA_FETCH_MIN_BYTES: z.coerce.number().int().min(1).max(10485760).default(1),
  /**
   * With KAFKA_FETCH_MIN_BYTES 1 the broker answers as soon as a record arrives, so this only bounds
   * how often an idle consumer asks again: 2 s rather than 500 ms took the broker's CPU at rest from
   * 5.4 % to 2.2 % of a core (the idle stack from 35 % to 23 % with the two polls below). A stop waits
   * for the fetch in flight, so up to this much longer.
   */
  KAFKA_FETCH_MAX_WAIT_MS: z.coerce.number().int().min(10).max(10000).default(2000),
  /**
   * A processed offset is committed to the group within this time, with the others of the moment
   * (one request instead of one per chunk); 0 commits after every chunk. A crash redelivers at most
   * this much, which the inbox absorbs. A chunk that sent a message to the DLQ commits at once.
   */
  KAFKA_COMMIT_INTERVAL_MS: z.coerce.number().int().min(0).max(10000).default(1000),
  /** Messages per database transaction on the consuming side. */
  BATCH_SIZE_MAX: z.coerce.number().int().min(1).max(5000).default(500),
  /** Partitions a consumer works on at once (each with its own transaction, unless PARTITIONS_SHARE_TRANSACTION). */
  PARTITIONS_CONCURRENT_MAX: z.coerce.number().int().min(1).max(32).default(3),
  /**
   * Whether the chunks of one topic's partitions handed over together share one transaction (at a
   * trickle, one transaction per fetch instead of one per partition: docs/benchmark.md).
   */
  PARTITIONS_SHARE_TRANSACTION: bool.default(true),
  RETRY_COUNT_MAX: z.coerce.number().int().min(0).max(10).default(3),
  RETRY_BACKOFF_MS: z.coerce.number().int().min(1).max(60000).default(200),
  OUTBOX_BATCH_MAX: z.coerce.number().int().min(1).max(10000).default(1000),
  /**
   * Fallback poll of the outbox. Each insert wakes the relay through LISTEN/NOTIFY at commit, and a
   * lost listening connection is opened again (waking the relay), so the poll only catches what a
   * notification might miss.
   */
  OUTBOX_POLL_MS: z.coerce.number().int().min(5).max(60000).default(5000),
  /**
   * After a wake-up, the relay waits this long before reading the outbox, so the commits right behind
   * the one that woke it go out in the same pass (one transaction, one produce) rather than one each.
   */
  OUTBOX_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(5),
  /** Published rows after which the relay empties the outbox (outbox_rotate()), once it has caught up. */
  OUTBOX_ROTATE_ROWS: z.coerce.number().int().min(1).max(10_000_000).default(20_000),
  /**
   * Inbox rows are kept this long, then pruned (inbox-pruner.ts). At least 15 days: a topic keeps a
   * record for its retention (7 days) plus the life of its open segment (up to 7 more), and the
   * inbox must remember every message Kafka can still deliver again.
   */
  INBOX_RETENTION_DAYS: z.coerce.number().int().min(15).max(3650).default(30),
  /** How often the inbox is pruned; 0 never prunes. */
  INBOX_PRUNE_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(900_000),
  /**
   * Who may call this service: tokens the gateway signs on an operator's behalf (docs/trust.md),
   * verified against the gateway's JWKS — SERVICE_AUTH_JWKS_URL (the gateway's
   * /.well-known/jwks.json, cached and refreshed) or SERVICE_AUTH_JWKS_JSON (the document itself).
   * Without either, every route but the probes answers 401: deny by default.
   */
  SERVICE_AUTH_JWKS_URL: z.string().url().optional(),
  SERVICE_AUTH_JWKS_JSON: z.string().optional(),
  SERVICE_AUTH_ISSUER: z.string().min(1).default('postera-gateway'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Fault injection for resilience tests: `<point>:<n>` exits the process the n-th time point is reached. */
  POSTERA_FAULT: z
    .string()
    .regex(/^[a-z-]+:[0-9]+$/)
    .optional(),
});
export type BaseConfig = z.infer<typeof baseConfigSchema>;

export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  const lines = parsed.success
    ? crossFieldProblems(parsed.data).map((p) => `  ${p}`)
    : parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
  if (!parsed.success || lines.length > 0) {
    process.stderr.write(`configuration refused:\n${lines.join('\n')}\n`);
    process.exit(78); // EX_CONFIG
  }
  return parsed.data;
}

/** Rules across fields, checked on the parsed values (a refined object schema could no longer be extended). */
function crossFieldProblems(data: object): string[] {
  return 'KAFKA_BROKERS' in data ? kafkaConnectionProblems(data as Partial<KafkaConnectionConfig>) : [];
}
