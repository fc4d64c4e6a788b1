import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { packNeighbours } from '../outbox/outbox-relay.js';
import type { InboundRecord } from './message-bus.port.js';
import { PACKED_EVENTS_MAX, PACKED_HEADER, packedRecord, unpack } from './packed-records.js';

const SEQ = 'outbox-seq';

function inbound(value: string, headers: Record<string, string>): InboundRecord {
  return { topic: 't', partition: 2, offset: '41', key: 'FO-EQ:T-1', value: Buffer.from(value, 'utf8'), headers, timestamp: '0' };
}

describe('packed records', () => {
  it('a worked example: two events of one trade in one record, cut out with their own headers and sequences', () => {
    const captured = '{"eventId":"a","type":"TradeCaptured","payload":{"price":"101.25"}}';
    const issued = '{"eventId":"b","type":"CounterpartyConfirmationIssued","payload":{"name":"Société Générale"}}';
    const { value, header } = packedRecord(
      [captured, issued],
      [
        { h: { eventId: 'a', type: 'TradeCaptured' }, s: '1041' },
        { h: { eventId: 'b', type: 'CounterpartyConfirmationIssued' }, s: '1042' },
      ],
    );
    expect(value).toBe(`[${captured},${issued}]`);
    const events = unpack(inbound(value, { outbox: 'capture', 'outbox-epoch': 'e', [PACKED_HEADER]: header }), SEQ);
    expect(events.map((e) => [e.value!.toString('utf8'), e.headers, e.offset, e.part])).toEqual([
      [captured, { outbox: 'capture', 'outbox-epoch': 'e', eventId: 'a', type: 'TradeCaptured', [SEQ]: '1041' }, '41', { index: 0, last: false }],
      [issued, { outbox: 'capture', 'outbox-epoch': 'e', eventId: 'b', type: 'CounterpartyConfirmationIssued', [SEQ]: '1042' }, '41', { index: 1, last: true }],
    ]);
  });

  it('a record that is not packed comes back as it is', () => {
    const r = inbound('{"eventId":"a"}', { eventId: 'a' });
    expect(unpack(r, SEQ)).toEqual([r]);
  });

  it('a packed header that does not describe the value gives the record whole, without the header (it then fails to decode, to the DLQ)', () => {
    const { value, header } = packedRecord(
      ['{"a":1}', '{"b":2}'],
      [
        { h: { eventId: 'a' }, s: '1' },
        { h: { eventId: 'b' }, s: '2' },
      ],
    );
    const lengths = JSON.parse(header) as Array<{ b: number }>;
    lengths[0]!.b += 1;
    for (const [v, h] of [
      [value, JSON.stringify(lengths)],
      [value, 'not json'],
      [value, '[]'],
      [`${value} `, header],
      [value.replace('[', '('), header],
    ] as const) {
      const [only, ...rest] = unpack(inbound(v, { outbox: 'x', [PACKED_HEADER]: h }), SEQ);
      expect(rest).toEqual([]);
      expect(only!.headers).toEqual({ outbox: 'x' });
      expect(only!.value!.toString('utf8')).toBe(v);
    }
  });

  it('any events, packed and cut out again, are the same bytes, headers and sequences, in order (fast-check)', () => {
    const json = fc.jsonValue().map((v) => JSON.stringify(v));
    const part = fc.record({ value: json, eventId: fc.uuid(), type: fc.string({ minLength: 1 }), seq: fc.bigInt({ min: 1n, max: 10n ** 15n - 1n }) });
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 20 }), (parts) => {
        const { value, header } = packedRecord(
          parts.map((p) => p.value),
          parts.map((p) => ({ h: { eventId: p.eventId, type: p.type }, s: p.seq.toString() })),
        );
        const events = unpack(inbound(value, { [PACKED_HEADER]: header }), SEQ);
        expect(events.map((e) => e.value!.toString('utf8'))).toEqual(parts.map((p) => p.value));
        expect(events.map((e) => e.headers)).toEqual(parts.map((p) => ({ eventId: p.eventId, type: p.type, [SEQ]: p.seq.toString() })));
        expect(events.map((e) => e.part!.last)).toEqual(parts.map((_, i) => i === parts.length - 1));
      }),
      { numRuns: 200 },
    );
  });

  it('packs only neighbours of one topic and one key, never reorders, at most PACKED_EVENTS_MAX together (fast-check)', () => {
    const row = fc.record({ id: fc.nat(), topic: fc.constantFrom('trade.events.v1', 'capture.intake.v1'), message_key: fc.constantFrom('k1', 'k2', null) });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 300 }), (rows) => {
        const groups = packNeighbours(rows);
        expect(groups.flat()).toEqual(rows);
        for (const g of groups) {
          expect(g.length).toBeLessThanOrEqual(PACKED_EVENTS_MAX);
          if (g.length > 1) {
            expect(new Set(g.map((r) => `${r.topic}|${r.message_key}`)).size).toBe(1);
            expect(g[0]!.message_key).not.toBeNull();
          }
        }
        // Two neighbours of one topic and key are split only at the size limit.
        for (let i = 1; i < groups.length; i++) {
          const [before, after] = [groups[i - 1]!.at(-1)!, groups[i]![0]!];
          if (before.topic === after.topic && before.message_key === after.message_key && before.message_key !== null)
            expect(groups[i - 1]!.length).toBe(PACKED_EVENTS_MAX);
        }
      }),
      { numRuns: 200 },
    );
  });
});
