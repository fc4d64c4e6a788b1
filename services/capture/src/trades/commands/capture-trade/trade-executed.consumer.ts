import { Topics } from '@postera/contracts';
import type { BatchContext, BatchHandler, InboundMessage, InboundRecord } from '@postera/platform';
import { Injectable } from '@nestjs/common';
import { TradeLifecycle } from '../../trade-lifecycle.js';
import { readTradeMessage, type TradeMessage } from './trade-message.js';

/**
 * trades.executed.v1 → trade versions or exceptions, never a silent drop: every message gets a
 * receipt (consumed = captured + amended + cancelled + stale + exceptions + duplicates). One batch
 * is one transaction; the referential and the batch's trades are read once.
 */
@Injectable()
export class TradeExecutedConsumer implements BatchHandler<TradeMessage> {
  readonly consumerId = 'capture.trades-executed';
  readonly topics = [Topics.tradesExecuted];
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
    await this.lifecycle.capture(
      ctx,
      messages.map((m) => ({ message: m.body, origin: 'ELECTRONIC' as const, maker: null })),
      { receipts: true, exceptions: true },
    );
  }
}
