import { describe, expect, it } from '@jest/globals';
import { catalogueTopicCreations } from './topic-creations.js';
import type { TopicCatalogue } from './topics.js';

const catalogue: TopicCatalogue = {
  defaults: { replicationFactor: 3, retentionMs: 604800000, dlqPartitions: 1, dlqRetentionMs: 2592000000 },
  topics: [
    { name: 'trade.events.v1', partitions: 6, keyedBy: 'trade', producers: ['capture'], consumers: ['settlement'] },
    { name: 'refdata.instruments.v1', partitions: 3, keyedBy: 'isin', compacted: true, producers: ['capture'], consumers: ['settlement'] },
    { name: 'custodian.statements.v1', partitions: 1, keyedBy: 'account', maxMessageBytes: 16777216, producers: ['market-sim'], consumers: ['accounting'] },
  ],
};

describe('the catalogue as the broker creates it', () => {
  it('each topic and its .dlq under the prefix: retention or compaction, the dead letters kept 30 days on one partition with the topic size limit', () => {
    expect(catalogueTopicCreations('demo', catalogue)).toEqual([
      {
        topic: 'demo.trade.events.v1',
        numPartitions: 6,
        replicationFactor: 3,
        configEntries: [
          { name: 'cleanup.policy', value: 'delete' },
          { name: 'retention.ms', value: '604800000' },
        ],
      },
      {
        topic: 'demo.trade.events.v1.dlq',
        numPartitions: 1,
        replicationFactor: 3,
        configEntries: [
          { name: 'cleanup.policy', value: 'delete' },
          { name: 'retention.ms', value: '2592000000' },
        ],
      },
      { topic: 'demo.refdata.instruments.v1', numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      {
        topic: 'demo.refdata.instruments.v1.dlq',
        numPartitions: 1,
        replicationFactor: 3,
        configEntries: [
          { name: 'cleanup.policy', value: 'delete' },
          { name: 'retention.ms', value: '2592000000' },
        ],
      },
      {
        topic: 'demo.custodian.statements.v1',
        numPartitions: 1,
        replicationFactor: 3,
        configEntries: [
          { name: 'cleanup.policy', value: 'delete' },
          { name: 'retention.ms', value: '604800000' },
          { name: 'max.message.bytes', value: '16777216' },
        ],
      },
      {
        topic: 'demo.custodian.statements.v1.dlq',
        numPartitions: 1,
        replicationFactor: 3,
        configEntries: [
          { name: 'cleanup.policy', value: 'delete' },
          { name: 'retention.ms', value: '2592000000' },
          { name: 'max.message.bytes', value: '16777216' },
        ],
      },
    ]);
  });

  it('without a prefix the names are the catalogue names', () => {
    expect(catalogueTopicCreations('', catalogue).map((t) => t.topic)).toEqual([
      'trade.events.v1',
      'trade.events.v1.dlq',
      'refdata.instruments.v1',
      'refdata.instruments.v1.dlq',
      'custodian.statements.v1',
      'custodian.statements.v1.dlq',
    ]);
  });
});
