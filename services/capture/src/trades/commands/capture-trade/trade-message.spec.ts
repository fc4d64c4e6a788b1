import { describe, expect, it } from '@jest/globals';
import type { InboundRecord } from '@postera/platform';
import { readTradeMessage } from './trade-message.js';

const record = (value: Buffer | string): InboundRecord => ({
  topic: 'trades.executed.v1',
  partition: 2,
  offset: '41',
  key: null,
  value: typeof value === 'string' ? Buffer.from(value) : value,
  headers: {},
  timestamp: '0',
});
const reasonOf = (value: Buffer | string) => {
  const m = readTradeMessage(record(value));
  return m.kind === 'malformed' ? [m.messageId, m.reason] : [m.messageId, null];
};

describe('reading a message of trades.executed.v1: what Postgres could not store is malformed, named without being echoed', () => {
  it('a well-formed object keeps its messageId', () => {
    expect(reasonOf('{"messageId":"m-1","tradeId":"T1"}')).toEqual(['m-1', null]);
  });
  it('a raw NUL byte', () => {
    expect(reasonOf(Buffer.from([0x7b, 0x00, 0x7d]))).toEqual(['trades.executed.v1/2/41', 'contains a NUL byte (0x00)']);
  });
  it('an escaped NUL character in a value, even in the messageId', () => {
    expect(reasonOf('{"messageId":"m\\u0000","account":"CLI-0001"}')).toEqual(['trades.executed.v1/2/41', 'contains a NUL character (U+0000)']);
  });
  it('a lone UTF-16 surrogate', () => {
    expect(reasonOf('{"messageId":"m-2","trader":"\\ud800"}')).toEqual(['trades.executed.v1/2/41', 'contains a lone UTF-16 surrogate (not valid Unicode)']);
  });
  it('a surrogate pair (an emoji) is fine', () => {
    expect(reasonOf('{"messageId":"m-3","trader":"\\ud83d\\ude00"}')).toEqual(['m-3', null]);
  });
  it('nesting deeper than 32 levels', () => {
    expect(reasonOf(`{"messageId":"m-4","x":${'['.repeat(40)}${']'.repeat(40)}}`)).toEqual(['trades.executed.v1/2/41', 'nested deeper than 32 levels']);
  });
});
