import kafkajs from 'kafkajs';
import { brokerUnavailable, groupMembershipError, producerFenced } from './kafkajs.adapter.js';

const { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } = kafkajs;
/** kafkajs's errors take their cause as a second argument at runtime (lib/errors.js); its typings do not say so. */
const KafkaJSNonRetriableError = kafkajs.KafkaJSNonRetriableError as unknown as new (message: string, o: { cause: Error }) => Error;

/** The protocol error kafkajs builds from a broker's error code (25 is UNKNOWN_MEMBER_ID, 27 REBALANCE_IN_PROGRESS). */
const protocolError = (type: string, code: number) => new KafkaJSProtocolError({ type, code, retriable: false, message: type } as never);

describe('groupMembershipError: an offset commit refused because the group moved on', () => {
  it('finds UNKNOWN_MEMBER_ID inside the non-retriable wrapper that commitOffsets throws', () => {
    const cause = protocolError('UNKNOWN_MEMBER_ID', 25);
    const wrapped = new KafkaJSNonRetriableError('The coordinator is not aware of this member', { cause });
    expect(groupMembershipError(wrapped)).toBe(cause);
  });

  it('finds a rebalance in progress given directly', () => {
    const e = protocolError('REBALANCE_IN_PROGRESS', 27);
    expect(groupMembershipError(e)).toBe(e);
  });

  it('leaves every other failure alone (it still crashes the consumer for the supervisor)', () => {
    expect(groupMembershipError(new KafkaJSNonRetriableError('broker refused', { cause: protocolError('TOPIC_AUTHORIZATION_FAILED', 29) }))).toBeNull();
    expect(groupMembershipError(new Error('socket closed'))).toBeNull();
    expect(groupMembershipError(undefined)).toBeNull();
  });
});

describe('brokerUnavailable: a start that failed because the broker is not there (yet)', () => {
  it('waits through a refused connection, as kafkajs reports it once its own retries are spent', async () => {
    // The real error, from the real client: nothing listens on port 1.
    const kafka = new kafkajs.Kafka({
      clientId: 't',
      brokers: ['127.0.0.1:1'],
      logLevel: kafkajs.logLevel.NOTHING,
      retry: { retries: 1, initialRetryTime: 50 },
    });
    const consumer = kafka.consumer({ groupId: 't' });
    const failure = await consumer.connect().then(
      () => null,
      (e: unknown) => e,
    );
    expect((failure as Error).name).toBe('KafkaJSNumberOfRetriesExceeded');
    expect(brokerUnavailable(failure)).toBe(true);
  });

  it('waits through a coordinator not yet elected after a broker restart', () => {
    const cause = protocolError('COORDINATOR_NOT_AVAILABLE', 15);
    expect(brokerUnavailable(new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 8, retryTime: 5000 } as never))).toBe(true);
    expect(brokerUnavailable(new KafkaJSConnectionError('Connection timeout', { broker: 'b:9092' } as never))).toBe(true);
  });

  it('raises at once what waiting cannot cure: an unknown topic, a refused authorization, a plain bug', () => {
    expect(brokerUnavailable(new KafkaJSNonRetriableError('no such topic', { cause: protocolError('UNKNOWN_TOPIC_OR_PARTITION', 3) }))).toBe(false);
    expect(brokerUnavailable(protocolError('TOPIC_AUTHORIZATION_FAILED', 29))).toBe(false);
    expect(brokerUnavailable(new TypeError('cannot read properties of undefined'))).toBe(false);
  });
});

describe('producerFenced: an idempotent producer the broker will not take again', () => {
  it('is the broker’s out-of-order sequence answer, bare or wrapped once retries are spent; not a passing error', () => {
    const outOfOrder = protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', 45);
    const wrapped = new KafkaJSNumberOfRetriesExceeded(outOfOrder, { retryCount: 5, retryTime: 100 } as never);
    const transient = protocolError('NOT_LEADER_FOR_PARTITION', 6);
    expect([producerFenced(outOfOrder), producerFenced(wrapped), producerFenced(transient), producerFenced(new Error('x'))]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
