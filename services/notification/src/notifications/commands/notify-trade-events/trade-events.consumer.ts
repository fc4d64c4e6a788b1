import { Inject, Injectable } from '@nestjs/common';
import { Topics, type CounterpartyConfirmationIssuedV1, type EventEnvelope, type TradeCancelledV1, type TradeEconomics } from '@postera/contracts';
import { addBusinessDays, type SettlementCalendar } from '@postera/kernel';
import { CONFIG, EnvelopeHandler, UndecodableMessage, type BatchContext, type InboundMessage, type InboundRecord, readCalendar } from '@postera/platform';
import { counterpartyConfirmationSchema, payloadProblems, tradeEconomicsSchema } from '../../domain/payload-schemas.js';
import type { NoticeReference } from '../../domain/avis-d-opere.js';
import type { NotificationConfig } from '../../../config.js';
import { writeNotices, latestConfirmations, noticePayloads, type NewNotice } from '../../persistence/notices.repository.js';

/** The calendar the avis d'opéré's deadline is counted on (notification.calendars, else the kernel's built-in one). */
const AVIS_DEADLINE_CALENDAR = 'TARGET';

/**
 * trade.events.v1 → the notices a trade owes (DOMAIN.md §5):
 * - TradeCaptured of a client account: the avis d'opéré's deadline starts (end of the first TARGET business day after the trading day);
 * - TradeValidated of a client account: the AVIS_OPERE — or, when an earlier version was already
 *   confirmed to the client (amended, then validated again), an AMENDMENT_NOTICE that replaces it;
 * - TradeCancelled of a trade the client was told about: a CANCELLATION_NOTICE referring to that notice;
 * - CounterpartyConfirmationIssued: the COUNTERPARTY_CONFIRMATION, to the counterparty's contacts.
 * TradeAmended itself owes nothing: the amended trade is confirmed when it is validated again.
 */
@Injectable()
export class TradeEventsConsumer extends EnvelopeHandler<EventEnvelope> {
  readonly consumerId = 'notification.trade-events';
  readonly topics = [Topics.tradeEvents];
  override readonly types = ['TradeCaptured', 'TradeValidated', 'TradeCancelled', 'CounterpartyConfirmationIssued'];

  constructor(@Inject(CONFIG) private readonly config: NotificationConfig) {
    super();
  }

  override decode(record: InboundRecord): EventEnvelope {
    const e = super.decode(record);
    const problems =
      e.type === 'TradeValidated' || e.type === 'TradeCancelled' || e.type === 'TradeCaptured'
        ? payloadProblems(tradeEconomicsSchema, (e.payload as { trade?: unknown }).trade)
        : e.type === 'CounterpartyConfirmationIssued'
          ? payloadProblems(counterpartyConfirmationSchema, e.payload)
          : [];
    if (problems.length > 0) throw new UndecodableMessage(`${e.type} payload unusable for a notice: ${problems.join('; ')}`);
    return e;
  }

  /**
   * The batch in segments where each client trade is validated or cancelled at most once: inside
   * a segment no event depends on another's notice, so each segment costs a few set-based queries
   * whatever its size; a trade validated and then cancelled in the same batch falls in two
   * segments, and the cancellation reads the avis the first one wrote.
   */
  async handle(ctx: BatchContext, messages: InboundMessage<EventEnvelope>[]): Promise<void> {
    // TARGET as the referential last published it, read once a batch when a deadline is set.
    let target: SettlementCalendar | undefined;
    const calendar = async () => (target ??= await readCalendar(ctx.tx, 'notification', AVIS_DEADLINE_CALENDAR));
    let segment: EventEnvelope[] = [];
    const seen = new Set<string>();
    for (const { body } of messages) {
      const ref = body.type === 'TradeValidated' || body.type === 'TradeCancelled' ? (body.payload as { trade: TradeEconomics }).trade.tradeRef : null;
      if (ref !== null && seen.has(ref)) {
        await this.applySegment(ctx, segment, calendar);
        segment = [];
        seen.clear();
      }
      if (ref !== null) seen.add(ref);
      segment.push(body);
    }
    await this.applySegment(ctx, segment, calendar);
  }

