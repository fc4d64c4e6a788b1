import { Injectable } from '@nestjs/common';
import { Topics, type EventEnvelope, type InstructionStatusChangedV1 } from '@postera/contracts';
import { currentBusinessDay, EnvelopeHandler, UndecodableMessage, type BatchContext, type InboundMessage, type InboundRecord } from '@postera/platform';
import { instructionSettledSchema, NOTIFIED_SETTLEMENT_STATUSES, payloadProblems } from '../../domain/payload-schemas.js';
import { insertNotices, type NewNotice } from '../../persistence/notices.repository.js';

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
  override readonly types = ['InstructionStatusChanged'];

  override decode(record: InboundRecord): EventEnvelope {
    const e = super.decode(record);
    if (notified(e)) {
      const problems = payloadProblems(instructionSettledSchema, e.payload);
      if (problems.length > 0) throw new UndecodableMessage(`InstructionStatusChanged payload unusable for a notice: ${problems.join('; ')}`);
    }
    return e;
  }

  /**
   * The batch in segments where each instruction changes status at most once, applied set-based
   * (the previous states, the new states and the notices of a segment in one query each): an
   * instruction's FAILING then SETTLED in one batch fall in two segments, the second reading the
   * state the first wrote.
   */
  async handle(ctx: BatchContext, messages: InboundMessage<EventEnvelope>[]): Promise<void> {
    const today = (await currentBusinessDay(ctx.tx, ctx.schema))?.businessDate ?? null;
    let segment: Array<{ eventId: string; s: InstructionStatusChangedV1 }> = [];
    const seen = new Set<string>();
    for (const { body } of messages) {
      if (body.type !== 'InstructionStatusChanged') continue;
      const s = body.payload as InstructionStatusChangedV1;
      if (seen.has(s.instructionId)) {
        await this.applySegment(ctx, segment, today);
        segment = [];
        seen.clear();
      }
      seen.add(s.instructionId);
      segment.push({ eventId: body.eventId, s });
    }
    await this.applySegment(ctx, segment, today);
  }

  private async applySegment(ctx: BatchContext, changes: Array<{ eventId: string; s: InstructionStatusChangedV1 }>, today: string | null): Promise<void> {
    if (changes.length === 0) return;
    const prev = new Map(
      (
        (await ctx.tx.query(`SELECT instruction_id, status, reason FROM notification.instruction_states WHERE instruction_id = ANY($1::text[])`, [
          changes.map((c) => c.s.instructionId),
        ])) as Array<{ instruction_id: string; status: string; reason: string | null }>
      ).map((r) => [r.instruction_id, r]),
    );
    await ctx.tx.query(
      `INSERT INTO notification.instruction_states (instruction_id, trade_ref, account, status, reason, failing_since, payload, updated_at)
       SELECT x.id, x.trade_ref, x.account, x.status, x.reason, CASE WHEN x.status = 'FAILING' THEN x.since END, x.payload, now()
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::jsonb[]) AS x(id, trade_ref, account, status, reason, since, payload)
       ON CONFLICT (instruction_id) DO UPDATE SET status = EXCLUDED.status, reason = EXCLUDED.reason, payload = EXCLUDED.payload, updated_at = now(),
         failing_since = CASE WHEN EXCLUDED.status = 'FAILING' THEN coalesce(notification.instruction_states.failing_since, EXCLUDED.failing_since) END`,
      [
        changes.map((c) => c.s.instructionId),
        changes.map((c) => c.s.tradeRef),
        changes.map((c) => c.s.account),
        changes.map((c) => c.s.status),
        changes.map((c) => c.s.reason ?? null),
        changes.map((c) => today ?? c.s.intendedSettlementDate),
        changes.map((c) => JSON.stringify(c.s)),
      ],
    );
    const notices: NewNotice[] = [];
    for (const { eventId, s } of changes) {
      const base = {
        causeEventId: eventId,
        tradeRef: s.tradeRef,
        tradeVersion: s.tradeVersion ?? null,
        recipientType: 'CLIENT' as const,
        party: s.account,
        payload: s,
      };
      const before = prev.get(s.instructionId);
      if (s.status === 'SETTLED' || s.status === 'PARTIALLY_SETTLED') notices.push({ ...base, kind: 'SETTLEMENT_CONFIRMATION' });
      else if (s.status === 'FAILING' && (before?.status !== 'FAILING' || before.reason !== s.reason)) notices.push({ ...base, kind: 'SETTLEMENT_FAILED' });
    }
    await insertNotices(ctx.tx, notices);
  }
}
