import { BadRequestException, Body, ConflictException, Controller, Get, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { envelope, Topics, type PenaltyWaivedEvent } from '@postera/contracts';
import { amountText, deterministicId, isIsoDate, newId, type SettlementCalendar } from '@postera/kernel';
import {
  appendToOutbox,
  CONFIG,
  currentBusinessDay,
  CurrentOperator,
  emptyPageAfter,
  MAKERS,
  type Operator,
  type OutgoingEvent,
  pageRequest,
  PRINTABLE_KEY,
  readCalendar,
  READERS,
  requireFourEyes,
  RequiresFourEyes,
  Roles,
  UUID_CURSOR,
} from '@postera/platform';
import { Inject } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { SettlementConfig } from '../config.js';
import { instructionCancelled, instructionSent, sese023Of } from '../instructions/commands/instruction-messages.js';
import { statusChanged } from '../instructions/commands/status-event.js';
import {
  findInstruction,
  insertHistory,
  insertInstructions,
  updateInstructions,
  type InstructionRow,
} from '../instructions/persistence/instruction.repository.js';
import { upsertPrices, priceProblems, type PriceRow } from '../reference/reference-data.consumers.js';
import { accruePending } from '../penalties/commands/accrue-penalties.js';

/** An amount at its currency's minor units, or null when there is none yet (a penalty waiting for its reference price). */
const amountOrNull = (amount: string | null, currency: string) => (amount === null ? null : amountText(amount, currency));

/** Statuses that are a fail once the intended date has come: failing, partially settled (the rest pending), unmatched. */
const FAIL_STATUSES = ['FAILING', 'PARTIALLY_SETTLED', 'UNMATCHED', 'MATCHED', 'ACCEPTED', 'SENT'];
/**
 * Pages of the fails and of a day's penalties. The default is the most the fails list ever
 * answered in one go, so a reader that does not page sees what it saw before.
 */
export const FAILS_PAGE_MAX = 1000;
export const FAILS_PAGE_DEFAULT = 500;
export const PENALTIES_PAGE_MAX = 1000;
export const PENALTIES_PAGE_DEFAULT = 500;
export const PRICES_IMPORT_MAX = 10_000;

/** The two people of a four-eyes action, from the verified token: who asked for it and the supervisor who approved it. */
interface MakerChecker {
  maker: string;
  checker: string;
}

/** The guard has checked the proof already (@RequiresFourEyes); this asserts it again where the people are recorded. */
function makerChecker(who: Operator): MakerChecker {
  const fe = requireFourEyes(who);
  return { maker: fe.maker.id, checker: fe.checker.id };
}

/** Business days from the intended date through `asOf`, both counted (a fail on its intended date is 1 day old). */
export function businessDaysAged(intended: string, asOf: string, cal: SettlementCalendar): number {
  let n = 0;
  for (let d = intended, i = 0; d <= asOf && i < 3660; i++) {
    if (cal.isBusinessDay(d)) n++;
    const next = new Date(`${d}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    d = next.toISOString().slice(0, 10);
  }
  return n;
}

/**
 * Fails management (DOMAIN.md §2): the instructions not settled after their intended date, their
 * age, reason and penalties; an operator proposes to resend, cancel and re-instruct, or flag for
 * buy-in, and a supervisor approves (four eyes). Every action is a history row naming both people,
 * written with its messages in one transaction (outbox).
 */
@Controller()
export class FailsController {
  constructor(
    private readonly ds: DataSource,
    @Inject(CONFIG) private readonly config: SettlementConfig,
  ) {}

  /**
   * GET /fails?asOf=YYYY-MM-DD&limit=500&after=<instructionId>: the fails as of a date (the open
   * business date by default), oldest intended settlement date first, then by trade reference, a
   * page at a time. `after` is the instructionId of the last fail of the page before: keyset on
   * (intended settlement date, trade reference, instruction id), so a page does not shift when
   * fails settle meanwhile — the instruction named stays a valid cursor once it has left the list
   * (settled, cancelled) — and every fail is reached however many there are.
   */
  @Get('fails')
  @Roles(...READERS, 'admin')
  async list(@Query('asOf') asOfParam?: string, @Query('limit') limit?: string, @Query('after') after?: string) {
    const page = pageRequest({ limit, after }, { max: FAILS_PAGE_MAX, dflt: FAILS_PAGE_DEFAULT, cursor: UUID_CURSOR, cursorName: 'instructionId' });
    const day = await currentBusinessDay(this.ds.manager, 'settlement', this.config.SETTLEMENT_CALENDAR);
    const asOf = asOfParam ?? day?.businessDate;
    if (!asOf || !isIsoDate(asOf)) throw new BadRequestException('asOf: an ISO date (no business day is open yet)');
    const rows = (await this.ds.query(
      `SELECT i.instruction_id AS "instructionId", i.trade_ref AS "tradeRef", i.is_net AS "isNet", i.status, i.reason, i.isin, i.account, i.counterparty,
         i.side, i.quantity::text AS quantity, coalesce(i.settled_quantity, 0)::text AS "settledQuantity",
         (i.quantity - coalesce(i.settled_quantity, 0))::text AS "remainingQuantity", i.currency,
         to_char(i.intended_settlement_date, 'YYYY-MM-DD') AS "intendedSettlementDate", to_char(i.matched_date, 'YYYY-MM-DD') AS "matchedDate",
         i.buy_in_flagged_by AS "buyInFlaggedBy",
         i.buy_in_approved_by AS "buyInApprovedBy",
         coalesce((SELECT json_agg(json_build_object('currency', c, 'receivable', r::text, 'payable', p::text)) FROM (
            SELECT currency AS c, sum(amount) FILTER (WHERE direction = 'RECEIVABLE') AS r, sum(amount) FILTER (WHERE direction = 'PAYABLE') AS p
            FROM settlement.penalties WHERE instruction_id = i.instruction_id AND amount IS NOT NULL AND waived_by IS NULL GROUP BY currency) x), '[]') AS "penaltiesAccrued"
       FROM settlement.instructions i
       WHERE i.status = ANY($1::text[]) AND i.intended_settlement_date <= $2 AND i.net_instruction_id IS NULL
         AND ($4::uuid IS NULL OR (i.intended_settlement_date, i.trade_ref, i.instruction_id) >
           (SELECT intended_settlement_date, trade_ref, instruction_id FROM settlement.instructions WHERE instruction_id = $4::uuid))
       ORDER BY i.intended_settlement_date, i.trade_ref, i.instruction_id LIMIT $3`,
      [FAIL_STATUSES, asOf, page.limit, page.after],
    )) as Array<
      Record<string, unknown> & {
        intendedSettlementDate: string;
        penaltiesAccrued: Array<{ currency: string; receivable: string | null; payable: string | null }>;
      }
    >;
    await emptyPageAfter(
      page,
      rows,
      (a) => this.ds.query(`SELECT 1 FROM settlement.instructions WHERE instruction_id = $1::uuid`, [a]),
      (a) => `instruction ${a}`,
    );
    const calendar = await readCalendar(this.ds.manager, 'settlement', this.config.SETTLEMENT_CALENDAR);
    return {
      asOf,
      fails: rows.map((r) => ({
        ...r,
        penaltiesAccrued: r.penaltiesAccrued.map((p) => ({
          ...p,
          receivable: amountOrNull(p.receivable, p.currency),
          payable: amountOrNull(p.payable, p.currency),
        })),
        ageBusinessDays: businessDaysAged(r.intendedSettlementDate, asOf, calendar),
      })),
    };
  }

  /** Re-sends the instruction (same id, same sese.023) to the CSD: it answers where the instruction stands. */
  @Post('fails/:id/resend')
  @Roles(...MAKERS)
  @RequiresFourEyes()
  async resend(@Param('id') id: string, @CurrentOperator() who: Operator) {
    const people = makerChecker(who);
    return this.ds.transaction(async (tx) => {
      const row = await this.live(tx, id);
      const events: OutgoingEvent[] = [
        { topic: Topics.custodianInstructions, key: row.tradeRef, event: instructionSent(row, `operator:${people.maker}`, String(row.seq + 1)) },
      ];
      await this.record(tx, row, 'RESENT', people, events);
      return { instructionId: id, action: 'RESENT', by: people.maker, approvedBy: people.checker };
    });
  }

  /** Cancels the instruction at the CSD (sese.020) and sends a new one for the same trade version (the next attempt). */
  @Post('fails/:id/cancel-and-reinstruct')
  @Roles(...MAKERS)
  @RequiresFourEyes()
  async reinstruct(@Param('id') id: string, @CurrentOperator() who: Operator) {
    const { maker, checker } = makerChecker(who);
    return this.ds.transaction(async (tx) => {
      const row = await this.live(tx, id);
      if (row.isNet) throw new ConflictException('a net instruction is re-formed by amending or cancelling one of its trades, not re-instructed');
      if (row.settledQuantity && row.settledQuantity !== '0')
        throw new ConflictException('partly settled: only the remainder could be re-instructed, which is not supported');
      const cancelled: InstructionRow = { ...row, status: 'CANCELLED', reason: 'REINSTRUCTED', seq: row.seq + 1 };
      const attempt = row.attempt + 1;
      const fresh: InstructionRow = {
        ...row,
        instructionId: deterministicId('instruction', row.tradeRef, String(row.tradeVersion), String(attempt)),
        attempt,
        status: 'SENT',
        reason: null,
        seq: 2,
        matchedDate: null,
        xml: null,
      };
      fresh.xml = sese023Of(fresh);
      const cause = `operator:${maker}:${newId()}`;
      await updateInstructions(tx, [cancelled]);
      await insertInstructions(tx, [fresh]);
      await insertHistory(tx, [
        { instructionId: row.instructionId, seq: cancelled.seq, status: 'CANCELLED', reason: 'REINSTRUCTED', causeEventId: cause, operator: maker, checker },
        {
          instructionId: fresh.instructionId,
          seq: 1,
          status: 'CREATED',
          reason: `REINSTRUCTS_${row.instructionId}`,
          causeEventId: cause,
          operator: maker,
          checker,
        },
        { instructionId: fresh.instructionId, seq: 2, status: 'SENT', reason: null, causeEventId: cause, operator: maker, checker },
      ]);
      await appendToOutbox(tx, 'settlement', [
        { topic: Topics.custodianInstructions, key: row.tradeRef, event: instructionCancelled(cancelled, cause) },
        { topic: Topics.settlementEvents, key: row.tradeRef, event: statusChanged(cancelled, cause) },
        { topic: Topics.custodianInstructions, key: row.tradeRef, event: instructionSent(fresh, cause) },
        { topic: Topics.settlementEvents, key: row.tradeRef, event: statusChanged(fresh, cause) },
      ]);
      return { cancelled: row.instructionId, instructionId: fresh.instructionId, attempt, by: maker, approvedBy: checker };
    });
  }

  /** Flags the fail for buy-in (CSDR art. 7(3), suspended but kept as a contractual remedy): recorded, nothing sent. */
  @Post('fails/:id/buy-in')
  @Roles(...MAKERS)
  @RequiresFourEyes()
  async buyIn(@Param('id') id: string, @CurrentOperator() who: Operator) {
    const people = makerChecker(who);
    return this.ds.transaction(async (tx) => {
      const row = await this.live(tx, id);
      await tx.query(
        `UPDATE settlement.instructions SET buy_in_flagged_by = $2, buy_in_approved_by = $3, buy_in_flagged_at = now() WHERE instruction_id = $1`,
        [id, people.maker, people.checker],
      );
      await this.record(tx, row, 'BUY_IN_FLAGGED', people, []);
      return { instructionId: id, action: 'BUY_IN_FLAGGED', by: people.maker, approvedBy: people.checker };
    });
  }

  /** An operator's import of reference prices (when marketdata.prices.v1 has none): the same table, then the penalties waiting for them. */
  @Post('reference-prices')
  @Roles(...MAKERS)
  async importPrices(@Body() body: unknown, @CurrentOperator() operator: Operator) {
    const who = operator.id;
    if (!Array.isArray(body) || body.length === 0 || body.length > PRICES_IMPORT_MAX)
      throw new BadRequestException(`a JSON array of 1 to ${PRICES_IMPORT_MAX} prices`);
    const problems = body.flatMap((p, i) => priceProblems(p as PriceRow).map((x) => `[${i}] ${x}`));
    if (problems.length > 0) throw new BadRequestException(problems);
    return this.ds.transaction(async (tx) => {
      await upsertPrices(
        { tx },
        (body as PriceRow[]).map((p) => ({ ...p, source: `import:${who}` })),
      );
      const events: OutgoingEvent[] = [];
      const accrued = await accruePending(
        { tx, schema: 'settlement', emit: (e) => events.push(e), log: console as never },
        this.config.CSDR_CASH_PENALTY_ANNUAL_RATE,
        `operator:${who}`,
      );
      await appendToOutbox(tx, 'settlement', events);
      return { imported: body.length, penaltiesAccrued: accrued };
    });
  }

  private async live(tx: EntityManager, id: string): Promise<InstructionRow> {
    const row = await findInstruction(tx, id, true);
    if (!row) throw new NotFoundException(`no instruction ${id}`);
    if (row.netInstructionId) throw new ConflictException(`settled through net instruction ${row.netInstructionId}: act on that one`);
    if (['SETTLED', 'CANCELLED', 'REJECTED', 'CREATED'].includes(row.status)) throw new ConflictException(`instruction is ${row.status}`);
    return row;
  }

  private async record(tx: EntityManager, row: InstructionRow, reason: string, people: MakerChecker, events: OutgoingEvent[]): Promise<void> {
    const seq = row.seq + 1;
    await tx.query(`UPDATE settlement.instructions SET seq = $2, updated_at = now() WHERE instruction_id = $1`, [row.instructionId, seq]);
    await insertHistory(tx, [
      {
        instructionId: row.instructionId,
        seq,
        status: row.status,
        reason,
        causeEventId: `operator:${people.maker}:${newId()}`,
        operator: people.maker,
        checker: people.checker,
      },
    ]);
    await appendToOutbox(tx, 'settlement', events);
  }
}

/** Penalties: the daily accruals and the monthly report per counterparty (netted receivable − payable per currency). */
@Controller('penalties')
export class PenaltiesController {
  constructor(private readonly ds: DataSource) {}

  /**
   * GET /penalties/daily?date=YYYY-MM-DD&limit=500&after=<penaltyId>: the day's penalties, one row
   * each (waived ones included, saying who waived them), by trade reference then kind, a page at a
   * time. The answer carries no totals — the date and the rows — so only the rows are paged.
   * `after` is the penaltyId of the last row of the page before, a penalty of that same day: keyset
   * on (trade reference, kind, penalty id), so every penalty of the day is reached once however
   * many there are, whatever is waived meanwhile.
   */
  @Get('daily')
  @Roles(...READERS, 'admin')
  async daily(@Query('date') date?: string, @Query('limit') limit?: string, @Query('after') after?: string) {
    const page = pageRequest({ limit, after }, { max: PENALTIES_PAGE_MAX, dflt: PENALTIES_PAGE_DEFAULT, cursor: UUID_CURSOR, cursorName: 'penaltyId' });
    if (!date || !isIsoDate(date)) throw new BadRequestException('date: an ISO date');
    const rows = (await this.ds.query(
      `SELECT penalty_id AS "penaltyId", instruction_id AS "instructionId", trade_ref AS "tradeRef", kind, direction, fail_reason AS "failReason",
         isin, counterparty, account, basis_quantity::text AS "basisQuantity", reference_price::text AS "referencePrice", rate::text AS rate,
         amount::text AS amount, currency, waived_by AS "waivedBy", waiver_approved_by AS "waiverApprovedBy", waiver_reason AS "waiverReason"
       FROM settlement.penalties
       WHERE penalty_date = $1
         AND ($3::uuid IS NULL OR (trade_ref, kind, penalty_id) > (SELECT trade_ref, kind, penalty_id FROM settlement.penalties WHERE penalty_id = $3::uuid AND penalty_date = $1))
       ORDER BY trade_ref, kind, penalty_id LIMIT $2`,
      [date, page.limit, page.after],
    )) as Array<{ amount: string | null; currency: string }>;
    await emptyPageAfter(
      page,
      rows,
      (a) => this.ds.query(`SELECT 1 FROM settlement.penalties WHERE penalty_id = $1::uuid AND penalty_date = $2`, [a, date]),
      (a) => `penalty ${a} on ${date}`,
    );
    // A penalty waiting for its reference price has no amount yet (null); the others at the currency's minor units.
    return { date, penalties: rows.map((r) => ({ ...r, amount: amountOrNull(r.amount, r.currency) })) };
  }

  /**
   * Waives an accrued penalty once a second person approved the waiver (four eyes): the row keeps
   * its accrual and says who asked for the waiver, who approved it and why; `PenaltyWaived` tells
   * accounting to reverse it.
   */
  @Post(':id/waive')
  @Roles(...MAKERS)
  @RequiresFourEyes()
  async waive(@Param('id') id: string, @Body() body: { reason?: unknown } | undefined, @CurrentOperator() operator: Operator) {
    const { maker: who, checker } = makerChecker(operator);
    const reason = typeof body?.reason === 'string' ? body.reason.trim() : '';
    if (!reason || reason.length > 2000) throw new BadRequestException('reason: why the penalty is waived (1 to 2000 characters)');
    return this.ds.transaction(async (tx) => {
      const [p] = (await tx.query(
        `SELECT penalty_id, instruction_id, trade_ref, kind, direction, to_char(penalty_date, 'YYYY-MM-DD') AS penalty_date, account, book,
                amount::text AS amount, currency, waived_by FROM settlement.penalties WHERE penalty_id::text = $1 FOR UPDATE`,
        [id],
      )) as Array<Record<string, string | null>>;
      if (!p) throw new NotFoundException(`no penalty ${id}`);
      if (p.waived_by) throw new ConflictException(`penalty ${id} was already waived by ${p.waived_by}`);
      if (p.amount === null) throw new ConflictException(`penalty ${id} is not accrued yet (no reference price): nothing to waive`);
      await tx.query(`UPDATE settlement.penalties SET waived_by = $2, waiver_approved_by = $3, waived_at = now(), waiver_reason = $4 WHERE penalty_id = $1`, [
        p.penalty_id,
        who,
        checker,
        reason,
      ]);
      const event: PenaltyWaivedEvent = envelope({
        eventId: deterministicId('PenaltyWaived', p.penalty_id!),
        type: 'PenaltyWaived',
        producer: 'settlement',
        correlationId: p.trade_ref!,
        causationId: null,
        payload: {
          penaltyId: p.penalty_id!,
          instructionId: p.instruction_id!,
          tradeRef: p.trade_ref!,
          kind: p.kind as 'SEFP' | 'LMFP',
          direction: p.direction as 'RECEIVABLE' | 'PAYABLE',
          penaltyDate: p.penalty_date!,
          account: p.account!,
          book: p.book!,
          amount: p.amount!,
          currency: p.currency!,
          reason,
          waivedBy: who,
        },
      });
      await appendToOutbox(tx, 'settlement', [{ topic: Topics.settlementEvents, key: p.trade_ref!, event }]);
      return { penaltyId: id, waivedBy: who, approvedBy: checker, reason, amount: amountText(p.amount!, p.currency!), currency: p.currency };
    });
  }

  /**
   * GET /penalties/monthly?month=YYYY-MM: the month's report, one line per counterparty and
   * currency. Whole counterparties a page at a time (`limit` counts counterparties, `after` the last
   * counterparty of the page before): a counterparty's lines are read together (its net per
   * currency). The count awaiting a reference price is the month's, on every page.
   */
  @Get('monthly')
  @Roles(...READERS, 'admin')
  async monthly(@Query('month') month?: string, @Query('limit') limit?: string, @Query('after') after?: string) {
    if (!month || !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new BadRequestException('month: YYYY-MM');
    const page = pageRequest({ limit, after }, { max: 2000, dflt: 200, cursor: PRINTABLE_KEY, cursorName: 'counterparty' });
    const rows = (await this.ds.query(
      `WITH month AS (SELECT * FROM settlement.penalties WHERE to_char(penalty_date, 'YYYY-MM') = $1 AND amount IS NOT NULL AND waived_by IS NULL
                        AND ($2::text IS NULL OR counterparty > $2))
       SELECT counterparty, currency, count(*)::int AS count,
         coalesce(sum(amount) FILTER (WHERE direction = 'RECEIVABLE'), 0)::text AS receivable,
         coalesce(sum(amount) FILTER (WHERE direction = 'PAYABLE'), 0)::text AS payable,
         (coalesce(sum(amount) FILTER (WHERE direction = 'RECEIVABLE'), 0) - coalesce(sum(amount) FILTER (WHERE direction = 'PAYABLE'), 0))::text AS net,
         count(*) FILTER (WHERE kind = 'SEFP')::int AS sefp, count(*) FILTER (WHERE kind = 'LMFP')::int AS lmfp
       FROM month WHERE counterparty IN (SELECT DISTINCT counterparty FROM month ORDER BY counterparty LIMIT $3)
       GROUP BY counterparty, currency ORDER BY counterparty, currency`,
      [month, page.after, page.limit],
    )) as Array<{ currency: string; receivable: string; payable: string; net: string }>;
    const pending = await this.ds.query(`SELECT count(*)::int AS n FROM settlement.penalties WHERE to_char(penalty_date, 'YYYY-MM') = $1 AND amount IS NULL`, [
      month,
    ]);
    return {
      month,
      byCounterparty: rows.map((r) => ({
        ...r,
        receivable: amountText(r.receivable, r.currency),
        payable: amountText(r.payable, r.currency),
        net: amountText(r.net, r.currency),
      })),
      awaitingReferencePrice: (pending[0] as { n: number }).n,
    };
  }
}
