import { Inject, Injectable } from '@nestjs/common';
import { Topics, type EventEnvelope, type InstructionStatusChangedV1 } from '@postera/contracts';
import { CONFIG, currentBusinessDay, EnvelopeHandler, UndecodableMessage, type BatchContext, type InboundMessage, type InboundRecord } from '@postera/platform';
import { instructionSettledSchema, NOTIFIED_SETTLEMENT_STATUSES, payloadProblems } from '../../domain/payload-schemas.js';
import type { NotificationConfig } from '../../../config.js';
import { writeNotices, type NewNotice } from '../../persistence/notices.repository.js';

const notified = (e: EventEnvelope) =>
  e.type === 'InstructionStatusChanged' && (NOTIFIED_SETTLEMENT_STATUSES as readonly unknown[]).includes((e.payload as { status?: unknown }).status);

/**
 * settlement.events.v1 InstructionStatusChanged → the client's settlement notices: SETTLED and
 * PARTIALLY_SETTLED a SETTLEMENT_CONFIRMATION (a partial one says what remains), FAILING a
 * SETTLEMENT_FAILED alert when the instruction starts failing or its reason changes. The state of
 * each instruction while it fails is kept (instruction_states) for those decisions and the reminders
 * at each business-day close; one that is not failing has no row (every decision treats "no row" as
 * "not failing"), so the instructions that match and settle write nothing here.
 * Netted trades need nothing special: settlement emits one event per gross trade.
 */
@Injectable()
export class SettlementEventsConsumer extends EnvelopeHandler<EventEnvelope> {
  readonly consumerId = 'notification.settlement-events';
  readonly topics = [Topics.settlementEvents];
  override readonly types = ['InstructionStatusChanged'];

  constructor(@Inject(CONFIG) private readonly config: NotificationConfig) {
    super();
  }

  override decode(record: InboundRecord): EventEnvelope {
    const e = super.decode(record);
    if (notified(e)) {
      const problems = payloadProblems(instructionSettledSchema, e.payload);
      if (problems.length > 0) throw new UndecodableMessage(`InstructionStatusChanged payload unusable for a notice: ${problems.join('; ')}`);
    }
    return e;
  }

  /**
   * The whole batch in a few statements: the stored state of its instructions (and the business
   * day if one starts failing), then their last state, then the notices, routed as they
   * are written (writeNotices). An instruction that changes status several times in the batch (FAILING then
   * SETTLED) is followed in memory, change after change, so each change is judged against the
   * state before it, as if they had come one by one.
   */
  async handle(ctx: BatchContext, messages: InboundMessage<EventEnvelope>[]): Promise<void> {
    const changes = messages.flatMap(({ body }) =>
      body.type === 'InstructionStatusChanged' ? [{ eventId: body.eventId, s: body.payload as InstructionStatusChangedV1 }] : [],
    );
    if (changes.length === 0) return;
    // The business day dates an instruction that starts failing: read once, and only then. Most
    // batches carry none (matches and settlements), and at low load every event is its own batch.
    let today: string | null | undefined;
    const businessDay = async () => (today === undefined ? (today = (await currentBusinessDay(ctx.tx, ctx.schema))?.businessDate ?? null) : today);
    const state = new Map(
      (
        (await ctx.tx.query(
          `SELECT instruction_id, status, reason, to_char(failing_since, 'YYYY-MM-DD') AS failing_since
           FROM notification.instruction_states WHERE instruction_id = ANY($1::text[])`,
          [[...new Set(changes.map((c) => c.s.instructionId))]],
        )) as Array<{ instruction_id: string; status: string; reason: string | null; failing_since: string | null }>
      ).map((r): [string, InstructionState] => [r.instruction_id, { status: r.status, reason: r.reason, failingSince: r.failing_since }]),
    );
    const stored = new Set(state.keys());
    const notices: NewNotice[] = [];
    const last = new Map<string, { s: InstructionStatusChangedV1; failingSince: string | null }>();
    for (const { eventId, s } of changes) {
      const before = state.get(s.instructionId);
      const base = {
        causeEventId: eventId,
        tradeRef: s.tradeRef,
        tradeVersion: s.tradeVersion ?? null,
        recipientType: 'CLIENT' as const,
        party: s.account,
        payload: s,
      };
      if (s.status === 'SETTLED' || s.status === 'PARTIALLY_SETTLED') notices.push({ ...base, kind: 'SETTLEMENT_CONFIRMATION' });
      else if (s.status === 'FAILING' && (before?.status !== 'FAILING' || before.reason !== (s.reason ?? null)))
        notices.push({ ...base, kind: 'SETTLEMENT_FAILED' });
      // Failing since the business day it started failing (kept while it goes on failing, whatever the reason), else none.
      const failingSince = s.status === 'FAILING' ? (before?.failingSince ?? (await businessDay()) ?? s.intendedSettlementDate) : null;
      state.set(s.instructionId, { status: s.status, reason: s.reason ?? null, failingSince });
      last.set(s.instructionId, { s, failingSince });
    }
    // Failing: its state stored; no longer failing: the row it had, if any, removed.
    const failing = [...last.values()].filter((r) => r.s.status === 'FAILING');
    const recovered = [...last.values()].filter((r) => r.s.status !== 'FAILING' && stored.has(r.s.instructionId)).map((r) => r.s.instructionId);
    if (recovered.length > 0) await ctx.tx.query(`DELETE FROM notification.instruction_states WHERE instruction_id = ANY($1::text[])`, [recovered]);
    if (failing.length > 0)
      await ctx.tx.query(
        `INSERT INTO notification.instruction_states (instruction_id, trade_ref, account, status, reason, failing_since, payload, updated_at)
       SELECT x.id, x.trade_ref, x.account, x.status, x.reason, x.failing_since, x.payload, now()
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::jsonb[]) AS x(id, trade_ref, account, status, reason, failing_since, payload)
       ON CONFLICT (instruction_id) DO UPDATE SET status = EXCLUDED.status, reason = EXCLUDED.reason, payload = EXCLUDED.payload, updated_at = now(),
         failing_since = EXCLUDED.failing_since`,
        [
          failing.map((r) => r.s.instructionId),
          failing.map((r) => r.s.tradeRef),
          failing.map((r) => r.s.account),
          failing.map((r) => r.s.status),
          failing.map((r) => r.s.reason ?? null),
          failing.map((r) => r.failingSince),
          failing.map((r) => JSON.stringify(r.s)),
        ],
      );
    // Routed in this transaction: the notices do not wait for the router's next pass.
    await writeNotices(ctx.tx, this.config.FIRM_NAME, notices);
  }
}

/** What a notice decision needs of an instruction: its status, its reason, and since when it fails. */
interface InstructionState {
  status: string;
  reason: string | null;
  failingSince: string | null;
}
