import { Topics } from '@postera/contracts';
import type { BatchContext, InboundMessage } from '@postera/platform';
import { Injectable } from '@nestjs/common';
import { TradeLifecycle } from '../../trade-lifecycle.js';
import { RawInputConsumer } from '../capture-trade/raw-input.consumer.js';
import type { TradeMessage } from '../capture-trade/trade-message.js';

/**
 * confirmations.received.v1 → each counterparty confirmation matched with its trade (CONFIRMED,
 * then VALIDATED when it can go straight through), kept PENDING until its trade arrives, or held as
 * an exception naming every differing field with both values.
 */
@Injectable()
export class ConfirmationReceivedConsumer extends RawInputConsumer {
  readonly consumerId = 'capture.confirmations-received';
  readonly topics = [Topics.confirmationsReceived];
  constructor(private readonly lifecycle: TradeLifecycle) {
    super();
  }

  async handle(ctx: BatchContext, messages: InboundMessage<TradeMessage>[]): Promise<void> {
    await this.lifecycle.receiveConfirmations(
      ctx,
      messages.map((m) => m.body),
      { receipts: true, exceptions: true },
    );
  }
}
