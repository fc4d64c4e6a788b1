import { Inject, Injectable } from '@nestjs/common';
import { envelope, Topics, type CustodianInstructionEvent, type SettlementEvent, type TradeEventV1 } from '@postera/contracts';
import { deterministicId } from '@postera/kernel';
import { EnvelopeHandler, CONFIG, type BatchContext, type InboundMessage } from '@postera/platform';
import type { SettlementConfig } from '../../config.js';
import { instructionTypeFor } from '../domain/instruction-status.js';
import { insertHistory, insertInstructions, type InstructionRow } from '../persistence/instruction.repository.js';
import { statusChanged } from './status-event.js';

/**
 * trade.events.v1 TradeCaptured → one settlement instruction per trade, sent to the custodian
 * (custodian.instructions.v1) and announced on settlement.events.v1, in the batch's transaction.
 */
@Injectable()
export class InstructTradeConsumer extends EnvelopeHandler<TradeEventV1> {
  readonly consumerId = 'settlement.trade-events';
  readonly topics = [Topics.tradeEvents];

  constructor(@Inject(CONFIG) private readonly config: SettlementConfig) {
    super();
  }

  async handle(ctx: BatchContext, messages: InboundMessage<TradeEventV1>[]): Promise<void> {
    const captured = messages.filter((m) => m.body.type === 'TradeCaptured');
    const rows: InstructionRow[] = captured.map(({ body }) => {
      const t = body.payload.trade;
      return {
        instructionId: deterministicId('instruction', t.tradeRef, String(t.version)),
        tradeRef: t.tradeRef,
        instructionType: instructionTypeFor(t.side),
        side: t.side,
        isin: t.isin,
        quantity: t.quantity,
        // The cash that moves against the securities: the net amount (gross ± fees).
        settlementAmount: t.netAmount,
        currency: t.currency,
        tradeDate: t.tradeDate,
        intendedSettlementDate: t.settlementDate,
        account: t.account,
        counterparty: t.counterparty,
        placeOfSettlement: this.config.DEFAULT_PLACE_OF_SETTLEMENT,
        clientId: t.clientId,
        book: t.book,
        status: 'SENT',
        reason: null,
        settledQuantity: null,
        settledAmount: null,
        effectiveSettlementDate: null,
        seq: 2,
      };
    });
    const inserted = await insertInstructions(ctx.tx, rows);
    const fresh = rows.filter((r) => inserted.has(r.instructionId));
    const causeOf = new Map(captured.map((m) => [m.body.payload.trade.tradeRef, m.body.eventId]));
    await insertHistory(
      ctx.tx,
      fresh.flatMap((r) => [
        { instructionId: r.instructionId, seq: 1, status: 'CREATED' as const, reason: null, causeEventId: causeOf.get(r.tradeRef)! },
        { instructionId: r.instructionId, seq: 2, status: 'SENT' as const, reason: null, causeEventId: causeOf.get(r.tradeRef)! },
      ]),
    );
    for (const r of fresh) {
      const cause = causeOf.get(r.tradeRef)!;
      const sent: CustodianInstructionEvent = envelope({
        eventId: deterministicId('InstructionSent', r.instructionId),
        type: 'InstructionSent',
        producer: 'settlement',
        correlationId: r.tradeRef,
        causationId: cause,
        payload: {
          instructionId: r.instructionId,
          tradeRef: r.tradeRef,
          instructionType: r.instructionType,
          isin: r.isin,
          quantity: r.quantity,
          settlementAmount: r.settlementAmount,
          currency: r.currency,
          tradeDate: r.tradeDate,
          intendedSettlementDate: r.intendedSettlementDate,
          account: r.account,
          counterparty: r.counterparty,
          placeOfSettlement: r.placeOfSettlement,
        },
      });
      ctx.emit({ topic: Topics.custodianInstructions, key: r.tradeRef, event: sent });
      const changed: SettlementEvent = statusChanged(r, cause);
      ctx.emit({ topic: Topics.settlementEvents, key: r.tradeRef, event: changed });
    }
  }
}
