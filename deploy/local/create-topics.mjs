// Creates the Kafka topics of libs/shared/contracts/topics.json (and a <name>.dlq beside each, as
// catalogueTopicCreations of @postera/contracts defines them), named
// <TOPIC_PREFIX>.<name> when the services run with a TOPIC_PREFIX. Idempotent: a topic that exists is
// grown to its partition count, and its catalogue settings (cleanup.policy, retention.ms,
// max.message.bytes) are applied again when they differ, keeping the other settings an operator set on
// it. Retries connecting for up to KAFKA_READY_TIMEOUT_MS (default 90 s) so it doubles as the
// readiness wait of deploy/local/kafka.sh. Brokers: KAFKA_BROKERS (comma list) else 127.0.0.1:9092,
// with the connection settings every client reads (KAFKA_SASL_*, KAFKA_TLS*: an admin principal).
// On an authenticated cluster it also creates the catalogue's ACLs for TOPIC_PREFIX and
// CONSUMER_GROUP_PREFIX (default postera), each service's principal limited to its own topics.
// Plain ESM, no build step of its own; it reads the built @postera/contracts and @postera/platform/kafka.
// kafkajs is loaded with require() so that NODE_PATH is honoured too.
import { createRequire } from 'node:module';
import { catalogueAcls, catalogueTopicCreations, TOPIC_CATALOGUE } from '@postera/contracts';
import { applyAcls, kafkaClientOptions, kafkaConnectionFromEnv, mendIdleRequestQueueChecks } from '@postera/platform/kafka';

const require = createRequire(import.meta.url);
const { Kafka, logLevel, ConfigResourceTypes } = require('kafkajs');
// The services' mend of kafkajs's idle request-queue timer (negative timeouts Node warns about).
mendIdleRequestQueueChecks();

const connection = kafkaConnectionFromEnv(process.env);
const { brokers } = kafkaClientOptions(connection, 'postera-create-topics');
const readyTimeoutMs = Number(process.env.KAFKA_READY_TIMEOUT_MS || 90_000);
const prefix = process.env.TOPIC_PREFIX || '';

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

/** kafkajs's configSource for a setting made on the topic itself (not a broker or built-in default). */
const TOPIC_CONFIG_SOURCE = 1;

/**
 * A topic created before a catalogue change keeps its old settings (max.message.bytes raised for
 * custodian statements, say) until they are set again. AlterConfigs replaces every setting made on
 * the topic, so the ones an operator made that the catalogue does not name are sent back with it.
 */
async function applySettings(admin, present) {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: present.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.topic })),
  });
  const current = new Map(resources.map((r) => [r.resourceName, r.configEntries]));
  const changes = [];
  for (const t of present) {
    const entries = current.get(t.topic) ?? [];
    const value = new Map(entries.map((e) => [e.configName, e.configValue]));
    if (t.configEntries.every((w) => value.get(w.name) === w.value)) continue;
    const kept = entries
      .filter((e) => e.configSource === TOPIC_CONFIG_SOURCE && !t.configEntries.some((w) => w.name === e.configName))
      .map((e) => ({ name: e.configName, value: e.configValue }));
    changes.push({ type: ConfigResourceTypes.TOPIC, name: t.topic, configEntries: [...kept, ...t.configEntries] });
  }
  if (changes.length > 0) {
    await admin.alterConfigs({ validateOnly: false, resources: changes });
    console.log(`kafka: settings applied again to ${changes.map((c) => c.name).join(', ')}`);
  }
}

async function main() {
  const kafka = new Kafka({
    ...kafkaClientOptions(connection, 'postera-create-topics'),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 15_000,
    retry: { retries: 3, initialRetryTime: 300 },
  });
  const wanted = catalogueTopicCreations(prefix);
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

    if (present.length > 0) await applySettings(admin, present);

    // Final check: every wanted topic exists with at least its partition count.
    const { topics } = await admin.fetchTopicMetadata({ topics: wanted.map((t) => t.topic) });
    const counts = new Map(topics.map((t) => [t.name, t.partitions.length]));
    const short = wanted.filter((t) => (counts.get(t.topic) ?? 0) < t.numPartitions);
    if (short.length > 0) {
      throw new Error(`topics not ready: ${short.map((t) => t.topic).join(', ')}`);
    }
    console.log(`kafka: ${wanted.length} topics ready on ${brokers.join(',')}`);

    if (connection.KAFKA_SASL_MECHANISM) {
      const groupPrefix = process.env.CONSUMER_GROUP_PREFIX || 'postera';
      const n = await applyAcls(admin, catalogueAcls(TOPIC_CATALOGUE, { topicPrefix: prefix, groupPrefix }));
      console.log(`kafka: ${n} ACLs of the catalogue in place (topic prefix "${prefix}", group prefix "${groupPrefix}")`);
    }
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

main().catch((err) => {
  console.error(`kafka: creating topics failed: ${err?.message ?? err}`);
  process.exit(1);
});
