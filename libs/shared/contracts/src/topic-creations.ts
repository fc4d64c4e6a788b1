import { dlqTopic, physicalTopic, TOPIC_CATALOGUE, type TopicCatalogue, type TopicSpec } from './topics.js';

/** A topic as the broker's admin API creates it (kafkajs `ITopicConfig`): its name, partitions and settings. */
export interface TopicCreation {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
  configEntries: Array<{ name: string; value: string }>;
}

/** A topic whose events may exceed the broker's default 1 MiB (topics.json maxMessageBytes). */
const maxMessageBytes = (t: TopicSpec) => (t.maxMessageBytes ? [{ name: 'max.message.bytes', value: String(t.maxMessageBytes) }] : []);

/**
 * Every topic of the catalogue and its `.dlq` under a prefix, with the catalogue's settings: the one
 * definition that deploy/local/create-topics.mjs (the local broker and a cluster's set-up) and the
 * devstack (the demo, the benchmark, the chaos run) both create. A compacted topic keeps the latest
 * value per key with no retention; the others keep `retentionMs`; a dead-letter topic keeps its
 * records `dlqRetentionMs` and takes the same size limit as its topic, since a poison message goes
 * there with its original bytes.
 */
export function catalogueTopicCreations(prefix = '', catalogue: TopicCatalogue = TOPIC_CATALOGUE): TopicCreation[] {
  const d = catalogue.defaults;
  return catalogue.topics.flatMap((t) => [
    {
      topic: physicalTopic(prefix, t.name),
      numPartitions: t.partitions,
      replicationFactor: d.replicationFactor,
      configEntries: [
        ...(t.compacted
          ? [{ name: 'cleanup.policy', value: 'compact' }]
          : [
              { name: 'cleanup.policy', value: 'delete' },
              { name: 'retention.ms', value: String(d.retentionMs) },
            ]),
        ...maxMessageBytes(t),
      ],
    },
    {
      topic: dlqTopic(physicalTopic(prefix, t.name)),
      numPartitions: d.dlqPartitions,
      replicationFactor: d.replicationFactor,
      configEntries: [{ name: 'cleanup.policy', value: 'delete' }, { name: 'retention.ms', value: String(d.dlqRetentionMs) }, ...maxMessageBytes(t)],
    },
  ]);
}
