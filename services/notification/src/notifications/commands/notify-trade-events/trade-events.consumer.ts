import { Injectable } from '@nestjs/common';
import { Topics, type CounterpartyConfirmationIssuedV1, type EventEnvelope, type TradeCancelledV1, type TradeEconomics } from '@postera/contracts';
import { addBusinessDays, TARGET } from '@postera/kernel';
import { EnvelopeHandler, UndecodableMessage, type BatchContext, type InboundMessage, type InboundRecord } from '@postera/platform';
import { counterpartyConfirmationSchema, payloadProblems, tradeEconomicsSchema } from '../../domain/payload-schemas.js';
import { insertNotices, latestConfirmation } from '../../persistence/notices.repository.js';

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

  async handle(ctx: BatchContext, messages: InboundMessage<EventEnvelope>[]): Promise<void> {
    // One message after the other: a validation and the cancellation that follows it in the same
    // batch must see each other's notice.
    for (const { body } of messages) {
      switch (body.type) {
        case 'TradeCaptured':
          await this.watchDeadline(ctx, (body.payload as { trade: TradeEconomics }).trade);
          break;
        case 'TradeValidated':
          await this.validated(ctx, body.eventId, (body.payload as { trade: TradeEconomics }).trade);
          break;
        case 'TradeCancelled':
          await this.cancelled(ctx, body.eventId, body.payload as TradeCancelledV1);
          break;
        case 'CounterpartyConfirmationIssued': {
          const p = body.payload as CounterpartyConfirmationIssuedV1;
          await insertNotices(ctx.tx, [
            {
              kind: 'COUNTERPARTY_CONFIRMATION',
              causeEventId: body.eventId,
              tradeRef: p.tradeRef,
              tradeVersion: p.version,
              recipientType: 'COUNTERPARTY',
              party: p.counterparty.lei,
              payload: p,
            },
          ]);
          break;
        }
        default:
          break;
      }
    }
  }

  private async watchDeadline(ctx: BatchContext, t: TradeEconomics): Promise<void> {
    if (t.accountType !== 'CLIENT') return;
    await ctx.tx.query(
      `INSERT INTO notification.avis_deadlines (trade_ref, account, trade_date, deadline) VALUES ($1, $2, $3, $4) ON CONFLICT (trade_ref) DO NOTHING`,
      [t.tradeRef, t.account, t.tradeDate, addBusinessDays(t.tradeDate, 1, TARGET)],
    );
  }

  private async validated(ctx: BatchContext, eventId: string, t: TradeEconomics): Promise<void> {
    if (t.accountType !== 'CLIENT') return;
    await this.watchDeadline(ctx, t);
    const earlier = await latestConfirmation(ctx.tx, t.tradeRef, t.account);
    if (!earlier) {
      await insertNotices(ctx.tx, [
        { kind: 'AVIS_OPERE', causeEventId: eventId, tradeRef: t.tradeRef, tradeVersion: t.version, recipientType: 'CLIENT', party: t.account, payload: t },
      ]);
      return;
    }
    // The same version validated again (a replay, or a second approval) confirms nothing new.
    if (earlier.tradeVersion !== null && earlier.tradeVersion >= t.version) return;
    const [prev] = (await ctx.tx.query(`SELECT kind, payload FROM notification.notices WHERE notice_id = $1`, [earlier.noticeId])) as Array<{
      kind: string;
      payload: { trade?: TradeEconomics } & TradeEconomics;
    }>;
    const before = prev ? (prev.kind === 'AMENDMENT_NOTICE' ? (prev.payload.trade ?? null) : prev.payload) : null;
    await insertNotices(ctx.tx, [
      {
        kind: 'AMENDMENT_NOTICE',
        causeEventId: eventId,
        tradeRef: t.tradeRef,
        tradeVersion: t.version,
        recipientType: 'CLIENT',
        party: t.account,
        payload: { trade: t, before, refersTo: earlier },
        refersTo: earlier.noticeId,
      },
    ]);
  }

  private async cancelled(ctx: BatchContext, eventId: string, p: TradeCancelledV1): Promise<void> {
    const t = p.trade;
    if (t.accountType !== 'CLIENT') return;
    await ctx.tx.query(`UPDATE notification.avis_deadlines SET cancelled = true WHERE trade_ref = $1`, [t.tradeRef]);
    // A trade cancelled before the client was told of it owes no notice.
    const earlier = await latestConfirmation(ctx.tx, t.tradeRef, t.account);
    if (!earlier) return;
    await insertNotices(ctx.tx, [
      {
        kind: 'CANCELLATION_NOTICE',
        causeEventId: eventId,
        tradeRef: t.tradeRef,
        tradeVersion: p.cancelVersion,
        recipientType: 'CLIENT',
        party: t.account,
        payload: { trade: t, cancelVersion: p.cancelVersion, refersTo: earlier },
        refersTo: earlier.noticeId,
      },
    ]);
  }
}
