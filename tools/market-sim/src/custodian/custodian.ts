import { Inject, Injectable } from '@nestjs/common';
import {
  envelope,
  Topics,
  type BusinessDayV1,
  type CashStatementV1,
  type CustodianInstructionEvent,
  type CustodianStatementEvent,
  type CustodianStatusEvent,
  type CustodianStatusV1,
  type HoldingsStatementV1,
  type InstructionCancelledV1,
  type MarketDataEvent,
  type SettlementInstructionV1,
} from '@postera/contracts';
import {
  parseSese023,
  renderCamt053,
  renderSemt002,
  renderSese024,
  renderSese025,
  XmlReadError,
  type SchemaVersion,
  type Sese024Transaction,
  type Sese024WrittenStatus,
} from '@postera/iso20022';
import { calendarByCode, Dec, deterministicId, type SettlementCalendar } from '@postera/kernel';
import { currentBusinessDay, EnvelopeHandler, CONFIG, markDayClosed, type BatchContext, type BusinessDayHooks, type InboundMessage } from '@postera/platform';
import type { MarketSimConfig } from '../config.js';
import { cancellationOutcome, type SimInstructionStatus } from './cancellation.js';
import { afterStep, partialFraction, partialStep, type PartialIndicator, type Remainder, type Step } from './partial.js';
import { closingPrice } from './prices.js';
import { matchesAtClose, ruleFor, unmatchedOnReceipt } from './rules.js';
import { scenarioInForce, withScenario } from './scenario-store.js';
import { draw, outcomeOnDay } from './scenario.js';
import { checkOutgoing, checkReceived, narrative } from './schema-check.js';

/** An ISO 20022 identifier (Max35Text) from a UUID: the UUID without its hyphens, 32 characters. */
const isoId = (uuid: string): string => uuid.replace(/-/g, '');

type Out = { topic: string; key: string; event: CustodianStatusEvent };

interface SimRow {
  instructionId: string;
  tradeRef: string;
  instructionType: 'RVP' | 'DVP' | 'RFP' | 'DFP';
  isin: string;
  account: string;
  counterparty: string;
  quantity: string;
  amount: string;
  currency: string;
  quantityType: 'UNIT' | 'FAMT';
  partialIndicator: PartialIndicator;
  cashDirection: 'DBIT' | 'CRDT';
  settledQuantity: string;
  settledAmount: string;
  failDays: number;
  partialSteps: number;
  unmatchedDays: number;
  status: SimInstructionStatus;
  settlementDate: string;
  tradeDate: string | null;
  safekeepingAccount: string | null;
}

const movementOf = (t: SimRow['instructionType']) => (t === 'RVP' || t === 'RFP' ? 'RECE' : 'DELI');
const paymentOf = (t: SimRow['instructionType']) => (t === 'RVP' || t === 'DVP' ? 'APMT' : 'FREE');

/** The transaction as a sese.024 repeats it (`TxDtls`). */
type DetailsSource = Omit<
  SimRow,
  'instructionId' | 'tradeRef' | 'account' | 'counterparty' | 'settledQuantity' | 'settledAmount' | 'failDays' | 'partialSteps' | 'unmatchedDays' | 'status'
>;

function detailsOf(r: DetailsSource): Sese024Transaction {
  const free = paymentOf(r.instructionType) === 'FREE';
  return {
    isin: r.isin,
    quantityType: r.quantityType,
    quantity: r.quantity,
    settlementDate: r.settlementDate,
    tradeDate: r.tradeDate,
    movement: movementOf(r.instructionType),
    payment: paymentOf(r.instructionType),
    settlementAmount: free ? null : { amount: r.amount, currency: r.currency, creditDebit: r.cashDirection },
    safekeepingAccount: r.safekeepingAccount,
    partialSettlement: r.partialIndicator,
    transactionType: 'TRAD',
  };
}

/**
 * A sese.024 status advice, as an event carrying its XML; id fixed by (instruction, status,
 * discriminator) so replays answer the same. The simulator reports PEND only at a close on or after
 * the intended date — a fail — so its document says failing (`Flng`). The day of a matching goes in
 * the document (with the transaction details); a fail's day in the event's `businessDate`.
 */
