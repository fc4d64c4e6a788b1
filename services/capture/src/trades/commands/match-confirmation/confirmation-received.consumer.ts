import { Topics } from '@postera/contracts';
import type { BatchContext, BatchHandler, InboundMessage, InboundRecord } from '@postera/platform';
import { Injectable } from '@nestjs/common';
import { TradeLifecycle } from '../../trade-lifecycle.js';
import { readTradeMessage, type TradeMessage } from '../capture-trade/trade-message.js';

/**
 * confirmations.received.v1 → each counterparty confirmation matched with its trade (CONFIRMED,
 * then VALIDATED when it can go straight through), kept PENDING until its trade arrives, or held as
 * an exception naming every differing field with both values.
 */
@Injectable()
export class ConfirmationReceivedConsumer implements BatchHandler<TradeMessage> {
  readonly consumerId = 'capture.confirmations-received';
  readonly topics = [Topics.confirmationsReceived];
  private readonly cache = new WeakMap<InboundRecord, TradeMessage>();

  constructor(private readonly lifecycle: TradeLifecycle) {}

  messageId(record: InboundRecord): string {
    return this.decode(record).messageId;
  }

  decode(record: InboundRecord): TradeMessage {
    let m = this.cache.get(record);
    if (!m) {
      m = readTradeMessage(record);
      this.cache.set(record, m);
    }
    return m;
  }

  async handle(ctx: BatchContext, messages: InboundMessage<TradeMessage>[]): Promise<void> {
    await this.lifecycle.receiveConfirmations(
      ctx,
      messages.map((m) => m.body),
      { receipts: true, exceptions: true },
    );
  }
}
