import { describe, expect, it } from '@jest/globals';
import { envelope, Topics, type EventEnvelope } from '@postera/contracts';
import type { InboundRecord } from '../messaging/message-bus.port.js';
import { UndecodableMessage } from './batch-handler.js';
import { EnvelopeHandler } from './envelope-handler.js';

class SettlementEventsHandler extends EnvelopeHandler {
  readonly consumerId = 'settlement-events-test';
  readonly topics = [Topics.settlementEvents];
  async handle(): Promise<void> {}
}

function recordOf(event: EventEnvelope): InboundRecord {
  return {
    topic: Topics.settlementEvents,
    partition: 0,
    offset: '42',
    key: event.correlationId,
    value: Buffer.from(JSON.stringify(event), 'utf8'),
    headers: { eventId: event.eventId, type: event.type },
    timestamp: '1764150000000',
  };
}

const penalty = {
  penaltyId: 'P-1',
  instructionId: 'I-1',
  tradeRef: 'FO-EQ:T-1001',
  kind: 'SEFP',
  direction: 'PAYABLE',
  penaltyDate: '2026-12-01',
  isin: 'FR0000120271',
  counterparty: '529900COUNTERPTY0129',
  account: 'CLI-0003',
  book: 'CLIENT-EQ',
  basisQuantity: '150',
  referencePrice: '58.62',
  rate: '0.0001',
  amount: '0.88',
  currency: 'EUR',
};
const accrued = (payload: unknown) => envelope({ type: 'PenaltyAccrued', producer: 'settlement', correlationId: 'FO-EQ:T-1001', causationId: null, payload });

function refusal(record: InboundRecord): unknown {
  try {
    new SettlementEventsHandler().decode(record);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('an envelope handler decoding a payload against its contract', () => {
  it('decodes a payload that matches the contract of its type, with its identity', () => {
    const event = accrued(penalty);
    const handler = new SettlementEventsHandler();
    expect(handler.decode(recordOf(event))).toEqual(event);
    expect(handler.messageId(recordOf(event))).toBe(event.eventId);
  });

  it('refuses a penalty whose amount is a number, whose date is not a date and whose kind is unknown, naming each problem', () => {
    const e = refusal(recordOf(accrued({ ...penalty, amount: 0.88, penaltyDate: '01/12/2026', kind: 'LATE' })));
    expect(e).toBeInstanceOf(UndecodableMessage);
    expect((e as Error).message).toBe(
      'payload of PenaltyAccrued does not match its contract: kind: Invalid option: expected one of "SEFP"|"LMFP"; ' +
        'penaltyDate: not a YYYY-MM-DD date; amount: Invalid input: expected string, received number',
    );
  });

  it('refuses a payload missing a field, so that the message goes to the DLQ rather than to the handler', () => {
    const { tradeRef: _tradeRef, ...withoutTradeRef } = penalty;
    const e = refusal(recordOf(accrued(withoutTradeRef)));
    expect(e).toBeInstanceOf(UndecodableMessage);
    expect((e as Error).message).toBe('payload of PenaltyAccrued does not match its contract: tradeRef: Invalid input: expected string, received undefined');
  });

  it('leaves a type without a contract to the handler', () => {
    const event = envelope({ type: 'SomethingNew', producer: 'settlement', correlationId: 'x', causationId: null, payload: { anything: 1 } });
    expect(new SettlementEventsHandler().decode(recordOf(event))).toEqual(event);
  });
});