function advice(
  tradeRef: string,
  cause: string,
  p: Omit<CustodianStatusV1, 'xml'>,
  discriminator: string,
  more: { details?: Sese024Transaction | null; narrative?: string } = {},
): Out {
  const details = more.details ?? null;
  const xml = renderSese024({
    // The instruction's TxId as settlement wrote it: its UUID without hyphens (32 characters, within Max35Text).
    transactionId: isoId(p.instructionId),
    status: (p.status === 'PEND' ? 'PENF' : p.status) as Sese024WrittenStatus,
    reasons: p.reason ? [{ code: p.reason, issuer: null, text: more.narrative ?? null }] : [],
    statusDate: p.status === 'MACH' && details ? (p.businessDate ?? null) : null,
    transaction: details,
  });
  return {
    topic: Topics.custodianStatus,
    key: tradeRef,
    event: envelope({
      eventId: deterministicId('custodian', p.instructionId, p.status, discriminator),
      type: 'StatusAdvice',
      producer: 'market-sim',
      correlationId: tradeRef,
      causationId: cause,
      payload: { ...p, xml },
    }),
  };
}

/** A sese.025 confirmation of one settlement step. */
function confirmation(r: SimRow, cause: string, step: Step, remaining: Remainder, date: string, partial: 'PAIN' | 'PARC' | null): Out {
  const free = paymentOf(r.instructionType) === 'FREE';
  const xml = renderSese025({
    transactionId: isoId(r.instructionId),
    movement: movementOf(r.instructionType),
    payment: paymentOf(r.instructionType),
    isin: r.isin,
    tradeDate: r.tradeDate,
    settlementDate: r.settlementDate,
    effectiveSettlementDate: date,
    quantityType: r.quantityType,
    settledQuantity: step.quantity,
    // What remains is told on a partial step and on the last part; a whole settlement at once leaves nothing to tell.
    remainingQuantity: partial === null ? null : remaining.quantity,
    settledAmount: free ? null : { amount: step.amount, currency: r.currency, creditDebit: r.cashDirection },
    partialSettlement: partial,
    safekeepingAccount: r.safekeepingAccount,
    transactionType: 'TRAD',
  });
  return {
    topic: Topics.custodianStatus,
    key: r.tradeRef,
    event: envelope({
      eventId: deterministicId('custodian', r.instructionId, 'SETT', date),
      type: 'SettlementConfirmation',
      producer: 'market-sim',
      correlationId: r.tradeRef,
      causationId: cause,
      payload: {
        instructionId: r.instructionId,
        tradeRef: r.tradeRef,
        status: 'SETT',
        reason: partial === 'PAIN' ? 'PAIN' : null,
        settledQuantity: step.quantity,
        settledAmount: free ? '0' : step.amount,
        effectiveSettlementDate: date,
        remainingQuantity: remaining.quantity,
        businessDate: date,
        xml,
      },
    }),
  };
}

const none = { settledQuantity: null, settledAmount: null, effectiveSettlementDate: null };

/** What the CSD reads from an instruction: the sese.023 document when there is one (read back strictly), else the event's fields. */
function readInstruction(i: SettlementInstructionV1) {
  if (!i.xml) {
    return {
      quantityType: i.quantityType ?? 'UNIT',
      partial: i.partialSettlement ?? 'NPAR',
      cashDirection: i.cashDirection ?? (i.instructionType === 'DVP' || i.instructionType === 'DFP' ? 'CRDT' : 'DBIT'),
      safekeepingAccount: null as string | null,
      quantity: i.quantity,
      isin: i.isin,
      settlementDate: i.intendedSettlementDate,
    };
  }
  const m = parseSese023(i.xml);
  const ours = m.movement === 'RECE' ? m.receiving : m.delivering;
  return {
    quantityType: m.quantityType,
    // No indicator: the CSD's default, here no partial settlement.
    partial: m.partialSettlement ?? 'NPAR',
    cashDirection: m.settlementAmount?.creditDebit ?? (m.movement === 'DELI' ? 'CRDT' : 'DBIT'),
    safekeepingAccount: ours?.safekeepingAccount ?? m.safekeepingAccount,
    quantity: m.quantity,
    isin: m.isin,
    settlementDate: m.settlementDate,
  };
}

