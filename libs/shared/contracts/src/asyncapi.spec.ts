import { describe, expect, it } from '@jest/globals';
import { Parser } from '@asyncapi/parser';
import { asyncApiDocument } from './asyncapi.js';
import { TOPIC_EVENT_SCHEMAS } from './event-schemas.js';
import { TOPIC_CATALOGUE, Topics } from './topics.js';

describe('the AsyncAPI document, generated from the topic catalogue and the payload schemas', () => {
  const doc = asyncApiDocument() as {
    asyncapi: string;
    channels: Record<string, { address: string; messages: Record<string, unknown> }>;
    operations: Record<string, { action: string; channel: { $ref: string } }>;
    components: { messages: Record<string, { payload: { schema: { properties: { payload: { required?: string[] } } } } }> };
  };

  it('is valid AsyncAPI 3.0 for the AsyncAPI parser: no error', async () => {
    const { document, diagnostics } = await new Parser().parse(doc);
    // Severity 0 is an error; warnings and hints (1–3) do not make a document invalid.
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.channels().all().map((c) => c.address()).sort()).toEqual(Object.keys(TOPIC_EVENT_SCHEMAS).sort());
  });

  it('the same parser refuses a document whose operation names a channel that does not exist', async () => {
    const broken = structuredClone(doc);
    broken.operations['capture.send.tradeEvents']!.channel = { $ref: '#/channels/noSuchTopic' };
    const { diagnostics } = await new Parser().parse(broken);
    expect(diagnostics.filter((d) => d.severity === 0).length).toBeGreaterThan(0);
  });

  it('has a channel for every topic of Postera’s own events, a message per event type, and an operation per producer and consumer of the catalogue', () => {
    const own = TOPIC_CATALOGUE.topics.filter((t) => t.name in TOPIC_EVENT_SCHEMAS);
    // The two upstream inputs are not envelopes: they are not in it.
    expect(TOPIC_CATALOGUE.topics.filter((t) => !(t.name in TOPIC_EVENT_SCHEMAS)).map((t) => t.name)).toEqual([Topics.tradesExecuted, Topics.confirmationsReceived]);
    expect(Object.values(doc.channels).map((c) => c.address).sort()).toEqual(own.map((t) => t.name).sort());
    expect(Object.keys(doc.channels.tradeEvents!.messages).sort()).toEqual(Object.keys(TOPIC_EVENT_SCHEMAS[Topics.tradeEvents]!).sort());
    const expected = own.flatMap((t) => [...t.producers.map((p) => `${p}.send`), ...t.consumers.map((c) => `${c}.receive`)].map((o) => `${o}.${t.name}`));
    const found = Object.entries(doc.operations).map(([id, o]) => `${id.split('.').slice(0, 2).join('.')}.${doc.channels[o.channel.$ref.split('/').pop()!]!.address}`);
    expect(found.sort()).toEqual(expected.sort());
  });

  it('packs several keys in one record only on topics the services alone write and read, none compacted, and says so on their channels', () => {
    const services = ['capture', 'settlement', 'accounting', 'reporting', 'notification', 'gateway'];
    const across = TOPIC_CATALOGUE.topics.filter((t) => t.packsAcrossKeys);
    expect(across.map((t) => t.name).sort()).toEqual(
      ['accounting.events.v1', 'capture.intake.v1', 'notification.events.v1', 'reporting.events.v1', 'settlement.events.v1', 'trade.events.v1'].sort(),
    );
    for (const t of across) {
      expect([t.name, t.compacted ?? false, [...t.producers, ...t.consumers].every((p) => services.includes(p))]).toEqual([t.name, false, true]);
    }
    const description = (address: string) => (Object.values(doc.channels).find((c) => c.address === address) as unknown as { description: string }).description;
    expect(description('trade.events.v1')).toContain('whatever their keys');
    expect(description('custodian.instructions.v1')).toContain('Neighbouring events of one key');
  });

  it('carries each payload schema as consumers check it: a TradeCaptured needs its trade and status, a PartitionDayClosed its day and partitions', () => {
    const payload = (id: string) => doc.components.messages[id]!.payload.schema.properties.payload;
    expect(payload('tradeEvents.TradeCaptured').required?.sort()).toEqual(['status', 'trade']);
    expect(payload('settlementEvents.PartitionDayClosed').required?.sort()).toEqual(['businessDate', 'calendar', 'partition', 'partitions']);
  });
});
