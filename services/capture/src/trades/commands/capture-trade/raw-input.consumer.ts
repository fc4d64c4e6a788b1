import type { BatchContext, BatchHandler, InboundMessage, InboundRecord } from '@postera/platform';
import { readTradeMessage, type TradeMessage } from './trade-message.js';

/**
 * A consumer of a raw input topic (upstream JSON, not our envelope). The inbox knows a record by
 * its position (topic/partition/offset), so that a record read again after a crash has no second
 * effect while a record sent again with a messageId already received reaches the handler, which
 * receipts it (a DUPLICATE, or an EXCEPTION when the content differs): every record is counted.
 * The message itself is known by its messageId — or by its position when it has no usable one.
 */
export abstract class RawInputConsumer implements BatchHandler<TradeMessage> {
  abstract readonly consumerId: string;
  abstract readonly topics: readonly string[];
  private readonly cache = new WeakMap<InboundRecord, TradeMessage>();

  messageId(record: InboundRecord): string {
    return `${record.topic}/${record.partition}/${record.offset}`;
  }

  decode(record: InboundRecord): TradeMessage {
    let m = this.cache.get(record);
    if (!m) {
      m = readTradeMessage(record);
      this.cache.set(record, m);
    }
    return m;
  }

  abstract handle(ctx: BatchContext, messages: InboundMessage<TradeMessage>[]): Promise<void>;
}