const SELECT = `SELECT instruction_id AS "instructionId", trade_ref AS "tradeRef", instruction_type AS "instructionType", isin, account, counterparty,
  quantity::text AS quantity, settlement_amount::text AS amount, currency, quantity_type AS "quantityType", partial_indicator AS "partialIndicator",
  cash_direction AS "cashDirection", settled_quantity::text AS "settledQuantity", settled_amount::text AS "settledAmount", fail_days AS "failDays",
  partial_steps AS "partialSteps", unmatched_days AS "unmatchedDays", status,
  to_char(intended_settlement_date, 'YYYY-MM-DD') AS "settlementDate", to_char(trade_date, 'YYYY-MM-DD') AS "tradeDate",
  safekeeping_account AS "safekeepingAccount" FROM market_sim.instructions`;

/**
 * The CSD/custodian stand-in. On receipt it reads the sese.023, accepts it (PACK) and matches it
 * (MACH, dated its business day) — or leaves it unmatched (NMAT with the scenario's reason) for as
 * many closes as the scenario says, or until the late-matching day of a LATE_MATCH rule, when a close
 * matches it (MACH dated that day). When a business day closes it settles every matched instruction
 * due (SETT, sese.025), partially where the scenario and the instruction's partial-settlement indicator allow, or fails it
 * (PEND with the scenario's reason, once per day); then it publishes each account's holdings
 * (semt.002) and cash (camt.053) statements and the day's closing prices, and marks the day closed
 * on every partition of custodian.status.v1, as a CSD announces its end of day. A cancellation (sese.020)
 * of an instruction not settled yet takes it out of every later cycle (CAND).
 */
@Injectable()
export class SimulatedCustodian extends EnvelopeHandler<CustodianInstructionEvent> implements BusinessDayHooks {
  readonly consumerId = 'market-sim.instructions';
  readonly topics = [Topics.custodianInstructions];

  constructor(@Inject(CONFIG) private readonly config: MarketSimConfig) {
    super();
  }

  async handle(ctx: BatchContext, messages: InboundMessage<CustodianInstructionEvent>[]): Promise<void> {
    // Every instruction of the batch is stored before any cancellation is applied: settlement sends
    // an instruction's cancellation after the instruction itself, on the same key.
    const sent: Array<{ payload: SettlementInstructionV1; cause: string }> = [];
    const cancelled: Array<{ payload: InstructionCancelledV1; cause: string }> = [];
    for (const { body } of messages) {
      if (body.type === 'InstructionSent') sent.push({ payload: body.payload, cause: body.eventId });
      else if (body.type === 'InstructionCancelled') cancelled.push({ payload: body.payload, cause: body.eventId });
      else ctx.log.warn({ eventId: (body as { eventId: string }).eventId, type: (body as { type: string }).type }, 'unknown instruction event type ignored');
    }
    // What the batch answers is checked and sent together: one schema run per message version.
    const outs = [...(await this.receive(ctx, sent)), ...(await this.cancel(ctx, cancelled))];
    await this.send(ctx, outs);
  }

  /** Checks what is about to be sent against its schema (one run per message version for the batch), then sends it. */
  private async send(ctx: BatchContext, outs: Out[]): Promise<void> {
    await checkOutgoing(
      this.config.MARKET_SIM_SCHEMA_CHECK,
      outs.map((o) => ({ version: o.event.type === 'StatusAdvice' ? 'sese.024.001.12' : 'sese.025.001.11', xml: o.event.payload.xml ?? '' })),
    );
    for (const o of outs) ctx.emit(o);
  }

