import { Topics, type BusinessDayEvent, type BusinessDayV1 } from '@postera/contracts';
import type { EntityManager } from 'typeorm';
import type { BatchContext, InboundMessage } from '../consumer/batch-handler.js';
import { EnvelopeHandler } from '../consumer/envelope-handler.js';

/** What a service does when the business day moves; runs in the same transaction as the day change. */
export interface BusinessDayHooks {
  /** causeEventId: the day event's id, for the causationId of what the hook emits. */
  onDayOpened?(ctx: BatchContext, day: BusinessDayV1, causeEventId: string): Promise<void>;
  onDayClosed?(ctx: BatchContext, day: BusinessDayV1, causeEventId: string): Promise<void>;
}

export interface BusinessDayState {
  businessDate: string;
  status: 'OPEN' | 'CLOSED';
}

export async function currentBusinessDay(tx: EntityManager, schema: string, calendar = 'TARGET'): Promise<BusinessDayState | null> {
  const rows = (await tx.query(`SELECT to_char(business_date, 'YYYY-MM-DD') AS d, status FROM ${schema}.business_day WHERE calendar = $1`, [
    calendar,
  ])) as Array<{ d: string; status: 'OPEN' | 'CLOSED' }>;
  const row = rows[0];
  return row ? { businessDate: row.d, status: row.status } : null;
}

/**
 * Every service follows ops.business-day.v1 (DESIGN.md §7). A day never moves backwards: an
 * older open or close (a replay) is recorded in the inbox and otherwise ignored.
 */
export class BusinessDayHandler extends EnvelopeHandler<BusinessDayEvent> {
  readonly consumerId: string;
  readonly topics = [Topics.businessDay];

  /** Every service follows every day event: the consumer id (and so the group) carries the service's name. */
  constructor(
    service: string,
    private readonly hooks: BusinessDayHooks,
  ) {
    super();
    this.consumerId = `${service}.business-day`;
  }

  async handle(ctx: BatchContext, messages: InboundMessage<BusinessDayEvent>[]): Promise<void> {
    for (const { body } of messages) {
      const day = body.payload;
      const status = body.type === 'BusinessDayOpened' ? 'OPEN' : 'CLOSED';
      const current = await currentBusinessDay(ctx.tx, ctx.schema, day.calendar);
      if (current && (day.businessDate < current.businessDate || (day.businessDate === current.businessDate && current.status === 'CLOSED'))) {
        ctx.log.warn({ day, current }, 'business day event older than the current day; ignored');
        continue;
      }
      await ctx.tx.query(
        `INSERT INTO ${ctx.schema}.business_day (calendar, business_date, status, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (calendar) DO UPDATE SET business_date = EXCLUDED.business_date, status = EXCLUDED.status, updated_at = now()`,
        [day.calendar, day.businessDate, status],
      );
      if (status === 'OPEN') await this.hooks.onDayOpened?.(ctx, day, body.eventId);
      else await this.hooks.onDayClosed?.(ctx, day, body.eventId);
    }
  }
}
