import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { packRecords } from '../outbox/outbox-relay.js';
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

  it('a worked example: two trades of one partition in one record, each event cut out with its own key', () => {
    const first = '{"eventId":"a","type":"TradeValidated","payload":{"tradeRef":"FO-EQ:T-1"}}';
    const second = '{"eventId":"b","type":"TradeValidated","payload":{"tradeRef":"FO-EQ:T-7"}}';
    const { value, header } = packedRecord(
      [first, second],
      [
        { h: { eventId: 'a' }, s: '2001', k: 'FO-EQ:T-1' },
        { h: { eventId: 'b' }, s: '2002', k: 'FO-EQ:T-7' },
      ],
    );
    expect(JSON.parse(header)).toEqual([
      { h: { eventId: 'a' }, s: '2001', k: 'FO-EQ:T-1', b: first.length },
      { h: { eventId: 'b' }, s: '2002', k: 'FO-EQ:T-7', b: second.length },
    ]);
    const events = unpack({ ...inbound(value, { [PACKED_HEADER]: header }), key: null }, SEQ);
    expect(events.map((e) => [e.key, e.headers[SEQ], e.offset, e.value!.toString('utf8')])).toEqual([
      ['FO-EQ:T-1', '2001', '41', first],
      ['FO-EQ:T-7', '2002', '41', second],
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
      [value, JSON.stringify((JSON.parse(header) as object[]).map((p) => ({ ...p, k: 7 })))],
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
        const groups = packRecords(rows).map((g) => g.rows);
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

  it('a worked example across keys: six trades on three partitions leave as three records, each partition in id order', () => {
    const partitionOf = (key: string) => Number(key.slice(1)) % 3;
    const rows = ['k1', 'k2', 'k4', 'k3', 'k5', 'k7'].map((message_key, i) => ({ id: i + 1, topic: 'trade.events.v1', message_key }));
    const groups = packRecords(rows, (topic) => (topic === 'trade.events.v1' ? partitionOf : undefined));
    expect(groups.map((g) => [g.partition, g.rows.map((r) => r.message_key)])).toEqual([
      [1, ['k1', 'k4', 'k7']],
      [2, ['k2', 'k5']],
      [0, ['k3']],
    ]);
  });

  it('across keys: every row once, one topic and partition per record, each partition (so each key) in id order, at most PACKED_EVENTS_MAX together (fast-check)', () => {
    const partitionOf = (key: string) => key.length % 4;
    const row = fc.record({
      topic: fc.constantFrom('trade.events.v1', 'custodian.instructions.v1'),
      message_key: fc.option(fc.string({ minLength: 1, maxLength: 6 }), { freq: 8 }),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 400 }), (drawn) => {
        const rows = drawn.map((r, id) => ({ ...r, id }));
        const groups = packRecords(rows, (topic) => (topic === 'trade.events.v1' ? partitionOf : undefined));
        expect(
          groups
            .flatMap((g) => g.rows)
            .map((r) => r.id)
            .sort((a, b) => a - b),
        ).toEqual(rows.map((r) => r.id));
        // What one partition of one topic receives, record after record, in the order they are sent.
        const received = new Map<string, number[]>();
        for (const g of groups) {
          expect(g.rows.length).toBeLessThanOrEqual(PACKED_EVENTS_MAX);
          expect(new Set(g.rows.map((r) => r.topic)).size).toBe(1);
          const topic = g.rows[0]!.topic;
          if (g.partition !== undefined) {
            expect(topic).toBe('trade.events.v1');
            for (const r of g.rows) expect(partitionOf(r.message_key!)).toBe(g.partition);
          } else if (g.rows.length > 1) expect(new Set(g.rows.map((r) => r.message_key)).size).toBe(1);
          for (const r of g.rows) {
            const slot = `${topic}|${r.message_key === null ? `null${r.id}` : topic === 'trade.events.v1' ? partitionOf(r.message_key) : r.message_key}`;
            received.set(slot, [...(received.get(slot) ?? []), r.id]);
          }
        }
        for (const ids of received.values()) expect(ids).toEqual([...ids].sort((a, b) => a - b));
        // A partition's records are full but for its last.
        const byPartition = new Map<number, number[]>();
        for (const g of groups) if (g.partition !== undefined) byPartition.set(g.partition, [...(byPartition.get(g.partition) ?? []), g.rows.length]);
        for (const sizes of byPartition.values()) for (const n of sizes.slice(0, -1)) expect(n).toBe(PACKED_EVENTS_MAX);
      }),
      { numRuns: 200 },
    );
  });
});