  /**
   * sese.023 received: checked against its schema (the batch in one run) and read; one that fails
   * either is rejected (REJT, reason OTHR with the problem as narrative) and never processed. The
   * others are stored and answered at once, PACK then MACH (or NMAT with the scenario's reason). A
   * resent one is answered with its current matching status.
   */
  private async receive(ctx: BatchContext, sent: Array<{ payload: SettlementInstructionV1; cause: string }>): Promise<Out[]> {
    const outs: Out[] = [];
    const withXml = sent.filter((x) => x.payload.xml);
    const verdicts = await checkReceived(
      this.config.MARKET_SIM_SCHEMA_CHECK,
      'sese.023.001.11',
      withXml.map((x) => x.payload.xml!),
    );
    const invalid = new Map(withXml.map((x, k) => [x, verdicts[k] ?? null]));
    // The scenario in force decides the matching of what passed the schema; a batch of rejections reads nothing.
    const config = sent.some((x) => invalid.get(x) == null) ? withScenario(this.config, await scenarioInForce(ctx.tx, this.config)) : this.config;
    const rows = sent.flatMap(({ payload: i, cause }, k) => {
      let why = invalid.get(sent[k]!) ?? null;
      let read: ReturnType<typeof readInstruction> | null = null;
      if (why === null) {
        try {
          read = readInstruction(i);
        } catch (e) {
          if (!(e instanceof XmlReadError)) throw e;
          why = narrative(`not readable: ${e.message}`);
        }
      }
      if (why !== null || read === null) {
        ctx.log.warn({ correlationId: i.tradeRef, instructionId: i.instructionId, why }, 'instruction rejected: not valid against its schema');
        outs.push(
          advice(i.tradeRef, cause, { instructionId: i.instructionId, tradeRef: i.tradeRef, status: 'REJT', reason: 'OTHR', ...none }, '', {
            narrative: why ?? undefined,
          }),
        );
        return [];
      }
      const rule = ruleFor(config, { instructionId: i.instructionId, isin: read.isin, account: i.account, counterparty: i.counterparty }, 'matching');
      const unmatched = unmatchedOnReceipt(rule);
      return [{ i, read, cause, status: unmatched ? 'UNMATCHED' : 'MATCHED', reason: unmatched ? (rule?.reason ?? 'CMIS') : null }];
    });
    if (rows.length === 0) return outs;
    // An instruction matched on receipt is matched on the CSD's business day (none before the first day opens).
    const today = (await currentBusinessDay(ctx.tx, ctx.schema))?.businessDate ?? null;
    const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
    const inserted = (await ctx.tx.query(
      `INSERT INTO market_sim.instructions (instruction_id, trade_ref, instruction_type, isin, account, counterparty, quantity, settlement_amount,
         currency, intended_settlement_date, status, reason, quantity_type, partial_indicator, cash_direction, safekeeping_account, trade_date, matched_date)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::numeric[], $9::text[],
         $10::date[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::date[], $18::date[])
       ON CONFLICT (instruction_id) DO NOTHING RETURNING instruction_id`,
      [
        col((r) => r.i.instructionId),
        col((r) => r.i.tradeRef),
        col((r) => r.i.instructionType),
        col((r) => r.read.isin),
        col((r) => r.i.account),
        col((r) => r.i.counterparty),
        col((r) => r.read.quantity),
        col((r) => r.i.settlementAmount),
        col((r) => r.i.currency),
        col((r) => r.read.settlementDate),
        col((r) => r.status),
        col((r) => r.reason),
        col((r) => r.read.quantityType),
        col((r) => r.read.partial),
        col((r) => r.read.cashDirection),
        col((r) => r.read.safekeepingAccount),
        col((r) => r.i.tradeDate),
        col((r) => (r.status === 'MATCHED' ? today : null)),
      ],
    )) as Array<{ instruction_id: string }>;
    const fresh = new Set(inserted.map((r) => r.instruction_id));
    const resent = rows.filter((x) => !fresh.has(x.i.instructionId)).map((x) => x.i.instructionId);
    const current = resent.length
      ? new Map(
          (
            (await ctx.tx.query(
              `SELECT instruction_id AS id, status, reason, to_char(matched_date, 'YYYY-MM-DD') AS "matchedDate" FROM market_sim.instructions WHERE instruction_id = ANY($1::uuid[])`,
              [resent],
            )) as Array<{
              id: string;
              status: SimInstructionStatus;
              reason: string | null;
              matchedDate: string | null;
            }>
          ).map((r) => [r.id, r]),
        )
      : new Map<string, { status: SimInstructionStatus; reason: string | null; matchedDate: string | null }>();
    for (const r of rows) {
      const id = r.i.instructionId;
      const base = { instructionId: id, tradeRef: r.i.tradeRef, ...none };
      const details = detailsOf({
        ...r.read,
        instructionType: r.i.instructionType,
        amount: r.i.settlementAmount,
        currency: r.i.currency,
        partialIndicator: r.read.partial,
        tradeDate: r.i.tradeDate,
      });
      if (fresh.has(id)) {
        outs.push(advice(r.i.tradeRef, r.cause, { ...base, status: 'PACK', reason: null }, '', { details }));
        const matched = r.status === 'MATCHED';
        outs.push(
          advice(r.i.tradeRef, r.cause, { ...base, status: matched ? 'MACH' : 'NMAT', reason: r.reason, ...(matched ? { businessDate: today } : {}) }, '', {
            details,
          }),
        );
        continue;
      }
      // A resend (an operator's action on a fail): the CSD answers where the instruction stands.
      const c = current.get(id);
      if (!c || c.status === 'CANCELLED' || c.status === 'SETTLED') continue;
      outs.push(
        advice(
          r.i.tradeRef,
          r.cause,
          c.status === 'UNMATCHED' ? { ...base, status: 'NMAT', reason: c.reason } : { ...base, status: 'MACH', reason: null, businessDate: c.matchedDate },
          `resend:${r.cause}`,
          { details },
        ),
      );
    }
    return outs;
  }

