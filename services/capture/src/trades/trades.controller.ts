import {
  BadRequestException,
  Body,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  ConflictException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { Topics } from '@postera/contracts';
import { amountAtLeastMinorUnits, isIsoDate, newId } from '@postera/kernel';
import { CurrentOperator, LOG, MAKERS, pageRequest, READERS, RequiresFourEyes, requireFourEyes, Roles, type Log, type Operator } from '@postera/platform';
import { DataSource } from 'typeorm';
import { TradeLifecycle } from './trade-lifecycle.js';
import { operatorWork } from './operator-work.js';

/**
 * A fee as the trade message gave it, written with at least its currency's minor units ("8.5" EUR →
 * "8.50"), as the trade's computed amounts are. Never rounded: a fee finer than the minor unit is
 * shown as received.
 */
const feeInForm = (f: { amount: string; currency: string }) => ({
  ...f,
  amount: amountAtLeastMinorUnits(f.amount, f.currency),
});

const PAGE_MAX = 500;
const STATUSES = ['CAPTURED', 'CONFIRMED', 'VALIDATED', 'INSTRUCTED', 'SETTLED', 'PARTIALLY_SETTLED', 'FAILED', 'CANCELLED'];

/** Trades for operators: look one up with its versions, history and confirmations; list by status; book by hand; approve. */
@Controller('trades')
export class TradesController {
  constructor(
    private readonly ds: DataSource,
    private readonly lifecycle: TradeLifecycle,
    @Inject(LOG) private readonly log: Log,
  ) {}

  @Get(':ref')
  @Roles(...READERS, 'admin')
  async trade(@Param('ref') ref: string) {
    const [row] = (await this.ds.query(
      `SELECT trade_ref AS "tradeRef", version, status, origin, maker, validated_by AS "validatedBy", validated_how AS "validatedHow",
              confirmation_id AS "confirmationId", late_booking AS "lateBooking", side, isin, quantity::text, price::text, currency,
              gross_amount::text AS "grossAmount", accrued_interest::text AS "accruedInterest", fees_amount::text AS "feesAmount",
              net_amount::text AS "netAmount", to_char(trade_date, 'YYYY-MM-DD') AS "tradeDate", to_char(settlement_date, 'YYYY-MM-DD') AS "settlementDate",
              account, counterparty, venue, economics, captured_at AS "capturedAt", updated_at AS "updatedAt"
       FROM capture.trades WHERE trade_ref = $1`,
      [ref],
    )) as Array<Record<string, unknown>>;
    if (!row) throw new NotFoundException(`no trade ${ref}: check the reference (sourceSystem:tradeId) or look in the exceptions`);
    const [versions, history, confirmations] = await Promise.all([
      this.ds.query(
        `SELECT version, action, outcome, note, message_id AS "messageId", received_at AS "receivedAt" FROM capture.trade_versions WHERE trade_ref = $1 ORDER BY version`,
        [ref],
      ),
      this.ds.query(`SELECT version, status, event_type AS "eventType", cause, actor, detail, at FROM capture.trade_history WHERE trade_ref = $1 ORDER BY id`, [
        ref,
      ]),
      this.ds.query(
        `SELECT confirmation_id AS "confirmationId", message_id AS "messageId", status, differences, matched_version AS "matchedVersion", received_at AS "receivedAt"
         FROM capture.confirmations WHERE trade_ref = $1 ORDER BY received_at, message_id`,
        [ref],
      ),
    ]);
    const economics = row.economics as { fees?: Array<{ amount: string; currency: string }> } | null;
    return { ...row, economics: economics?.fees ? { ...economics, fees: economics.fees.map(feeInForm) } : economics, versions, history, confirmations };
  }

  /**
   * GET /trades?status=CAPTURED&isin=&account=&counterparty=&tradeDateFrom=&tradeDateTo=&limit=&after= — the
   * blotter: trades in a status (CAPTURED by default: the unconfirmed), filtered, oldest trade date
   * first, a page at a time (`after` the last tradeRef of the page before; keyset on trade date and reference).
   */
  @Get()
  @Roles(...READERS, 'admin')
  async list(
    @Query('status') status = 'CAPTURED',
    @Query('isin') isin?: string,
    @Query('account') account?: string,
    @Query('counterparty') counterparty?: string,
    @Query('tradeDateFrom') tradeDateFrom?: string,
    @Query('tradeDateTo') tradeDateTo?: string,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ) {
    if (!STATUSES.includes(status)) throw new BadRequestException(`status must be one of ${STATUSES.join(', ')}`);
    for (const [name, d] of [
      ['tradeDateFrom', tradeDateFrom],
      ['tradeDateTo', tradeDateTo],
    ] as const)
      if (d !== undefined && !isIsoDate(d)) throw new BadRequestException(`${name}: a date YYYY-MM-DD`);
    const page = pageRequest({ limit, after }, { max: PAGE_MAX, dflt: 100, cursor: /^\S{1,200}$/, cursorName: 'tradeRef' });
    return this.ds.query(
      `SELECT trade_ref AS "tradeRef", version, status, origin, maker, counterparty, account, isin, side, quantity::text, currency,
              to_char(trade_date, 'YYYY-MM-DD') AS "tradeDate", to_char(settlement_date, 'YYYY-MM-DD') AS "settlementDate"
       FROM capture.trades
       WHERE status = $1 AND ($2::date IS NULL OR trade_date <= $2::date) AND ($3::date IS NULL OR trade_date >= $3::date)
         AND ($4::text IS NULL OR isin = $4) AND ($5::text IS NULL OR account = $5) AND ($6::text IS NULL OR counterparty = $6)
         AND ($8::text IS NULL OR (trade_date, trade_ref) > (SELECT trade_date, trade_ref FROM capture.trades WHERE trade_ref = $8))
       ORDER BY trade_date, trade_ref LIMIT $7`,
      [status, tradeDateTo ?? null, tradeDateFrom ?? null, isin ?? null, account ?? null, counterparty ?? null, page.limit, page.after],
    );
  }

  /**
   * A trade booked by hand (phone, voice broker, a correction outside the platforms). Same rules
   * as trades.executed.v1. A change of two people: the person who proposed it is the trade's maker,
   * the supervisor who approved the proposal is recorded in its history, and the trade still waits
   * for a validation (POST /trades/:ref/approve) by someone other than its maker.
   * sourceSystem defaults to MANUAL, tradeId to a new reference, version to 1, action to NEW.
   */
  @Post()
  @HttpCode(201)
  @Roles(...MAKERS)
  @RequiresFourEyes()
  async book(@Body() body: Record<string, unknown>, @CurrentOperator() who: Operator) {
    const fourEyes = requireFourEyes(who);
    const maker = fourEyes.maker.id;
    const approval = { checker: fourEyes.checker.id, proposal: fourEyes.proposal };
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequestException('a JSON object of the trade fields is expected');
    const fields: Record<string, unknown> = {
      sourceSystem: 'MANUAL',
      tradeId: `M-${newId().slice(0, 13)}`,
      version: 1,
      action: 'NEW',
      executedAt: new Date().toISOString(),
      ...body,
      messageId: `manual:${newId()}`,
    };
    const bytes = Buffer.from(JSON.stringify(fields));
    const record = {
      topic: 'operator-api',
      partition: -1,
      offset: '-1',
      key: null,
      value: bytes,
      headers: {},
      timestamp: new Date().toISOString(),
    };
    const [result] = await operatorWork(this.ds, this.log, (ctx) =>
      this.lifecycle.capture(ctx, [{ message: { kind: 'parsed', messageId: String(fields.messageId), fields, record }, origin: 'MANUAL', maker, approval }], {
        receipts: false,
        exceptions: false,
      }),
    );
    if (result!.outcome === 'EXCEPTION') throw new UnprocessableEntityException({ message: 'trade refused; nothing was booked', problems: result!.problems });
    if (result!.outcome === 'DUPLICATE' || result!.outcome === 'STALE')
      throw new ConflictException({ message: `${result!.outcome.toLowerCase()}: nothing changed`, tradeRef: result!.tradeRef });
    return {
      outcome: result!.outcome,
      tradeRef: result!.tradeRef,
      maker,
      approvedBy: approval.checker,
      next: 'a second person validates it: POST /trades/:ref/approve',
    };
  }

  /**
   * Maker-checker: a second, different person validates a trade booked or corrected by hand. The
   * approver is the supervisor who approved the proposal to validate it, never the trade's maker.
   */
  @Post(':ref/approve')
  @HttpCode(200)
  @Roles(...MAKERS)
  @RequiresFourEyes()
  async approve(@Param('ref') ref: string, @CurrentOperator() who: Operator) {
    const fourEyes = requireFourEyes(who);
    const checker = fourEyes.checker.id;
    const proposed = { by: fourEyes.maker.id, proposal: fourEyes.proposal };
    const r = await operatorWork(this.ds, this.log, (ctx) => this.lifecycle.approve(ctx, ref, checker, proposed));
    if (!r.ok) {
      if (r.status === 403) throw new ForbiddenException(r.problem);
      if (r.status === 404) throw new NotFoundException(r.problem);
      throw new ConflictException(r.problem);
    }
    return { tradeRef: ref, status: r.trade.status, validatedBy: checker, maker: r.trade.maker };
  }
}

/**
 * What the morning report needs from capture. Per input topic, the receipts: one per record read,
 * so consumed = captured + amended + cancelled + stale + exceptions + duplicates on trades.executed.v1
 * and consumed = confirmed + pending + exceptions + duplicates on confirmations.received.v1, whatever
 * was sent twice. The confirmations block counts trades where they stand when asked (see tradeConfirmations),
 * and keeps the receipts' outcomes on arrival apart, under `receipts`.
 */
@Controller()
export class CaptureSummaryController {
  constructor(private readonly ds: DataSource) {}

  /**
   * GET /volumes/by-hour?tradeDate=YYYY-MM-DD: the trades of a trade date by the hour they were
   * executed, in Paris time (the back office's day; a New York execution at 15:30 counts at 21:00),
   * cancelled ones left out; the hours with none are absent. 24 rows at most.
   */
  @Get('volumes/by-hour')
  @Roles(...READERS, 'admin')
  async volumesByHour(@Query('tradeDate') tradeDate?: string) {
    if (!isIsoDate(tradeDate)) throw new BadRequestException('tradeDate: an ISO date');
    return this.ds.query(
      `SELECT extract(hour FROM executed_at AT TIME ZONE 'Europe/Paris')::int AS hour, count(*)::int AS trades
       FROM capture.trades WHERE trade_date = $1 AND status <> 'CANCELLED' GROUP BY 1 ORDER BY 1`,
      [tradeDate],
    ) as Promise<Array<{ hour: number; trades: number }>>;
  }

  @Get('summary')
  @Roles(...READERS, 'admin')
  async summary() {
    const [receipts, statuses, open, standing] = await Promise.all([
      this.ds.query(`SELECT topic, outcome, count(*)::int AS n FROM capture.receipts GROUP BY topic, outcome`) as Promise<
        Array<{ topic: string; outcome: string; n: number }>
      >,
      this.ds.query(`SELECT status, count(*)::int AS n FROM capture.trades GROUP BY status`) as Promise<Array<{ status: string; n: number }>>,
      this.ds.query(`SELECT kind, count(*)::int AS n FROM capture.exceptions WHERE status = 'OPEN' GROUP BY kind`) as Promise<
        Array<{ kind: string; n: number }>
      >,
      tradeConfirmations(this.ds),
    ]);
    const of = (topic: string) => Object.fromEntries(receipts.filter((r) => r.topic === topic).map((r) => [r.outcome, r.n])) as Record<string, number>;
    const t = of(Topics.tradesExecuted);
    const c = of(Topics.confirmationsReceived);
    const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    const byStatus = Object.fromEntries(statuses.map((s) => [s.status, s.n])) as Record<string, number>;
    return {
      consumed: sum(t),
      captured: t.CAPTURED ?? 0,
      amended: t.AMENDED ?? 0,
      cancelled: t.CANCELLED ?? 0,
      stale: t.STALE ?? 0,
      exceptions: t.EXCEPTION ?? 0,
      duplicates: t.DUPLICATE ?? 0,
      confirmations: {
        ...standing,
        receipts: {
          consumed: sum(c),
          matchedOnArrival: c.CONFIRMED ?? 0,
          pendingOnArrival: c.PENDING ?? 0,
          exceptions: c.EXCEPTION ?? 0,
          duplicates: c.DUPLICATE ?? 0,
        },
      },
      trades: byStatus,
      confirmed: (byStatus.CONFIRMED ?? 0) + validatedOrLater(byStatus),
      validated: validatedOrLater(byStatus),
      unconfirmed: byStatus.CAPTURED ?? 0,
      openExceptions: Object.fromEntries(open.map((o) => [o.kind, o.n])),
    };
  }
}

/** Where the trades (cancelled ones left out) stand with their counterparty's confirmation; the parts add up to `trades`. */
export interface TradeConfirmations {
  trades: number;
  /** Matched by the counterparty's confirmation (the version standing). */
  confirmed: number;
  /** Awaiting a confirmation, their trade date not closed yet. */
  pending: number;
  /** The counterparty's latest confirmation does not match: an operator works the CONFIRMATION exception. */
  mismatched: number;
  /** Awaiting a confirmation past the close of their trade date (the UnconfirmedTradesAtClose list). */
  unconfirmedAtClose: number;
  /** Validated by a second person without a counterparty confirmation (a trade booked or corrected by hand). */
  validatedWithoutConfirmation: number;
}

/**
 * Counts trades, not receipts: a trade is confirmed however its confirmation came (before it, PENDING
 * on arrival, or after it), and each trade is in one part only: confirmed first, then a mismatch, then the close.
 * The close is capture's business day (TARGET): a trade date before it, or on it once it is CLOSED.
 */
export async function tradeConfirmations(ds: Pick<DataSource, 'query'>): Promise<TradeConfirmations> {
  const [r] = (await ds.query(
    `WITH day AS (
       SELECT CASE WHEN status = 'CLOSED' THEN business_date ELSE business_date - 1 END AS closed_through
       FROM capture.business_day WHERE calendar = 'TARGET'
     ), standing AS (
       SELECT t.confirmation_id IS NOT NULL AS confirmed,
              t.status,
              t.trade_date <= (SELECT closed_through FROM day) AS past_close,
              EXISTS (SELECT 1 FROM capture.confirmations c WHERE c.trade_ref = t.trade_ref AND c.status = 'MISMATCHED') AS mismatched
       FROM capture.trades t WHERE t.status <> 'CANCELLED'
     )
     SELECT count(*)::int AS trades,
            count(*) FILTER (WHERE confirmed)::int AS confirmed,
            count(*) FILTER (WHERE NOT confirmed AND mismatched)::int AS mismatched,
            count(*) FILTER (WHERE NOT confirmed AND NOT mismatched AND status <> 'CAPTURED')::int AS validated_without_confirmation,
            count(*) FILTER (WHERE NOT confirmed AND NOT mismatched AND status = 'CAPTURED' AND past_close IS TRUE)::int AS unconfirmed_at_close,
            count(*) FILTER (WHERE NOT confirmed AND NOT mismatched AND status = 'CAPTURED' AND past_close IS NOT TRUE)::int AS pending
     FROM standing`,
  )) as Array<Record<string, number>>;
  return {
    trades: r!.trades!,
    confirmed: r!.confirmed!,
    pending: r!.pending!,
    mismatched: r!.mismatched!,
    unconfirmedAtClose: r!.unconfirmed_at_close!,
    validatedWithoutConfirmation: r!.validated_without_confirmation!,
  };
}

function validatedOrLater(byStatus: Record<string, number>): number {
  return ['VALIDATED', 'INSTRUCTED', 'SETTLED', 'PARTIALLY_SETTLED', 'FAILED'].reduce((s, k) => s + (byStatus[k] ?? 0), 0);
}
