import { describe, expect, it } from '@jest/globals';
import { Topics, type EventEnvelope } from '@postera/contracts';
import type { BatchContext, InboundMessage, InboundRecord } from '@postera/platform';
import type { ActivityProjection } from '../activity/activity.projection.js';
import type { RecordsProjection } from '../records/records.projection.js';
import { TradeLifecycleConsumer } from './trade-lifecycle.consumer.js';

const EPOCH = '7c0e6f2a-4d1b-4a8e-9f1e-2b3c4d5e6f70';

function record(offset: number, type: string, seq?: number): InboundRecord {
  return {
    topic: Topics.tradeEvents,
    partition: 0,
    offset: String(offset),
    key: 'FO-EQ:T-1',
    value: null,
    headers: { type, ...(seq === undefined ? {} : { outbox: 'capture', 'outbox-epoch': EPOCH, 'outbox-seq': String(seq) }) },
    timestamp: '1764150000000',
  };
}

const message = (offset: number, type: string, seq?: number): InboundMessage<EventEnvelope> => ({
  messageId: `e-${offset}`,
  body: { eventId: `e-${offset}`, type } as EventEnvelope,
  record: record(offset, type, seq),
});

/** The consumer with projections that keep what they are given, and a handover as the migration takes it. */
function consumerWith(handover: Array<{ slice: string; next_offset: string; publications: object }>) {
  const given = { activity: [] as string[], records: [] as string[], handoverReads: 0 };
  const activity = { apply: async (_: BatchContext, events: EventEnvelope[]) => void given.activity.push(...events.map((e) => `${e.eventId} ${e.type}`)) };
  const records = { apply: async (_: BatchContext, events: EventEnvelope[]) => void given.records.push(...events.map((e) => `${e.eventId} ${e.type}`)) };
  const tx = {
    query: async () => {
      given.handoverReads++;
      return handover.map((h) => ({ ...h, topic: Topics.tradeEvents, partition: 0 }));
    },
  };
  const consumer = new TradeLifecycleConsumer(activity as unknown as ActivityProjection, records as unknown as RecordsProjection);
  const ctx = { tx, schema: 'reporting' } as unknown as BatchContext;
  return { consumer, ctx, given };
}

describe('reporting reads the trade topics in one group', () => {
  it('takes what either projection reads, and skips by header, without a transaction, what neither reads', () => {
    const { consumer } = consumerWith([]);
    const accepted = (type: string) => consumer.accepts(record(1, type));
    // activity only, records only, both
    expect(
      ['TradeConfirmed', 'UnconfirmedTradesAtClose', 'JournalEntryPosted', 'PenaltyAccrued', 'TradeCaptured', 'InstructionStatusChanged'].map(accepted),
    ).toEqual([true, true, true, true, true, true]);
    expect(['CounterpartyConfirmationIssued', 'PenaltyWaived', 'PartitionDayClosed'].map(accepted)).toEqual([false, false, false]);
  });

  it('gives each projection only its types, and only what its former consumer had not applied; a chunk retried is judged the same', async () => {
    // The activity consumer stood at offset 12 (capture's publication 3), the records consumer at 10 (publication 7: a second send at a higher offset).
    const { consumer, ctx, given } = consumerWith([
      { slice: 'activity', next_offset: '12', publications: { capture: { epoch: EPOCH, seq: 3 } } },
      { slice: 'records', next_offset: '10', publications: { capture: { epoch: EPOCH, seq: 7 } } },
    ]);
    const chunk = [
      message(10, 'TradeCaptured'),
      message(11, 'TradeConfirmed'),
      message(12, 'TradeValidated'),
      message(13, 'UnconfirmedTradesAtClose'),
      message(14, 'TradeAmended', 6),
    ];
    for (const attempt of [1, 2]) {
      given.activity.length = 0;
      given.records.length = 0;
      await consumer.handle(ctx, chunk);
      expect({ attempt, activity: given.activity, records: given.records }).toEqual({
        attempt,
        activity: ['e-12 TradeValidated', 'e-13 UnconfirmedTradesAtClose', 'e-14 TradeAmended'],
        // The records projection reads no validation; its former consumer had applied publication 6.
        records: ['e-10 TradeCaptured'],
      });
    }
    expect(given.handoverReads).toBe(1);
  });

  it('without a handover (a new installation), gives everything of its types to each projection', async () => {
    const { consumer, ctx, given } = consumerWith([]);
    await consumer.handle(ctx, [message(0, 'TradeCaptured'), message(1, 'TradeConfirmed'), message(2, 'PenaltyAccrued')]);
    expect(given).toEqual({
      activity: ['e-0 TradeCaptured', 'e-1 TradeConfirmed'],
      records: ['e-0 TradeCaptured', 'e-2 PenaltyAccrued'],
      handoverReads: 1,
    });
  });
});
