import { Injectable } from '@nestjs/common';
import { dlqTopic, TOPIC_CATALOGUE } from '@postera/contracts';
import { currentBusinessDay, type BatchContext, type BatchHandler, type InboundMessage, type InboundRecord } from '@postera/platform';
import { recordingDay } from './domain/activity-dates.js';

/** Every dead-letter topic: the `.dlq` beside each topic of the catalogue. */
export const DEAD_LETTER_TOPICS: readonly string[] = TOPIC_CATALOGUE.topics.map((t) => dlqTopic(t.name));

/** What reporting keeps of a dead letter: where it sits, the topic it was read from and the consumer that parked it. */
export interface DeadLetter {
  position: string;
  sourceTopic: string;
  consumer: string | null;
  parkedAt: string | null;
}

/** The catalogue's name of the topic a dead letter was read from (the physical `.dlq` may carry a TOPIC_PREFIX). */
export function sourceTopicOf(dlqPhysicalTopic: string): string {
  const found = TOPIC_CATALOGUE.topics.find((t) => dlqPhysicalTopic === dlqTopic(t.name) || dlqPhysicalTopic.endsWith(`.${dlqTopic(t.name)}`));
  return found?.name ?? dlqPhysicalTopic.replace(/\.dlq$/, '');
}

const isoOrNull = (v: string | undefined): string | null => (v && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : null);

/**
 * The dead letters of every topic, counted for the activity report: one row per record of a `.dlq`
 * (its position: a record read again adds nothing), dated by reporting's business day when recorded.
 *
 * Why reporting reads the `.dlq` topics rather than the platform announcing each record it parks:
 * the record on the `.dlq` is itself the fact (the platform writes it with the consumer, the error
 * and the time in its `dlq-*` headers), and it is written straight to Kafka after the chunk failed,
 * outside any database transaction, so an announcement could not be made atomic with it — it would
 * be a second write that can be lost or doubled. Reading the `.dlq` costs one consumer group and a
 * read right on each `.dlq` (topic-acls.ts DLQ_COUNTER_PRINCIPAL), and no change to every service.
 *
 * Only the headers are read, never the payload (which is what no consumer could handle): nothing in
 * a record can fail this handler, so it never parks a record itself.
 */
@Injectable()
export class DeadLettersConsumer implements BatchHandler<DeadLetter> {
  readonly consumerId = 'reporting.dead-letters';
  readonly topics = [...DEAD_LETTER_TOPICS];

  messageId(record: InboundRecord): string {
    return `${record.topic}/${record.partition}/${record.offset}`;
  }

  decode(record: InboundRecord): DeadLetter {
    const h = record.headers;
    const ts = Number(record.timestamp);
    return {
      position: `${sourceTopicOf(record.topic)}.dlq/${record.partition}/${record.offset}`,
      sourceTopic: sourceTopicOf(record.topic),
      consumer: h['dlq-consumer'] ?? null,
      parkedAt: isoOrNull(h['dlq-at']) ?? (Number.isFinite(ts) && ts > 0 ? new Date(ts).toISOString() : null),
    };
  }

  async handle(ctx: BatchContext, messages: InboundMessage<DeadLetter>[]): Promise<void> {
    const businessDay = (await currentBusinessDay(ctx.tx, ctx.schema))?.businessDate ?? null;
    const rows = messages.map((m) => ({ d: m.body, dated: recordingDay(businessDay, m.body.parkedAt ?? new Date().toISOString()) }));
    await ctx.tx.query(
      `INSERT INTO reporting.activity_dead_letters (position, source_topic, consumer, parked_at, dead_date, date_source)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::date[], $6::text[]) ON CONFLICT (position) DO NOTHING`,
      [
        rows.map((r) => r.d.position),
        rows.map((r) => r.d.sourceTopic),
        rows.map((r) => r.d.consumer),
        rows.map((r) => r.d.parkedAt),
        rows.map((r) => r.dated.date),
        rows.map((r) => r.dated.source),
      ],
    );
  }
}
