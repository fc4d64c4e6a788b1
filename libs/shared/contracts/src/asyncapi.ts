import { z } from 'zod';
import { TOPIC_EVENT_SCHEMAS } from './event-schemas.js';
import { TOPIC_CATALOGUE, type TopicCatalogue } from './topics.js';

/**
 * The AsyncAPI 3.0 document of Postera's events, generated from the two sources that the code
 * itself runs on: the topic catalogue (topics.json: partitions, keys, who writes and who reads) and
 * the payload schemas consumers check at decode (event-schemas.ts). Nothing in it is written by hand,
 * so it cannot drift from what travels. `npm run asyncapi` writes it; the tests validate it with the
 * AsyncAPI parser.
 */

const ENVELOPE_DOC = {
  eventId: 'Unique id of the event (UUID); deterministic where a replay must produce the same event. Its identity: a replayed dead letter is claimed by it.',
  schemaVersion: 'Version of the payload schema (1).',
  occurredAt: 'When the producer wrote the event (ISO 8601 instant).',
  producer: 'The service that wrote it.',
  correlationId: 'The business thread: the trade reference for trade-related events.',
  causationId: 'The event (or input message) that caused this one, or null.',
};

/** A channel id: the topic's name without dots and version (`trade.events.v1` → `tradeEvents`). */
const channelId = (topic: string): string =>
  topic
    .replace(/\.v\d+$/, '')
    .split(/[.-]/)
    .map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('');

const messageId = (topic: string, type: string): string => `${channelId(topic)}.${type}`;

/** A payload schema as JSON Schema (draft-07), without its `$schema` key: the document names the format once. */
function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function envelopeSchema(type: string, payload: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'object',
    required: ['eventId', 'type', 'schemaVersion', 'occurredAt', 'producer', 'correlationId', 'causationId', 'payload'],
    additionalProperties: false,
    properties: {
      eventId: { type: 'string', format: 'uuid', description: ENVELOPE_DOC.eventId },
      type: { type: 'string', const: type },
      schemaVersion: { type: 'integer', description: ENVELOPE_DOC.schemaVersion },
      occurredAt: { type: 'string', description: ENVELOPE_DOC.occurredAt },
      producer: { type: 'string', description: ENVELOPE_DOC.producer },
      correlationId: { type: 'string', description: ENVELOPE_DOC.correlationId },
      causationId: { type: ['string', 'null'], description: ENVELOPE_DOC.causationId },
      payload,
    },
  };
}

export function asyncApiDocument(catalogue: TopicCatalogue = TOPIC_CATALOGUE, version = '1.0.0'): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const topic of catalogue.topics) {
    const schemas = TOPIC_EVENT_SCHEMAS[topic.name];
    // The upstream inputs are not envelopes: their formats are documented with capture.
    if (!schemas) continue;
    const id = channelId(topic.name);
    const refs: Record<string, { $ref: string }> = {};
    for (const [type, schema] of Object.entries(schemas)) {
      const mid = messageId(topic.name, type);
      messages[mid] = {
        name: type,
        title: type,
        contentType: 'application/json',
        headers: {
          type: 'object',
          properties: {
            eventId: { type: 'string', description: 'A copy of the envelope’s eventId; a record whose header disagrees goes to the DLQ.' },
            type: { type: 'string', const: type, description: 'The event type: consumers skip the types they do not act on by this header.' },
            correlationId: { type: 'string' },
            producer: { type: 'string' },
            status: { type: 'string', description: 'The state the event announces, where its payload has a status: consumers that act on some states only skip the others by this header.' },
            outbox: { type: 'string', description: 'The schema whose outbox published the record.' },
            'outbox-epoch': { type: 'string', description: 'The incarnation of that outbox (drawn when its tables are created).' },
            'outbox-seq': {
              type: 'string',
              pattern: '^[0-9]+$',
              description: 'The publication sequence (the outbox row id, in commit order): a consumer drops a sequence it already applied from that outbox on that partition.',
            },
          },
        },
        payload: { schemaFormat: 'application/schema+json;version=draft-07', schema: envelopeSchema(type, jsonSchema(schema)) },
      };
      refs[type] = { $ref: `#/components/messages/${mid}` };
    }
    channels[id] = {
      address: topic.name,
      title: topic.name,
      description:
        `${topic.partitions} partition(s), keyed by ${topic.keyedBy}${topic.compacted ? ', compacted' : ''}. ` +
        `Written by ${topic.producers.join(', ')}; read by ${topic.consumers.length > 0 ? topic.consumers.join(', ') : 'no service'}. ` +
        `A message a consumer cannot apply goes to ${topic.name}.dlq with its original bytes and the reason. ` +
        (topic.packsAcrossKeys
          ? 'Events bound for one partition may travel packed in one record, whatever their keys: '
          : 'Neighbouring events of one key may travel packed in one record: ') +
        'its value is the JSON array of the events, and its `packed` header lists, per event, its headers (h), publication sequence (s), ' +
        'length in bytes (b)' +
        (topic.packsAcrossKeys ? ' and, when the record carries several keys (it then has none), its key (k)' : '') +
        '; a reader cuts the events out and handles each as the message described here.',
      messages: refs,
      bindings: { kafka: { partitions: topic.partitions, replicas: catalogue.defaults.replicationFactor, bindingVersion: '0.5.0' } },
    };
    const all = Object.keys(refs).map((t) => ({ $ref: `#/channels/${id}/messages/${t}` }));
    for (const producer of topic.producers) {
      operations[`${producer}.send.${id}`] = { action: 'send', channel: { $ref: `#/channels/${id}` }, title: `${producer} writes ${topic.name}`, messages: all };
    }
    for (const consumer of topic.consumers) {
      operations[`${consumer}.receive.${id}`] = { action: 'receive', channel: { $ref: `#/channels/${id}` }, title: `${consumer} reads ${topic.name}`, messages: all };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Postera events',
      version,
      description:
        'The events Postera’s services write to each other over Kafka. Every event travels in one envelope; its payload is checked against the schema below by every consumer as it decodes it.',
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: 'application/json',
    servers: {
      local: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'The devstack’s broker (SASL SCRAM-SHA-512; TLS in production).' },
    },
    channels,
    operations,
    components: { messages },
  };
}