  private async applySegment(ctx: BatchContext, events: EventEnvelope[], calendar: () => Promise<SettlementCalendar>): Promise<void> {
    const client = (t: TradeEconomics) => t.accountType === 'CLIENT';
    const tradeOf = (e: EventEnvelope) => (e.payload as { trade: TradeEconomics }).trade;
    // The avis deadline of each client trade captured or validated; then the cancelled ones' (a
    // trade's capture always precedes its cancellation).
    const watched = events.filter((e) => (e.type === 'TradeCaptured' || e.type === 'TradeValidated') && client(tradeOf(e))).map(tradeOf);
    if (watched.length > 0) {
      const deadlineCalendar = await calendar();
      await ctx.tx.query(
        `INSERT INTO notification.avis_deadlines (trade_ref, account, trade_date, deadline)
         SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::date[]) ON CONFLICT (trade_ref) DO NOTHING`,
        [
          watched.map((t) => t.tradeRef),
          watched.map((t) => t.account),
          watched.map((t) => t.tradeDate),
          watched.map((t) => addBusinessDays(t.tradeDate, 1, deadlineCalendar)),
        ],
      );
    }
    const cancelled = events.filter((e) => e.type === 'TradeCancelled' && client(tradeOf(e))).map(tradeOf);
    if (cancelled.length > 0)
      await ctx.tx.query(`UPDATE notification.avis_deadlines SET cancelled = true WHERE trade_ref = ANY($1::text[])`, [cancelled.map((t) => t.tradeRef)]);

    const confirmed = events.filter((e) => (e.type === 'TradeValidated' || e.type === 'TradeCancelled') && client(tradeOf(e))).map(tradeOf);
    const earlierOf = await latestConfirmations(
      ctx.tx,
      confirmed.map((t) => ({ tradeRef: t.tradeRef, party: t.account })),
    );
    const amendedFrom = [...earlierOf.values()].map((r) => r.noticeId);
    const previous = await noticePayloads(ctx.tx, amendedFrom);

    const notices: NewNotice[] = [];
    for (const e of events) {
      if (e.type === 'TradeValidated') {
        const t = tradeOf(e);
        if (!client(t)) continue;
        const n = this.validated(e.eventId, t, earlierOf.get(`${t.tradeRef}|${t.account}`) ?? null, previous);
        if (n) notices.push(n);
      } else if (e.type === 'TradeCancelled') {
        const p = e.payload as TradeCancelledV1;
        if (!client(p.trade)) continue;
        const earlier = earlierOf.get(`${p.trade.tradeRef}|${p.trade.account}`);
        // A trade cancelled before the client was told of it owes no notice.
        if (!earlier) continue;
        notices.push({
          kind: 'CANCELLATION_NOTICE',
          causeEventId: e.eventId,
          tradeRef: p.trade.tradeRef,
          tradeVersion: p.cancelVersion,
          recipientType: 'CLIENT',
          party: p.trade.account,
          payload: { trade: p.trade, cancelVersion: p.cancelVersion, refersTo: earlier },
          refersTo: earlier.noticeId,
        });
      } else if (e.type === 'CounterpartyConfirmationIssued') {
        const p = e.payload as CounterpartyConfirmationIssuedV1;
        notices.push({
          kind: 'COUNTERPARTY_CONFIRMATION',
          causeEventId: e.eventId,
          tradeRef: p.tradeRef,
          tradeVersion: p.version,
          recipientType: 'COUNTERPARTY',
          party: p.counterparty.lei,
          payload: p,
        });
      }
    }
    // Routed in this transaction: the avis does not wait for the router's next pass.
    await writeNotices(ctx.tx, this.config.FIRM_NAME, notices);
  }

  /** The avis d'opéré of a validated client trade, or the amendment notice replacing the one the client had; null when this version was already confirmed. */
  private validated(
    eventId: string,
    t: TradeEconomics,
    earlier: NoticeReference | null,
    previous: Map<string, { kind: string; payload: unknown }>,
  ): NewNotice | null {
    if (!earlier)
      return {
        kind: 'AVIS_OPERE',
        causeEventId: eventId,
        tradeRef: t.tradeRef,
        tradeVersion: t.version,
        recipientType: 'CLIENT',
        party: t.account,
        payload: t,
      };
    // The same version validated again (a replay, or a second approval) confirms nothing new.
    if (earlier.tradeVersion !== null && earlier.tradeVersion >= t.version) return null;
    const prev = previous.get(earlier.noticeId) as { kind: string; payload: { trade?: TradeEconomics } & TradeEconomics } | undefined;
    const before = prev ? (prev.kind === 'AMENDMENT_NOTICE' ? (prev.payload.trade ?? null) : prev.payload) : null;
    return {
      kind: 'AMENDMENT_NOTICE',
      causeEventId: eventId,
      tradeRef: t.tradeRef,
      tradeVersion: t.version,
      recipientType: 'CLIENT',
      party: t.account,
      payload: { trade: t, before, refersTo: earlier },
      refersTo: earlier.noticeId,
    };
  }
}
