import { Injectable } from '@nestjs/common';
import { Topics, type EventEnvelope, type InstructionStatusChangedV1 } from '@postera/contracts';
import { currentBusinessDay, EnvelopeHandler, UndecodableMessage, type BatchContext, type InboundMessage, type InboundRecord } from '@postera/platform';
import { instructionSettledSchema, NOTIFIED_SETTLEMENT_STATUSES, payloadProblems } from '../../domain/payload-schemas.js';
import { insertNotices } from '../../persistence/notices.repository.js';

const notified = (e: EventEnvelope) =>
  e.type === 'InstructionStatusChanged' && (NOTIFIED_SETTLEMENT_STATUSES as readonly unknown[]).includes((e.payload as { status?: unknown }).status);

/**
 * settlement.events.v1 InstructionStatusChanged → the client's settlement notices: SETTLED and
 * PARTIALLY_SETTLED a SETTLEMENT_CONFIRMATION (a partial one says what remains), FAILING a
 * SETTLEMENT_FAILED alert when the instruction starts failing or its reason changes. The state of
 * every instruction is kept (instruction_states) for the reminders at each business-day close.
 * Netted trades need nothing special: settlement emits one event per gross trade.
 */
@Injectable()
export class SettlementEventsConsumer extends EnvelopeHandler<EventEnvelope> {
  readonly consumerId = 'notification.settlement-events';
  readonly topics = [Topics.settlementEvents];

  override decode(record: InboundRecord): EventEnvelope {
    const e = super.decode(record);
    if (notified(e)) {
      const problems = payloadProblems(instructionSettledSchema, e.payload);
      if (problems.length > 0) throw new UndecodableMessage(`InstructionStatusChanged payload unusable for a notice: ${problems.join('; ')}`);
    }
    return e;
  }

  async handle(ctx: BatchContext, messages: InboundMessage<EventEnvelope>[]): Promise<void> {
    const today = (await currentBusinessDay(ctx.tx, ctx.schema))?.businessDate ?? null;
    for (const { body } of messages) {
      if (body.type !== 'InstructionStatusChanged') continue;
      const s = body.payload as InstructionStatusChangedV1;
      const [prev] = (await ctx.tx.query(`SELECT status, reason FROM notification.instruction_states WHERE instruction_id = $1`, [s.instructionId])) as Array<{
        status: string;
        reason: string | null;
      }>;
      await ctx.tx.query(
        `INSERT INTO notification.instruction_states (instruction_id, trade_ref, account, status, reason, failing_since, payload, updated_at)
         VALUES ($1, $2, $3, $4, $5, CASE WHEN $4 = 'FAILING' THEN $6::date END, $7, now())
         ON CONFLICT (instruction_id) DO UPDATE SET status = EXCLUDED.status, reason = EXCLUDED.reason, payload = EXCLUDED.payload, updated_at = now(),
           failing_since = CASE WHEN EXCLUDED.status = 'FAILING' THEN coalesce(notification.instruction_states.failing_since, EXCLUDED.failing_since) END`,
        [s.instructionId, s.tradeRef, s.account, s.status, s.reason, today ?? s.intendedSettlementDate, JSON.stringify(s)],
      );
      const base = {
        causeEventId: body.eventId,
        tradeRef: s.tradeRef,
        tradeVersion: s.tradeVersion ?? null,
        recipientType: 'CLIENT' as const,
        party: s.account,
        payload: s,
      };
      if (s.status === 'SETTLED' || s.status === 'PARTIALLY_SETTLED') await insertNotices(ctx.tx, [{ ...base, kind: 'SETTLEMENT_CONFIRMATION' }]);
      else if (s.status === 'FAILING' && (prev?.status !== 'FAILING' || prev.reason !== s.reason))
        await insertNotices(ctx.tx, [{ ...base, kind: 'SETTLEMENT_FAILED' }]);
    }
  }
}
