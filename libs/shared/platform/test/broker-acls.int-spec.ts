import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { physicalTopic, Topics } from '@postera/contracts';
import {
  createTopics,
  deleteTopicsWithPrefix,
  grantCatalogueAcls,
  serviceKafkaConnection,
  testKafka,
  testKafkaConnection,
  uniquePrefix,
} from '@postera/testing';
import kafkajs from 'kafkajs';

// The broker's ACLs, derived from the topic catalogue, as each service's principal meets them on the
// real (authenticated) broker: its own topics and groups, nothing else.
jest.setTimeout(60_000);

const { logLevel } = kafkajs;
const prefix = uniquePrefix('acls');
const topic = (name: string) => physicalTopic(prefix, name);
const authenticated = testKafkaConnection().KAFKA_SASL_MECHANISM !== undefined;
const clients: Array<() => Promise<void>> = [];

/** A client as the service's principal, without retries: a refusal is the answer, not a hiccup. */
function asService(service: string) {
  const kafka = testKafka(`${prefix}-${service}`, logLevel.NOTHING, serviceKafkaConnection(service));
  return kafka;
}

/** The protocol error type of a kafkajs failure, looked for down its causes. */
function errorType(e: unknown): string | undefined {
  for (let cur = e as { type?: unknown; cause?: unknown; originalError?: unknown } | undefined, depth = 0; cur && depth < 5; depth++) {
    if (typeof cur.type === 'string' && cur.type.endsWith('AUTHORIZATION_FAILED')) return cur.type;
    cur = (cur.cause ?? cur.originalError) as typeof cur;
  }
  return undefined;
}

async function failure(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (e) {
    return e;
  }
  throw new Error('expected the broker to refuse');
}

const describeIfAuthenticated = authenticated ? describe : describe.skip;

describeIfAuthenticated('broker ACLs from the topic catalogue', () => {
  beforeAll(async () => {
    await createTopics(
      prefix,
      [Topics.tradeEvents, Topics.settlementEvents, Topics.custodianStatus, Topics.accountingEvents].map((name) => ({ name, partitions: 1 })),
    );
    await grantCatalogueAcls(prefix);
  });

  afterAll(async () => {
    for (const close of clients.reverse()) await close().catch(() => undefined);
    await deleteTopicsWithPrefix(prefix);
  });

  it('a service produces to the topics it owns', async () => {
    const producer = asService('capture').producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 1 } });
    clients.push(() => producer.disconnect());
    await producer.connect();
    await expect(producer.send({ topic: topic(Topics.tradeEvents), acks: -1, messages: [{ key: 'k', value: '{}' }] })).resolves.toHaveLength(1);
  });

  it("a service is refused producing to another's topic: settlement cannot publish a custodian's status", async () => {
    const producer = asService('settlement').producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 1 } });
    clients.push(() => producer.disconnect());
    await producer.connect();
    // Its own topic goes through; the custodian's status (which settles an instruction) does not.
    await producer.send({ topic: topic(Topics.settlementEvents), acks: -1, messages: [{ key: 'k', value: '{}' }] });
    const e = await failure(() => producer.send({ topic: topic(Topics.custodianStatus), acks: -1, messages: [{ key: 'k', value: '{}' }] }));
    expect(errorType(e)).toBe('TOPIC_AUTHORIZATION_FAILED');
  });

  it('a service reads the topics it consumes, in a group named after it', async () => {
    const consumer = asService('notification').consumer({ groupId: `${prefix}.notification.acl-test`, retry: { retries: 0 } });
    clients.push(() => consumer.disconnect());
    await consumer.connect();
    await expect(consumer.subscribe({ topics: [topic(Topics.tradeEvents)], fromBeginning: true })).resolves.toBeUndefined();
  });

  it('a service is refused reading a topic it does not consume', async () => {
    const consumer = asService('notification').consumer({ groupId: `${prefix}.notification.acl-test-2`, retry: { retries: 0 } });
    clients.push(() => consumer.disconnect());
    await consumer.connect();
    const e = await failure(() => consumer.subscribe({ topics: [topic(Topics.accountingEvents)], fromBeginning: true }));
    expect(errorType(e)).toBe('TOPIC_AUTHORIZATION_FAILED');
  });

  it("a service is refused another service's consumer group", async () => {
    const admin = asService('notification').admin({ retry: { retries: 0 } });
    clients.push(() => admin.disconnect());
    await admin.connect();
    await expect(admin.fetchOffsets({ groupId: `${prefix}.notification.trade-events`, topics: [topic(Topics.tradeEvents)] })).resolves.toHaveLength(1);
    // The broker answers FindCoordinator with GROUP_AUTHORIZATION_FAILED, which kafkajs reports as a
    // coordinator it could not find.
    const e = await failure(() => admin.fetchOffsets({ groupId: `${prefix}.accounting.trade-events`, topics: [topic(Topics.tradeEvents)] }));
    expect(errorType(e) ?? (e as Error).name).toMatch(/^(GROUP_AUTHORIZATION_FAILED|KafkaJSGroupCoordinatorNotFound)$/);
  });

  it('a client without credentials is not let in', async () => {
    const anonymous = testKafka(`${prefix}-anonymous`, logLevel.NOTHING, {
      ...testKafkaConnection(),
      KAFKA_SASL_MECHANISM: undefined,
      KAFKA_SASL_USERNAME: undefined,
      KAFKA_SASL_PASSWORD: undefined,
    });
    const admin = anonymous.admin({ retry: { retries: 0 } });
    clients.push(() => admin.disconnect());
    await expect(
      (async () => {
        await admin.connect();
        await admin.listTopics();
      })(),
    ).rejects.toThrow();
  });

  it('a wrong password is refused', async () => {
    const impostor = testKafka(`${prefix}-impostor`, logLevel.NOTHING, { ...serviceKafkaConnection('capture'), KAFKA_SASL_PASSWORD: 'not-the-password' });
    const admin = impostor.admin({ retry: { retries: 0 } });
    clients.push(() => admin.disconnect());
    await expect(admin.connect()).rejects.toThrow(/SASL|authentication/i);
  });
});
