// Creates the Kafka topics of libs/shared/contracts/topics.json (and a <name>.dlq beside each).
// Idempotent; retries connecting for up to KAFKA_READY_TIMEOUT_MS (default 90 s) so it doubles as the
// readiness wait of deploy/local/kafka.sh. Brokers: KAFKA_BROKERS (comma list) else 127.0.0.1:9092.
// Plain ESM, no build step. kafkajs is loaded with require() so that NODE_PATH is honoured too.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');

const catalogue = JSON.parse(
  readFileSync(new URL('../../libs/shared/contracts/topics.json', import.meta.url), 'utf8'),
);
const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:9092')
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);
const readyTimeoutMs = Number(process.env.KAFKA_READY_TIMEOUT_MS || 90_000);

/** A topic whose events may exceed the broker's default 1 MiB (topics.json maxMessageBytes). */
const maxMessageBytes = (t) => (t.maxMessageBytes ? [{ name: 'max.message.bytes', value: String(t.maxMessageBytes) }] : []);

function wantedTopics({ defaults, topics }) {
  const rf = defaults.replicationFactor;
  const wanted = [];
  for (const t of topics) {
    wanted.push({
      topic: t.name,
      numPartitions: t.partitions,
      replicationFactor: rf,
      configEntries: [
        ...(t.compacted
          ? [{ name: 'cleanup.policy', value: 'compact' }]
          : [
              { name: 'cleanup.policy', value: 'delete' },
              { name: 'retention.ms', value: String(defaults.retentionMs) },
            ]),
        ...maxMessageBytes(t),
      ],
    });
    wanted.push({
      topic: `${t.name}.dlq`,
      numPartitions: defaults.dlqPartitions,
      replicationFactor: rf,
      configEntries: [
        { name: 'cleanup.policy', value: 'delete' },
        { name: 'retention.ms', value: String(defaults.dlqRetentionMs) },
        // A poison message goes to the DLQ with its original bytes: the same size limit.
        ...maxMessageBytes(t),
      ],
    });
  }
  return wanted;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function connectWithRetry(kafka) {
  const deadline = Date.now() + readyTimeoutMs;
  let delay = 250;
  let lastError;
  for (;;) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.listTopics(); // a real metadata request, not just a TCP connect
      return admin;
    } catch (err) {
      lastError = err;
      await admin.disconnect().catch(() => {});
    }
    if (Date.now() + delay > deadline) {
      throw new Error(
        `no Kafka broker answered on ${brokers.join(',')} within ${readyTimeoutMs} ms: ${lastError?.message ?? lastError}`,
      );
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 5_000);
  }
}

async function main() {
  const kafka = new Kafka({
    clientId: 'postera-create-topics',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 15_000,
    retry: { retries: 3, initialRetryTime: 300 },
  });
  const wanted = wantedTopics(catalogue);
  const admin = await connectWithRetry(kafka);
  try {
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      await admin.createTopics({ topics: missing, waitForLeaders: true, timeout: 30_000 });
    }

    const present = wanted.filter((t) => existing.has(t.topic));
    if (present.length > 0) {
      const { topics } = await admin.fetchTopicMetadata({ topics: present.map((t) => t.topic) });
      const counts = new Map(topics.map((t) => [t.name, t.partitions.length]));
      const grow = present
        .filter((t) => (counts.get(t.topic) ?? 0) < t.numPartitions)
        .map((t) => ({ topic: t.topic, count: t.numPartitions }));
      if (grow.length > 0) {
        await admin.createPartitions({ topicPartitions: grow, validateOnly: false, timeout: 30_000 });
      }
    }

    // Final check: every wanted topic exists with at least its partition count.
    const { topics } = await admin.fetchTopicMetadata({ topics: wanted.map((t) => t.topic) });
    const counts = new Map(topics.map((t) => [t.name, t.partitions.length]));
    const short = wanted.filter((t) => (counts.get(t.topic) ?? 0) < t.numPartitions);
    if (short.length > 0) {
      throw new Error(`topics not ready: ${short.map((t) => t.topic).join(', ')}`);
    }
    console.log(`kafka: ${wanted.length} topics ready on ${brokers.join(',')}`);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

main().catch((err) => {
  console.error(`kafka: creating topics failed: ${err?.message ?? err}`);
  process.exit(1);
});
