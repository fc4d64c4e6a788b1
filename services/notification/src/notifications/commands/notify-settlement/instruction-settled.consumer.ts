import { Injectable } from '@nestjs/common';
import { Topics, type EventEnvelope, type SettlementEvent } from '@postera/contracts';
import { EnvelopeHandler, UndecodableMessage, type BatchContext, type InboundMessage, type InboundRecord } from '@postera/platform';
import { instructionSettledSchema, payloadProblems } from '../../domain/payload-schemas.js';
import { insertNotifications, type NewNotification } from '../../persistence/notifications.repository.js';

const isSettled = (e: EventEnvelope) => e.type === 'InstructionStatusChanged' && (e.payload as { status?: unknown }).status === 'SETTLED';

/**
 * settlement.events.v1 InstructionStatusChanged to SETTLED → one SETTLEMENT_CONFIRMATION notice
 * owed. The event does not say whether the account is a client's: an account already known as
 * proprietary gets no row, an unknown one waits and the sender skips it if it turns out proprietary.
 */
@Injectable()
export class InstructionSettledConsumer extends EnvelopeHandler<EventEnvelope> {
  readonly consumerId = 'notification.settlement-events';
  readonly topics = [Topics.settlementEvents];

  override decode(record: InboundRecord): EventEnvelope {
    const e = super.decode(record);
    if (isSettled(e)) {
      const problems = payloadProblems(instructionSettledSchema, e.payload);
      if (problems.length > 0) throw new UndecodableMessage(`InstructionStatusChanged SETTLED payload unusable for a notice: ${problems.join('; ')}`);
    }
    return e;
  }

  async handle(ctx: BatchContext, messages: InboundMessage<EventEnvelope>[]): Promise<void> {
    const rows: NewNotification[] = messages
      .filter(({ body }) => isSettled(body))
      .map(({ body }) => {
        const s = (body as SettlementEvent).payload;
        return { kind: 'SETTLEMENT_CONFIRMATION', causeEventId: body.eventId, tradeRef: s.tradeRef, account: s.account, payload: s };
      });
    const inserted = await insertNotifications(ctx.tx, rows);
    if (rows.length > 0) ctx.log.debug({ owed: rows.length, inserted }, 'settlement confirmations recorded');
  }
}
