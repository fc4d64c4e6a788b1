import { describe, expect, it } from '@jest/globals';
import { envelope, Topics } from '@postera/contracts';
import { eventHeaders, type InboundRecord } from '@postera/platform';
import type { AccountingConfig } from '../../../config.js';
import { SettlementEventsPostingConsumer } from './settlement-events-posting.consumer.js';

const recordOf = (headers: Record<string, string>): InboundRecord => ({
  topic: Topics.settlementEvents,
  partition: 3,
  offset: '12',
  key: 'FO-EQ:T-1',
  value: null,
  headers,
  timestamp: '1764150000000',
});

describe('accounting.settlement-events takes the settled steps of the instruction statuses only', () => {
  const consumer = new SettlementEventsPostingConsumer({} as AccountingConfig);
  // The headers the outbox writes for a status change: the status travels beside the type.
  const statusHeaders = (status: string) =>
    eventHeaders(envelope({ type: 'InstructionStatusChanged', producer: 'settlement', correlationId: 'FO-EQ:T-1', causationId: null, payload: { status } }));

  it('skips SENT, ACCEPTED, MATCHED and FAILING by their status header (no transaction); takes SETTLED and PARTIALLY_SETTLED', () => {
    const statuses = ['SENT', 'ACCEPTED', 'MATCHED', 'FAILING', 'CANCELLED', 'SETTLED', 'PARTIALLY_SETTLED'];
    expect(statuses.map((s) => [s, consumer.accepts(recordOf(statusHeaders(s)))])).toEqual([
      ['SENT', false],
      ['ACCEPTED', false],
      ['MATCHED', false],
      ['FAILING', false],
      ['CANCELLED', false],
      ['SETTLED', true],
      ['PARTIALLY_SETTLED', true],
    ]);
  });

  it('takes penalties and day markers whatever their headers, and a status change without a status header (decode and handle judge it)', () => {
    expect(
      (
        [
          { type: 'PenaltyAccrued', status: 'ACCRUED' },
          { type: 'PenaltyWaived' },
          { type: 'PartitionDayClosed' },
          { type: 'InstructionStatusChanged' },
          {},
        ] as Record<string, string>[]
      ).map((h) => consumer.accepts(recordOf(h))),
    ).toEqual([true, true, true, true, true]);
  });

  it('skips the types it does not act on', () => {
    expect(consumer.accepts(recordOf({ type: 'InstructionSent' }))).toBe(false);
  });
});
