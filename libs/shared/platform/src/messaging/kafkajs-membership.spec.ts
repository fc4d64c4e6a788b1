import kafkajs from 'kafkajs';
import { groupMembershipError } from './kafkajs.adapter.js';

const { KafkaJSNonRetriableError, KafkaJSProtocolError } = kafkajs;

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
