import { Inject, Injectable } from '@nestjs/common';
import type { BusinessDayV1, InstructionStatusChangedV1 } from '@postera/contracts';
import { nextBusinessDay, type SettlementCalendar } from '@postera/kernel';
import { CONFIG, PlatformMetrics, type BatchContext, type BusinessDayHooks, readCalendar } from '@postera/platform';
import { Counter, Gauge } from 'prom-client';
import type { NotificationConfig } from '../../../config.js';
import { makeDigests } from '../../../delivery/digest.repository.js';
import { writeNotices } from '../../persistence/notices.repository.js';

/** Instructions reminded, and late avis reported, per close: bounded so one close stays one reasonable transaction. */
const FAILING_PER_CLOSE_MAX = 10_000;
const LATE_PER_CLOSE_MAX = 10_000;
/** A failing streak longer than this is counted as this (the loop over the calendar stays bounded). */
const FAILING_DAYS_COUNTED_MAX = 366;

/** Business days of `calendar` in (from, to]: the days a settlement stayed failed after the day it started failing. */
export function businessDaysAfter(from: string, to: string, calendar: SettlementCalendar): number {
  let n = 0;
  for (let d = nextBusinessDay(from, calendar); d <= to && n < FAILING_DAYS_COUNTED_MAX; d = nextBusinessDay(d, calendar)) n++;
  return n;
}

/**
 * At each business-day close (in the transaction of the close):
 * - a reminder to the client for every settlement still failing FAIL_REMINDER_AFTER_BUSINESS_DAYS
 *   business days (or more) after the day it started failing — one per instruction and day;
 * - the daily digests: each DAILY account's held email deliveries (the reminders just owed among
 *   them) put in one digest per recipient for the day closed, which the DigestSender sends;
 * - the deadline watch: every avis d'opéré (or amended avis) not sent by the end of the first
 *   business day after the trading day is reported: marked in avis_deadlines (GET /avis/late),
 *   logged, and counted (postera_notification_avis_late_total; gauge postera_notification_avis_late_open).
 */
@Injectable()
export class NotificationDayHooks implements BusinessDayHooks {
  private readonly lateTotal: Counter;
  private readonly lateOpen: Gauge;

  constructor(
    @Inject(CONFIG) private readonly config: NotificationConfig,
    metrics: PlatformMetrics,
  ) {
    this.lateTotal = new Counter({
      name: 'postera_notification_avis_late_total',
      help: "Avis d'opéré reported late at a close",
      registers: [metrics.registry],
    });
    this.lateOpen = new Gauge({
      name: 'postera_notification_avis_late_open',
      help: "Avis d'opéré late and still not sent, at the last close",
      registers: [metrics.registry],
    });
  }

  async onDayClosed(ctx: BatchContext, day: BusinessDayV1, causeEventId: string): Promise<void> {
    await this.remindFailing(ctx, day);
    // Before the watch: a notice in the digest of this close goes out at the close, on time.
    const digests = await makeDigests(ctx.tx, day.businessDate, this.config.DIGEST_NOTICES_MAX);
    if (digests.digests > 0) ctx.log.info({ businessDate: day.businessDate, ...digests }, 'daily digests made');
    await this.watchDeadlines(ctx, day, causeEventId);
  }