  /**
   * sese.020 received: an instruction not settled is cancelled — never matched or settled after —
   * and answered CAND; a settled one cannot be (the securities moved): logged, not answered.
   */
  private async cancel(ctx: BatchContext, cancelled: Array<{ payload: InstructionCancelledV1; cause: string }>): Promise<Out[]> {
    if (cancelled.length === 0) return [];
    const current = (await ctx.tx.query(
      `SELECT instruction_id AS "instructionId", status FROM market_sim.instructions WHERE instruction_id = ANY($1::uuid[]) FOR UPDATE`,
      [cancelled.map((c) => c.payload.instructionId)],
    )) as Array<{ instructionId: string; status: SimInstructionStatus }>;
    const statuses = new Map(current.map((r) => [r.instructionId, r.status]));
    const toCancel: string[] = [];
    const outs: Out[] = [];
    for (const { payload: c, cause } of cancelled) {
      const outcome = cancellationOutcome(statuses.get(c.instructionId) ?? null);
      if (outcome.kind === 'ignore') {
        const level = outcome.why === 'already cancelled' ? 'debug' : 'warn';
        ctx.log[level]({ correlationId: c.tradeRef, instructionId: c.instructionId, why: outcome.why }, 'cancellation not applied');
        continue;
      }
      statuses.set(c.instructionId, 'CANCELLED');
      toCancel.push(c.instructionId);
      outs.push(advice(c.tradeRef, cause, { instructionId: c.instructionId, tradeRef: c.tradeRef, status: 'CAND', reason: null, ...none }, ''));
    }
    await ctx.tx.query(`UPDATE market_sim.instructions SET status = 'CANCELLED', reason = NULL, cancelled_at = now() WHERE instruction_id = ANY($1::uuid[])`, [
      toCancel,
    ]);
    return outs;
  }

