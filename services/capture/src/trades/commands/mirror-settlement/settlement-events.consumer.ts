import { Injectable } from '@nestjs/common';
import { Topics, type SettlementEvent, type TradeStatus } from '@postera/contracts';
import { EnvelopeHandler, type BatchContext, type InboundMessage } from '@postera/platform';
import { TradeLifecycle } from '../../trade-lifecycle.js';

/** The trade status an instruction status means (DOMAIN.md §1); null: no change of the trade's status. */
export function tradeStatusOf(instructionStatus: string): TradeStatus | null {
  switch (instructionStatus) {
    case 'SENT':
    case 'ACCEPTED':
    case 'MATCHED':
    case 'UNMATCHED':
      return 'INSTRUCTED';
    case 'SETTLED':
      return 'SETTLED';
    case 'PARTIALLY_SETTLED':
      return 'PARTIALLY_SETTLED';
    case 'FAILING':
    case 'REJECTED':
      return 'FAILED';
    default:
      return null;
  }
}

/**
 * settlement.events.v1 → the trade's settlement status mirrored in capture, so that an AMEND or
 * CANCEL of a settled trade becomes an exception here instead of slipping through.
 */
@Injectable()
export class SettlementEventsConsumer extends EnvelopeHandler<SettlementEvent> {
  readonly consumerId = 'capture.settlement-events';
  readonly topics = [Topics.settlementEvents];
  override readonly types = ['InstructionStatusChanged'];

  constructor(private readonly lifecycle: TradeLifecycle) {
    super();
  }

  async handle(ctx: BatchContext, messages: InboundMessage<SettlementEvent>[]): Promise<void> {
    const changes = messages.flatMap(({ body }) => {
      if (body.type !== 'InstructionStatusChanged') return [];
      const status = tradeStatusOf(body.payload.status);
      return status ? [{ tradeRef: body.payload.tradeRef, status, cause: body.eventId, reason: body.payload.reason }] : [];
    });
    if (changes.length > 0) await this.lifecycle.mirrorSettlement(ctx, changes);
  }
}
