import { afterAll, expect, it, jest } from '@jest/globals';
import { deleteTopicsWithPrefix, kafkaBrokers, testKafka, uniquePrefix, waitFor } from '@postera/testing';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import kafkajs from 'kafkajs';

/**
 * deploy/local/create-topics.mjs (the compose `topics` job and deploy/local/kafka.sh) on the real
 * broker, under a prefix of its own: a topic created before a catalogue change gets the catalogue's
 * settings again, and keeps the settings an operator made on it.
 */
jest.setTimeout(120_000);

const { logLevel, ConfigResourceTypes } = kafkajs;
const run = promisify(execFile);
const prefix = uniquePrefix('create-topics');
const statements = `${prefix}.custodian.statements.v1`;
// The groups' prefix is the topics': deleteTopicsWithPrefix removes the ACLs made for both.
const env = { ...process.env, TOPIC_PREFIX: prefix, CONSUMER_GROUP_PREFIX: prefix, KAFKA_BROKERS: kafkaBrokers().join(',') };
const admin = testKafka('create-topics-spec', logLevel.NOTHING).admin();

afterAll(async () => {
  await admin.disconnect();
  await deleteTopicsWithPrefix(prefix);
});

async function settings(topic: string): Promise<Record<string, string>> {
  const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
  return Object.fromEntries(resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
}

it('creates the catalogue under TOPIC_PREFIX, then sets a drifted setting back and keeps an operator’s own', async () => {
  const first = await run('node', ['deploy/local/create-topics.mjs'], { env });
  expect(first.stdout).toMatch(/topics ready/);
  await admin.connect();
  expect((await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`))).toContain(statements);
  expect(await settings(statements)).toMatchObject({ 'max.message.bytes': '16777216', 'cleanup.policy': 'delete' });

  // As a topic created before max.message.bytes was in the catalogue, with an operator's setting on it.
  await admin.alterConfigs({
    validateOnly: false,
    resources: [
      {
        type: ConfigResourceTypes.TOPIC,
        name: statements,
        configEntries: [
          { name: 'cleanup.policy', value: 'delete' },
          { name: 'retention.ms', value: '604800000' },
          { name: 'max.message.bytes', value: '1048588' },
          { name: 'min.insync.replicas', value: '1' },
        ],
      },
    ],
  });
  // The broker applies a change of settings asynchronously.
  await waitFor(async () => (await settings(statements))['max.message.bytes'] === '1048588', { what: 'the drifted setting in place' });

  const again = await run('node', ['deploy/local/create-topics.mjs'], { env });
  expect(again.stdout).toContain(`settings applied again to ${statements}`);
  expect(again.stdout).not.toContain(`${prefix}.trade.events.v1,`); // untouched topics are left alone
  await waitFor(async () => (await settings(statements))['max.message.bytes'] === '16777216', { what: 'the catalogue setting back' });
  expect(await settings(statements)).toMatchObject({ 'max.message.bytes': '16777216', 'min.insync.replicas': '1', 'retention.ms': '604800000' });
});