  async onDayClosed(ctx: BatchContext, day: BusinessDayV1, causeEventId: string): Promise<void> {
    const D = day.businessDate;
    const outs: Out[] = [];
    const config = withScenario(this.config, await scenarioInForce(ctx.tx, this.config));
    const matchedNow = await this.matchLate(ctx, config, D, calendarByCode(day.calendar), causeEventId, outs);
    const due = (await ctx.tx.query(`${SELECT} WHERE status IN ('MATCHED', 'FAILING') AND intended_settlement_date <= $1 ORDER BY instruction_id`, [
      D,
    ])) as SimRow[];
    const updates: Array<{ r: SimRow; status: SimInstructionStatus; reason: string | null; esd: string | null }> = [];
    const steps: Array<{ id: string; step: Step }> = [];
    // An instruction matched at this close is in this cycle too: from its matching date on it settles or
    // fails like any other (a late-matched one that does not settle fails on its matching date).
    for (const r of due) {
      const rem: Remainder = {
        quantity: new Dec(r.quantity).minus(r.settledQuantity).toFixed(),
        amount: new Dec(r.amount).minus(r.settledAmount).toFixed(),
        currency: r.currency,
      };
      const fail = (reason: string) => {
        outs.push(
          advice(r.tradeRef, causeEventId, { instructionId: r.instructionId, tradeRef: r.tradeRef, status: 'PEND', reason, ...none, businessDate: D }, D, {
            details: detailsOf(r),
          }),
        );
        updates.push({ r, status: 'FAILING', reason, esd: null });
      };
      const settle = (step: Step, partial: 'PAIN' | 'PARC' | null) => {
        const left = afterStep(rem, step);
        outs.push(confirmation(r, causeEventId, step, left, D, partial));
        steps.push({ id: r.instructionId, step });
        r.settledQuantity = new Dec(r.settledQuantity).plus(step.quantity).toFixed();
        r.settledAmount = new Dec(r.settledAmount).plus(step.amount).toFixed();
      };
      const rule = ruleFor(config, r, 'settlement');
      if (rule?.outcome === 'FAIL' && (rule.days === undefined || r.failDays < rule.days)) {
        r.failDays += 1;
        fail(rule.reason ?? 'LACK');
        continue;
      }
      if (rule?.outcome === 'PARTIAL' && r.partialSteps < (rule.days ?? 2)) {
        r.partialSteps += 1;
        const step = partialStep(rem, partialFraction(draw(this.config.MARKET_SIM_SEED, r.instructionId, D)), r.partialIndicator, {
          minQuantity: this.config.MARKET_SIM_PARQ_MIN_QUANTITY,
          minAmount: this.config.MARKET_SIM_PARC_MIN_AMOUNT,
        });
        if (step) settle(step, 'PAIN');
        fail(rule.reason ?? 'LACK');
        continue;
      }
      const legacy = outcomeOnDay({ ...config, MARKET_SIM_FAIL_ISINS: [] }, r, D);
      if (rule === null && legacy.kind === 'fail') {
        fail(legacy.reason);
        continue;
      }
      settle({ quantity: rem.quantity, amount: rem.amount }, new Dec(r.settledQuantity).gt(0) ? 'PARC' : null);
      updates.push({ r, status: 'SETTLED', reason: null, esd: D });
    }
    await this.writeCycle(ctx, D, updates, steps);
    await this.send(ctx, outs);
    await this.publishStatements(ctx, D, causeEventId);
    await this.publishPrices(ctx, D, causeEventId);
    // The CSD's end-of-day announcement: after every status of the cycle, on each partition of custodian.status.v1.
    markDayClosed(ctx, { topic: Topics.custodianStatus, producer: 'market-sim', calendar: day.calendar, businessDate: D, causeEventId });
    ctx.log.info(
      {
        businessDate: D,
        settled: updates.filter((u) => u.status === 'SETTLED').length,
        failing: updates.filter((u) => u.status === 'FAILING').length,
        matched: matchedNow.size,
      },
      'settlement cycle run at close of day',
    );
  }

  /**
   * Unmatched instructions whose counterparty instruction "arrives" at this close (the scenario's days
   * are up, or the late-matching day has come): MACH, its sese.024 dated this day (`MtchdStsTmStmp`).
   */
  private async matchLate(
    ctx: BatchContext,
    config: MarketSimConfig,
    D: string,
    calendar: SettlementCalendar,
    cause: string,
    outs: Out[],
  ): Promise<Set<string>> {
    const unmatched = (await ctx.tx.query(`${SELECT} WHERE status = 'UNMATCHED' ORDER BY instruction_id`)) as SimRow[];
    const matched = new Set<string>();
    const counted: string[] = [];
    for (const r of unmatched) {
      const rule = ruleFor(config, r, 'matching');
      counted.push(r.instructionId);
      if (!matchesAtClose(rule, r, D, calendar)) continue;
      matched.add(r.instructionId);
      outs.push(
        advice(r.tradeRef, cause, { instructionId: r.instructionId, tradeRef: r.tradeRef, status: 'MACH', reason: null, ...none, businessDate: D }, D, {
          details: detailsOf(r),
        }),
      );
    }
    await ctx.tx.query(`UPDATE market_sim.instructions SET unmatched_days = unmatched_days + 1 WHERE instruction_id = ANY($1::uuid[])`, [counted]);
    await ctx.tx.query(`UPDATE market_sim.instructions SET status = 'MATCHED', reason = NULL, matched_date = $2 WHERE instruction_id = ANY($1::uuid[])`, [
      [...matched],
      D,
    ]);
    return matched;
  }

