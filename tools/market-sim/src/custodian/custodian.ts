import { Inject, Injectable } from '@nestjs/common';
import {
  envelope,
  Topics,
  type BusinessDayV1,
  type CustodianInstructionEvent,
  type CustodianStatusEvent,
  type CustodianStatusV1,
  type InstructionCancelledV1,
  type SettlementInstructionV1,
} from '@postera/contracts';
import { deterministicId } from '@postera/kernel';
import { EnvelopeHandler, CONFIG, type BatchContext, type BusinessDayHooks, type InboundMessage } from '@postera/platform';
import type { MarketSimConfig } from '../config.js';
import { cancellationOutcome, type SimInstructionStatus } from './cancellation.js';
import { outcomeOnDay } from './scenario.js';

function advice(tradeRef: string, cause: string, p: CustodianStatusV1, discriminator: string): { topic: string; key: string; event: CustodianStatusEvent } {
  return {
    topic: Topics.custodianStatus,
    key: tradeRef,
    event: envelope({
      eventId: deterministicId('custodian', p.instructionId, p.status, discriminator),
      type: p.status === 'SETT' ? 'SettlementConfirmation' : 'StatusAdvice',
      producer: 'market-sim',
      correlationId: tradeRef,
      causationId: cause,
      payload: p,
    }),
  };
}

const none = { settledQuantity: null, settledAmount: null, effectiveSettlementDate: null };

