import { Injectable } from '@nestjs/common';
import { Topics, type EventEnvelope, type InstrumentRefEvent } from '@postera/contracts';
import { EnvelopeHandler, UndecodableMessage, type BatchContext, type InboundMessage, type InboundRecord } from '@postera/platform';
import { upsertInstrumentNames } from '../persistence/instrument-names.repository.js';

/** What a name needs; anything else in InstrumentRefV1 is capture's business. */
function nameProblems(p: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (typeof p.isin !== 'string' || !/^[A-Z]{2}[A-Z0-9]{9}[0-9]$/.test(p.isin)) problems.push('isin: an ISIN');
  if (typeof p.name !== 'string' || p.name.trim().length === 0 || p.name.length > 200) problems.push('name: a non-empty string of at most 200 characters');
  if (!Number.isInteger(p.version) || (p.version as number) < 1) problems.push('version: an integer ≥ 1');
  return problems;
}

/**
 * refdata.instruments.v1 → notification.instrument_names: the name a notice prints beside the
 * ISIN. A consumer of its own, whose group starts at the beginning of the compacted topic, so the
 * instruments imported before it existed are named too.
 */
@Injectable()
export class InstrumentNamesConsumer extends EnvelopeHandler<EventEnvelope> {
  readonly consumerId = 'notification.refdata-instruments';
  readonly topics = [Topics.refdataInstruments];

  override decode(record: InboundRecord): EventEnvelope {
    const e = super.decode(record);
    if (e.type === 'InstrumentUpserted') {
      const problems = nameProblems(e.payload as Record<string, unknown>);
      if (problems.length > 0) throw new UndecodableMessage(`InstrumentUpserted payload unusable: ${problems.join('; ')}`);
    }
    return e;
  }

  async handle(ctx: BatchContext, messages: InboundMessage<EventEnvelope>[]): Promise<void> {
    const names = messages
      .filter((m) => m.body.type === 'InstrumentUpserted')
      .map((m) => (m.body as InstrumentRefEvent).payload)
      .map((p) => ({ isin: p.isin, name: p.name.trim(), version: p.version }));
    await upsertInstrumentNames(ctx.tx, names);
  }
}