  private async writeCycle(
    ctx: BatchContext,
    D: string,
    updates: Array<{ r: SimRow; status: SimInstructionStatus; reason: string | null; esd: string | null }>,
    steps: Array<{ id: string; step: Step }>,
  ): Promise<void> {
    const c = <T>(f: (u: (typeof updates)[number]) => T) => updates.map(f);
    await ctx.tx.query(
      `UPDATE market_sim.instructions i SET status = u.status, reason = u.reason, effective_settlement_date = u.esd, settled_quantity = u.sq,
         settled_amount = u.sa, fail_days = u.fd, partial_steps = u.ps
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::date[], $5::numeric[], $6::numeric[], $7::int[], $8::int[]) AS u(id, status, reason, esd, sq, sa, fd, ps)
       WHERE i.instruction_id = u.id`,
      [
        c((u) => u.r.instructionId),
        c((u) => u.status),
        c((u) => u.reason),
        c((u) => u.esd),
        c((u) => u.r.settledQuantity),
        c((u) => u.r.settledAmount),
        c((u) => u.r.failDays),
        c((u) => u.r.partialSteps),
      ],
    );
    await ctx.tx.query(
      `INSERT INTO market_sim.settlement_steps (instruction_id, business_date, quantity, amount) SELECT id, $1::date, q, a FROM unnest($2::uuid[], $3::numeric[], $4::numeric[]) AS s(id, q, a)`,
      [D, steps.map((s) => s.id), steps.map((s) => s.step.quantity), steps.map((s) => s.step.amount)],
    );
  }

  /**
   * semt.002 per account (settled holdings, every account the CSD knows; a net delivered position is
   * a short one) and camt.053 per account and currency (the day's settlement cash).
   */
  private async publishStatements(ctx: BatchContext, D: string, cause: string): Promise<void> {
    const accounts = (await ctx.tx.query(
      `SELECT account, coalesce(max(safekeeping_account), account) AS sfkpg FROM market_sim.instructions GROUP BY account ORDER BY account`,
    )) as Array<{ account: string; sfkpg: string }>;
    const holdings = (await ctx.tx.query(
      `SELECT i.account, i.isin, sum(CASE WHEN i.instruction_type IN ('RVP', 'RFP') THEN s.quantity ELSE -s.quantity END)::text AS qty
       FROM market_sim.settlement_steps s JOIN market_sim.instructions i USING (instruction_id) WHERE s.business_date <= $1
       GROUP BY i.account, i.isin ORDER BY i.account, i.isin`,
      [D],
    )) as Array<{ account: string; isin: string; qty: string }>;
    const statements: Array<{ version: SchemaVersion; xml: string; out: { topic: string; key: string; event: CustodianStatementEvent } }> = [];
    for (const a of accounts) {
      const mine = holdings.filter((h) => h.account === a.account).map((h) => ({ isin: h.isin, quantity: h.qty }));
      // ISO 20022 ids are Max35Text: a generated one is a UUID written without its hyphens (32 characters).
      const statementId = isoId(deterministicId('semt.002', a.account, D));
      const payload: HoldingsStatementV1 = {
        statementId,
        account: a.account,
        safekeepingAccount: a.sfkpg,
        statementDate: D,
        basis: 'SETT',
        holdings: mine,
        xml: renderSemt002({ statementId, statementDate: D, safekeepingAccount: a.sfkpg, basis: 'SETT', holdings: mine }),
      };
      statements.push({
        version: 'semt.002.001.11',
        xml: payload.xml,
        out: { topic: Topics.custodianStatements, key: a.account, event: this.statement('HoldingsStatement', payload, a.account, D, cause) },
      });
    }
    // Cash: signed by our side's direction (DBIT we paid, CRDT we received); free-of-payment steps move no cash.
    const cash = (await ctx.tx.query(
      `SELECT i.account, i.currency, s.business_date = $1 AS today, to_char(s.business_date, 'YYYY-MM-DD') AS vd, i.trade_ref AS "tradeRef",
         i.instruction_id AS id, (CASE WHEN i.cash_direction = 'DBIT' THEN -s.amount ELSE s.amount END)::text AS amt
       FROM market_sim.settlement_steps s JOIN market_sim.instructions i USING (instruction_id)
       WHERE s.business_date <= $1 AND i.instruction_type IN ('RVP', 'DVP') ORDER BY i.account, i.currency, i.instruction_id`,
      [D],
    )) as Array<{ account: string; currency: string; today: boolean; vd: string; tradeRef: string; id: string; amt: string }>;
    const cashAccounts = (await ctx.tx.query(
      `SELECT DISTINCT account, currency FROM market_sim.instructions WHERE instruction_type IN ('RVP', 'DVP') ORDER BY account, currency`,
    )) as Array<{ account: string; currency: string }>;
    for (const a of cashAccounts) {
      const rows = cash.filter((c) => c.account === a.account && c.currency === a.currency);
      const opening = rows.filter((r) => !r.today).reduce((s, r) => s.plus(r.amt), new Dec(0));
      const entries = rows
        .filter((r) => r.today)
        .map((r) => ({ entryRef: isoId(deterministicId('entry', r.id, D)), amount: new Dec(r.amt).toFixed(), valueDate: r.vd, tradeRef: r.tradeRef }));
      const closing = entries.reduce((s, e) => s.plus(e.amount), opening);
      const statementId = isoId(deterministicId('camt.053', a.account, a.currency, D));
      const cashAccount = `CASH-${a.account}-${a.currency}`;
      const payload: CashStatementV1 = {
        statementId,
        account: a.account,
        cashAccount,
        currency: a.currency,
        statementDate: D,
        openingBalance: opening.toFixed(),
        closingBalance: closing.toFixed(),
        entries,
        xml: renderCamt053({
          messageId: statementId,
          statementId,
          cashAccount,
          currency: a.currency,
          statementDate: D,
          openingBalance: opening.toFixed(),
          closingBalance: closing.toFixed(),
          // EndToEndId is Max35Text: a net instruction's reference (`NET:` and a UUID, 40 characters) does not
          // fit, and a cut one would name nothing; its entry goes without, identified by its NtryRef.
          entries: entries.map((e) => ({ ...e, tradeRef: e.tradeRef.length <= 35 ? e.tradeRef : null })),
        }),
      };
      statements.push({
        version: 'camt.053.001.08',
        xml: payload.xml,
        out: { topic: Topics.custodianStatements, key: a.account, event: this.statement('CashStatement', payload, `${a.account}:${a.currency}`, D, cause) },
      });
    }
    // The day's statements are checked against their schemas like the advices (one run per message version), then sent.
    await checkOutgoing(this.config.MARKET_SIM_SCHEMA_CHECK, statements);
    for (const st of statements) ctx.emit(st.out);
  }

