import { Injectable } from '@nestjs/common';
import { envelope, Topics, type BusinessDayV1, type TradeEventV1 } from '@postera/contracts';
import { deterministicId } from '@postera/kernel';
import { markDayClosed, type BatchContext, type BusinessDayHooks } from '@postera/platform';

/** The list in the event is bounded (a Kafka message stays small); the full list is GET /trades?status=CAPTURED. */
export const UNCONFIRMED_LISTED_MAX = 2_000;

/**
 * At the close of a business day: the trades of that day or before still waiting for their
 * counterparty's confirmation are listed (DOMAIN.md §1), for the morning's follow-up; then the day
 * is marked closed on every partition of trade.events.v1 (contracts: day-markers.v1). Every trade
 * event capture committed before this close is in the outbox before the markers, which it publishes
 * in id order: on each partition a reader finds the whole day before the marker.
 */
@Injectable()
export class UnconfirmedAtCloseHooks implements BusinessDayHooks {
  async onDayClosed(ctx: BatchContext, day: BusinessDayV1, causeEventId: string): Promise<void> {
    const rows = (await ctx.tx.query(
      `SELECT trade_ref AS "tradeRef", version, counterparty, to_char(trade_date, 'YYYY-MM-DD') AS "tradeDate",
              to_char(settlement_date, 'YYYY-MM-DD') AS "settlementDate", count(*) OVER () AS total
       FROM capture.trades WHERE status = 'CAPTURED' AND trade_date <= $1 ORDER BY trade_date, trade_ref LIMIT $2`,
      [day.businessDate, UNCONFIRMED_LISTED_MAX],
    )) as Array<{ tradeRef: string; version: number; counterparty: string; tradeDate: string; settlementDate: string; total: string }>;
    const total = rows.length > 0 ? Number(rows[0]!.total) : 0;
    const event: TradeEventV1 = envelope({
      eventId: deterministicId('UnconfirmedTradesAtClose', day.calendar, day.businessDate),
      type: 'UnconfirmedTradesAtClose',
      producer: 'capture',
      correlationId: `business-day:${day.businessDate}`,
      causationId: causeEventId,
      payload: { businessDate: day.businessDate, total, trades: rows.map(({ total: _t, ...r }) => r) },
    });
    ctx.emit({ topic: Topics.tradeEvents, key: `business-day:${day.businessDate}`, event });
    markDayClosed(ctx, { topic: Topics.tradeEvents, producer: 'capture', calendar: day.calendar, businessDate: day.businessDate, causeEventId });
    if (total > 0) ctx.log.warn({ businessDate: day.businessDate, unconfirmed: total }, 'trades unconfirmed at the close');
  }
}
