import { Injectable } from '@nestjs/common';
import { Topics, type EventEnvelope } from '@postera/contracts';
import { EnvelopeHandler, type BatchContext, type InboundMessage } from '@postera/platform';
import { ACTIVITY_TYPES, ActivityProjection } from '../activity/activity.projection.js';
import { RECORDS_TYPES, RecordsProjection } from '../records/records.projection.js';
import { loadHandover, type Handover, type Slice } from './handover.js';

const ACTIVITY = new Set(ACTIVITY_TYPES);
const RECORDS = new Set(RECORDS_TYPES);

/**
 * Reporting's one reader of the trade's topics: each chunk is applied by the activity projection
 * (src/activity) and the records projection (src/records) in one transaction, so that
 * trade.events.v1 and settlement.events.v1 are read by one group instead of two (each record fetched,
 * judged and committed once). Each projection is given only the types it reads.
 */
@Injectable()
export class TradeLifecycleConsumer extends EnvelopeHandler {
  readonly consumerId = 'reporting.trade-lifecycle';
  readonly topics = [Topics.tradeEvents, Topics.settlementEvents, Topics.accountingEvents, Topics.notificationEvents, Topics.captureIntake];
  // What either projection reads; the rest (counterparty confirmations, penalty waivers, day markers)
  // is skipped by its type header, without a transaction.
  override readonly types = [...new Set([...ACTIVITY_TYPES, ...RECORDS_TYPES])];

  /** Read once: the table is written by the migration only. */
  private handover: Handover | null = null;

  constructor(
    private readonly activity: ActivityProjection,
    private readonly records: RecordsProjection,
  ) {
    super();
  }

  async handle(ctx: BatchContext, messages: InboundMessage<EventEnvelope>[]): Promise<void> {
    const handover = (this.handover ??= await loadHandover(ctx.tx));
    const sliceOf = (slice: Slice, types: ReadonlySet<string>) =>
      messages.filter((m) => types.has(m.body.type) && !handover.applied(slice, m.record)).map((m) => m.body);
    await this.activity.apply(ctx, sliceOf('activity', ACTIVITY));
    await this.records.apply(ctx, sliceOf('records', RECORDS));
  }
}