  private statement<T extends 'HoldingsStatement' | 'CashStatement'>(
    type: T,
    payload: T extends 'HoldingsStatement' ? HoldingsStatementV1 : CashStatementV1,
    key: string,
    D: string,
    cause: string,
  ): CustodianStatementEvent {
    return envelope({
      eventId: deterministicId(type, key, D),
      type,
      producer: 'market-sim',
      correlationId: `statement:${key}:${D}`,
      causationId: cause,
      payload,
    } as never) as CustodianStatementEvent;
  }

  /** The day's closing price of every ISIN the CSD has seen, deterministic from the seed (prices.ts). */
  private async publishPrices(ctx: BatchContext, D: string, cause: string): Promise<void> {
    const isins = (await ctx.tx.query(
      `SELECT DISTINCT ON (isin) isin, currency, quantity_type AS qt, (settlement_amount / quantity)::text AS unit FROM market_sim.instructions ORDER BY isin, instruction_id`,
    )) as Array<{ isin: string; currency: string; qt: 'UNIT' | 'FAMT'; unit: string }>;
    for (const i of isins) {
      const configured = this.config.MARKET_SIM_PRICES[i.isin];
      // Without a configured base, the first instruction's cash per unit (× 100 for a face amount: a percent price).
      const base =
        configured?.price ??
        new Dec(i.unit)
          .mul(i.qt === 'FAMT' ? 100 : 1)
          .toDecimalPlaces(4, Dec.ROUND_HALF_UP)
          .toFixed();
      const priceType = configured?.priceType ?? (i.qt === 'FAMT' ? 'PERCENT' : 'UNIT');
      const event: MarketDataEvent = envelope({
        eventId: deterministicId('ClosingPrice', i.isin, D),
        type: 'ClosingPrice',
        producer: 'market-sim',
        correlationId: `price:${i.isin}:${D}`,
        causationId: cause,
        payload: {
          isin: i.isin,
          priceDate: D,
          price: closingPrice(this.config.MARKET_SIM_SEED, i.isin, D, base, this.config.MARKET_SIM_PRICE_VOLATILITY),
          priceType,
          currency: i.currency,
          source: 'market-sim',
        },
      });
      ctx.emit({ topic: Topics.prices, key: i.isin, event });
    }
  }
}