  private async remindFailing(ctx: BatchContext, day: BusinessDayV1): Promise<void> {
    const rows = (await ctx.tx.query(
      `SELECT instruction_id, trade_ref, account, to_char(failing_since, 'YYYY-MM-DD') AS failing_since, payload
       FROM notification.instruction_states WHERE status = 'FAILING' AND failing_since <= $1 ORDER BY failing_since, instruction_id LIMIT $2`,
      [day.businessDate, FAILING_PER_CLOSE_MAX],
    )) as Array<{ instruction_id: string; trade_ref: string; account: string; failing_since: string; payload: InstructionStatusChangedV1 }>;
    if (rows.length === 0) return;
    // The calendar of the day closed, as the referential last published it: read once for the close.
    const calendar = await readCalendar(ctx.tx, 'notification', day.calendar);
    const due = rows
      .map((r) => ({ r, days: businessDaysAfter(r.failing_since, day.businessDate, calendar) }))
      .filter(({ days }) => days >= 1 && days >= this.config.FAIL_REMINDER_AFTER_BUSINESS_DAYS);
    // Routed in the close's transaction, as the consumers route theirs: nothing wakes the router for them.
    await writeNotices(
      ctx.tx,
      this.config.FIRM_NAME,
      due.map(({ r, days }) => ({
        kind: 'SETTLEMENT_FAIL_REMINDER' as const,
        // One reminder per instruction and business day, whatever replays the close.
        causeEventId: `fail-reminder:${r.instruction_id}:${day.businessDate}`,
        tradeRef: r.trade_ref,
        tradeVersion: r.payload.tradeVersion ?? null,
        recipientType: 'CLIENT' as const,
        party: r.account,
        payload: { instruction: r.payload, failingSince: r.failing_since, businessDate: day.businessDate, businessDaysFailing: days },
      })),
    );
    if (due.length > 0) ctx.log.info({ businessDate: day.businessDate, reminders: due.length }, 'settlement fail reminders owed');
  }

  /**
   * An avis is on time when a delivery of it is SENT, or when it is in the digest this close made
   * (the DAILY policy sends at the close: that is the deadline's end). If that digest is still not
   * sent at the next close, the avis is reported then; a FAILED digest does not count.
   */
  private async watchDeadlines(ctx: BatchContext, day: BusinessDayV1, causeEventId: string): Promise<void> {
    const late = (await ctx.tx.query(
      `WITH late AS (
         SELECT d.trade_ref FROM notification.avis_deadlines d
         WHERE NOT d.cancelled AND d.reported_late_on IS NULL AND d.deadline <= $1
           AND NOT EXISTS (SELECT 1 FROM notification.notices k JOIN notification.notifications n USING (notice_id)
                           LEFT JOIN notification.digests g ON g.digest_id = n.digest_id
                           WHERE k.trade_ref = d.trade_ref AND k.kind IN ('AVIS_OPERE', 'AMENDMENT_NOTICE')
                             AND (n.status = 'SENT' OR (g.business_date = $1 AND g.status <> 'FAILED')))
         ORDER BY d.deadline, d.trade_ref LIMIT $2),
       u AS (UPDATE notification.avis_deadlines d SET reported_late_on = $1 FROM late WHERE d.trade_ref = late.trade_ref
             RETURNING d.trade_ref, d.account, to_char(d.trade_date, 'YYYY-MM-DD') AS trade_date, to_char(d.deadline, 'YYYY-MM-DD') AS deadline)
       SELECT * FROM u`,
      [day.businessDate, LATE_PER_CLOSE_MAX],
    )) as Array<{ trade_ref: string; account: string; trade_date: string; deadline: string }>;
    const [open] = (await ctx.tx.query(
      `SELECT count(*)::int AS n FROM notification.avis_deadlines d WHERE d.reported_late_on IS NOT NULL AND NOT d.cancelled
         AND NOT EXISTS (SELECT 1 FROM notification.notices k JOIN notification.notifications n USING (notice_id)
                         WHERE k.trade_ref = d.trade_ref AND k.kind IN ('AVIS_OPERE', 'AMENDMENT_NOTICE') AND n.status = 'SENT')`,
    )) as Array<{ n: number }>;
    this.lateOpen.set(open?.n ?? 0);
    if (late.length === 0) return;
    this.lateTotal.inc(late.length);
    ctx.log.warn(
      { businessDate: day.businessDate, late: late.length, trades: late.slice(0, 20).map((l) => l.trade_ref), causeEventId },
      "avis d'opéré not sent by the end of the first business day after execution (Delegated Regulation (EU) 2017/565 art. 59(4))",
    );
  }
}
