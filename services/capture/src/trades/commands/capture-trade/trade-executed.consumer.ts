import { Topics } from '@postera/contracts';
import type { BatchContext, InboundMessage } from '@postera/platform';
import { Injectable } from '@nestjs/common';
import { TradeLifecycle } from '../../trade-lifecycle.js';
import { RawInputConsumer } from './raw-input.consumer.js';
import type { TradeMessage } from './trade-message.js';

/**
 * trades.executed.v1 → trade versions or exceptions, never a silent drop: every message gets a
 * receipt (consumed = captured + amended + cancelled + stale + exceptions + duplicates). One batch
 * is one transaction; the referential and the batch's trades are read once.
 */
@Injectable()
export class TradeExecutedConsumer extends RawInputConsumer {
  readonly consumerId = 'capture.trades-executed';
  readonly topics = [Topics.tradesExecuted];
  constructor(private readonly lifecycle: TradeLifecycle) {
    super();
  }

  async handle(ctx: BatchContext, messages: InboundMessage<TradeMessage>[]): Promise<void> {
    await this.lifecycle.capture(
      ctx,
      messages.map((m) => ({ message: m.body, origin: 'ELECTRONIC' as const, maker: null })),
      { receipts: true, exceptions: true },
    );
  }
}