/**
 * The CSD/custodian stand-in. On receipt it accepts (PACK) and matches (MACH) an instruction —
 * or leaves it unmatched (NMAT, CMIS) when the scenario says so; when a business day closes it
 * settles every matched instruction due that day (SETT, sese.025) or fails it (PEND with the
 * scenario's reason, once per day it stays failed). A cancellation (sese.020) of an instruction not
 * settled yet takes it out of every later cycle (CAND).
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
    await this.receive(ctx, sent);
    await this.cancel(ctx, cancelled);
  }

  /** sese.023 received: stored and answered at once, PACK then MACH (or NMAT, CMIS). */
  private async receive(ctx: BatchContext, sent: Array<{ payload: SettlementInstructionV1; cause: string }>): Promise<void> {
    const rows = sent.map(({ payload: i, cause }) => {
      const unmatched = this.config.MARKET_SIM_UNMATCHED_ISINS.includes(i.isin);
      return { i, cause, status: unmatched ? 'UNMATCHED' : 'MATCHED', reason: unmatched ? 'CMIS' : null };
    });
    if (rows.length === 0) return;
    const inserted = (await ctx.tx.query(
      `INSERT INTO market_sim.instructions (instruction_id, trade_ref, instruction_type, isin, account, counterparty, quantity, settlement_amount,
         currency, intended_settlement_date, status, reason)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::numeric[], $9::text[],
         $10::date[], $11::text[], $12::text[])
       ON CONFLICT (instruction_id) DO NOTHING RETURNING instruction_id`,
      [
        rows.map((r) => r.i.instructionId),
        rows.map((r) => r.i.tradeRef),
        rows.map((r) => r.i.instructionType),
        rows.map((r) => r.i.isin),
        rows.map((r) => r.i.account),
        rows.map((r) => r.i.counterparty),
        rows.map((r) => r.i.quantity),
        rows.map((r) => r.i.settlementAmount),
        rows.map((r) => r.i.currency),
        rows.map((r) => r.i.intendedSettlementDate),
        rows.map((r) => r.status),
        rows.map((r) => r.reason),
      ],
    )) as Array<{ instruction_id: string }>;
    const fresh = new Set(inserted.map((r) => r.instruction_id));
    for (const r of rows.filter((x) => fresh.has(x.i.instructionId))) {
      const id = r.i.instructionId;
      ctx.emit(advice(r.i.tradeRef, r.cause, { instructionId: id, tradeRef: r.i.tradeRef, status: 'PACK', reason: null, ...none }, ''));
      ctx.emit(
        advice(
          r.i.tradeRef,
          r.cause,
          { instructionId: id, tradeRef: r.i.tradeRef, status: r.status === 'MATCHED' ? 'MACH' : 'NMAT', reason: r.reason, ...none },
          '',
        ),
      );
    }
  }

  /**
   * sese.020 received: an instruction not settled is cancelled — never matched or settled after —
   * and answered CAND; a settled one cannot be (the securities moved): logged, not answered.
   */
  private async cancel(ctx: BatchContext, cancelled: Array<{ payload: InstructionCancelledV1; cause: string }>): Promise<void> {
    if (cancelled.length === 0) return;
    const current = (await ctx.tx.query(
      `SELECT instruction_id AS "instructionId", status FROM market_sim.instructions WHERE instruction_id = ANY($1::uuid[]) FOR UPDATE`,
      [cancelled.map((c) => c.payload.instructionId)],
    )) as Array<{ instructionId: string; status: SimInstructionStatus }>;
    const statuses = new Map(current.map((r) => [r.instructionId, r.status]));
    const toCancel: string[] = [];
    for (const { payload: c, cause } of cancelled) {
      const outcome = cancellationOutcome(statuses.get(c.instructionId) ?? null);
      if (outcome.kind === 'ignore') {
        const level = outcome.why === 'already cancelled' ? 'debug' : 'warn';
        ctx.log[level]({ correlationId: c.tradeRef, instructionId: c.instructionId, why: outcome.why }, 'cancellation not applied');
        continue;
      }
      statuses.set(c.instructionId, 'CANCELLED');
      toCancel.push(c.instructionId);
      ctx.emit(advice(c.tradeRef, cause, { instructionId: c.instructionId, tradeRef: c.tradeRef, status: 'CAND', reason: null, ...none }, ''));
    }
    await ctx.tx.query(`UPDATE market_sim.instructions SET status = 'CANCELLED', reason = NULL, cancelled_at = now() WHERE instruction_id = ANY($1::uuid[])`, [
      toCancel,
    ]);
  }

  async onDayClosed(ctx: BatchContext, day: BusinessDayV1, causeEventId: string): Promise<void> {
    const due = (await ctx.tx.query(
      `SELECT instruction_id AS "instructionId", trade_ref AS "tradeRef", isin, quantity::text AS quantity, settlement_amount::text AS amount
       FROM market_sim.instructions WHERE status IN ('MATCHED', 'FAILING') AND intended_settlement_date <= $1 ORDER BY instruction_id`,
      [day.businessDate],
    )) as Array<{ instructionId: string; tradeRef: string; isin: string; quantity: string; amount: string }>;
    const settled: string[] = [];
    const failed: Array<{ id: string; reason: string }> = [];
    for (const d of due) {
      const outcome = outcomeOnDay(this.config, d, day.businessDate);
      if (outcome.kind === 'settle') {
        settled.push(d.instructionId);
        ctx.emit(
          advice(
            d.tradeRef,
            causeEventId,
            {
              instructionId: d.instructionId,
              tradeRef: d.tradeRef,
              status: 'SETT',
              reason: null,
              settledQuantity: d.quantity,
              settledAmount: d.amount,
              effectiveSettlementDate: day.businessDate,
            },
            day.businessDate,
          ),
        );
      } else {
        failed.push({ id: d.instructionId, reason: outcome.reason });
        ctx.emit(
          advice(
            d.tradeRef,
            causeEventId,
            { instructionId: d.instructionId, tradeRef: d.tradeRef, status: 'PEND', reason: outcome.reason, ...none },
            day.businessDate,
          ),
        );
      }
    }
    await ctx.tx.query(`UPDATE market_sim.instructions SET status = 'SETTLED', effective_settlement_date = $2 WHERE instruction_id = ANY($1::uuid[])`, [
      settled,
      day.businessDate,
    ]);
    await ctx.tx.query(
      `UPDATE market_sim.instructions i SET status = 'FAILING', reason = f.reason FROM unnest($1::uuid[], $2::text[]) AS f(id, reason) WHERE i.instruction_id = f.id`,
      [failed.map((f) => f.id), failed.map((f) => f.reason)],
    );
    ctx.log.info({ businessDate: day.businessDate, settled: settled.length, failed: failed.length }, 'settlement cycle run at close of day');
  }
}
