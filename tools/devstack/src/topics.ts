import { catalogueAcls, catalogueTopicCreations, TOPIC_CATALOGUE } from '@postera/contracts';
import { applyAcls, kafkaClientOptions, kafkaConnectionFromEnv, mendIdleRequestQueueChecks, removeAcls } from '@postera/platform';
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;

/**
 * A client of the tools (the bench's publisher and floor among them), without kafkajs's idle spin: it
 * shares the cores with the stack it measures. It connects as the environment's principal (TLS and
 * SASL settings of the process: the admin's for the tools and the tests).
 */
export function kafkaClient(brokers: string, clientId = 'postera-devstack') {
  mendIdleRequestQueueChecks();
  const connection = { ...kafkaConnectionFromEnv(process.env), KAFKA_BROKERS: brokers };
  return new Kafka({ ...kafkaClientOptions(connection, clientId), logLevel: logLevel.NOTHING, retry: { retries: 10 } });
}

/** Whether the tools authenticate: a broker with SASL runs with ACLs, one without has no authorizer to give rules to. */
function authenticated(): boolean {
  return kafkaConnectionFromEnv(process.env).KAFKA_SASL_MECHANISM !== undefined;
}

/**
 * Creates every topic of the catalogue (and its .dlq) under a prefix; existing ones are kept. On an
 * authenticated broker, also the catalogue's ACLs for that prefix and the stack's consumer group
 * prefix (each service's principal limited to its own topics and groups).
 */
export async function ensureTopics(brokers: string, prefix: string, groupPrefix = prefix): Promise<number> {
  const admin = kafkaClient(brokers).admin();
  await admin.connect();
  try {
    if (authenticated()) await applyAcls(admin, catalogueAcls(TOPIC_CATALOGUE, { topicPrefix: prefix, groupPrefix }));
    const existing = new Set(await admin.listTopics());
    const wanted = catalogueTopicCreations(prefix);
    const missing = wanted.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      await admin.createTopics({ topics: missing, waitForLeaders: false });
      await waitForLeaders(
        admin,
        missing.map((t) => t.topic),
      );
    }
    return wanted.length;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Until every partition of the topics has a leader. kafkajs's own wait gives up on the first
 * "does not host this topic-partition" a busy broker answers while it creates them.
 */
async function waitForLeaders(admin: ReturnType<ReturnType<typeof kafkaClient>['admin']>, topics: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      if (meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    if (Date.now() > deadline) throw new Error(`topics without a leader after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Deletes the topics of a prefix, and on an authenticated broker the ACLs ensureTopics made for it. */
export async function deleteTopics(brokers: string, prefix: string, groupPrefix = prefix): Promise<void> {
  if (!prefix) throw new Error('refusing to delete unprefixed topics');
  const admin = kafkaClient(brokers).admin();
  await admin.connect();
  try {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    if (authenticated()) await removeAcls(admin, catalogueAcls(TOPIC_CATALOGUE, { topicPrefix: prefix, groupPrefix }));
  } finally {
    await admin.disconnect();
  }
}

/**
 * The messages a run put through the broker: records produced to its topics, and records its
 * consumer groups committed past (each group reads a topic whole, the events it skips by type
 * included), in all and per topic / per group and topic (the prefixes dropped). Read once the stack
 * has stopped and before its topics are deleted.
 */
export async function messageVolume(
  brokers: string,
  prefix: string,
  groupPrefix: string,
): Promise<{ produced: number; consumed: number; producedByTopic: Record<string, number>; consumedByGroup: Record<string, number> }> {
  const admin = kafkaClient(brokers).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    const logical = (topic: string) => topic.slice(prefix.length + 1);
    const producedByTopic: Record<string, number> = {};
    const low = new Map<string, number>();
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        const n = Number(p.high) - Number(p.low);
        if (n > 0) producedByTopic[logical(topic)] = (producedByTopic[logical(topic)] ?? 0) + n;
        low.set(`${topic}/${p.partition}`, Number(p.low));
      }
    }
    const consumedByGroup: Record<string, number> = {};
    const groups = (await admin.listGroups()).groups.filter((g) => g.groupId.startsWith(`${groupPrefix}.`));
    for (const { groupId } of groups) {
      for (const t of await admin.fetchOffsets({ groupId, topics })) {
        const key = `${groupId.slice(groupPrefix.length + 1)} ← ${logical(t.topic)}`;
        // -1: the group never committed on that partition.
        for (const p of t.partitions)
          if (Number(p.offset) >= 0) consumedByGroup[key] = (consumedByGroup[key] ?? 0) + Number(p.offset) - (low.get(`${t.topic}/${p.partition}`) ?? 0);
      }
    }
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    return { produced: sum(producedByTopic), consumed: sum(consumedByGroup), producedByTopic, consumedByGroup };
  } finally {
    await admin.disconnect();
  }
}
