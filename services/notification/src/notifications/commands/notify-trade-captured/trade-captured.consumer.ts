import { Injectable } from '@nestjs/common';
import { Topics, type EventEnvelope, type TradeCapturedV1 } from '@postera/contracts';
import { EnvelopeHandler, UndecodableMessage, type BatchContext, type InboundMessage, type InboundRecord } from '@postera/platform';
import { payloadProblems, tradeEconomicsSchema } from '../../domain/payload-schemas.js';
import { insertNotifications, type NewNotification } from '../../persistence/notifications.repository.js';

/**
 * trade.events.v1 TradeCaptured of a client account → one AVIS_OPERE notice owed (DOMAIN.md §5).
 * Only the economics are stored: the notice is rendered at send time, in the language of the
 * contact known then. Proprietary trades owe no notice; other event types are not ours yet.
 */
@Injectable()
export class TradeCapturedConsumer extends EnvelopeHandler<EventEnvelope> {
  readonly consumerId = 'notification.trade-events';
  readonly topics = [Topics.tradeEvents];

  override decode(record: InboundRecord): EventEnvelope {
    const e = super.decode(record);
    if (e.type === 'TradeCaptured') {
      const problems = payloadProblems(tradeEconomicsSchema, (e.payload as { trade?: unknown }).trade);
      if (problems.length > 0) throw new UndecodableMessage(`TradeCaptured payload unusable for an avis d'opéré: ${problems.join('; ')}`);
    }
    return e;
  }

  async handle(ctx: BatchContext, messages: InboundMessage<EventEnvelope>[]): Promise<void> {
    const rows: NewNotification[] = [];
    for (const { body } of messages) {
      if (body.type !== 'TradeCaptured') continue;
      const { trade } = (body as EventEnvelope<TradeCapturedV1>).payload;
      if (trade.accountType !== 'CLIENT') continue;
      rows.push({ kind: 'AVIS_OPERE', causeEventId: body.eventId, tradeRef: trade.tradeRef, account: trade.account, payload: trade });
    }
    const inserted = await insertNotifications(ctx.tx, rows);
    if (rows.length > 0) ctx.log.debug({ owed: rows.length, inserted }, 'avis d’opéré notices recorded');
  }
}
