import { envelope, Topics, type TradeExecutedV1, type TradeEventV1 } from '@postera/contracts';
import { deterministicId, newId, tradeRef } from '@postera/kernel';
import type { BatchContext, BatchHandler, InboundMessage, InboundRecord } from '@postera/platform';
import { Injectable } from '@nestjs/common';
import { inputProblems, type InputProblem } from '../../domain/trade-input-rules.js';
import { economicsProblems, tradeEconomics, type AccountRef } from '../../domain/trade-economics.js';
import { contentHash, readTradeMessage, type TradeMessage } from './trade-message.js';
import {
  insertExceptions,
  insertReceipts,
  insertTrades,
  loadReferential,
  loadTradeHashes,
  type ExceptionRow,
  type ReceiptRow,
} from '../../persistence/capture.repository.js';

/**
 * trades.executed.v1 → trades or exceptions. One batch is one transaction: the referential and
 * existing trades are read once for the batch, and trades, receipts and exceptions are each
 * written with one statement.
 */
@Injectable()
export class TradeExecutedConsumer implements BatchHandler<TradeMessage> {
  readonly consumerId = 'capture.trades-executed';
  readonly topics = [Topics.tradesExecuted];
  private readonly cache = new WeakMap<InboundRecord, TradeMessage>();

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
    const parsed = messages.flatMap((m) => (m.body.kind === 'parsed' ? [m.body.fields] : []));
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    const ref = await loadReferential(ctx.tx, {
      accounts: parsed.map((f) => str(f.account)),
      isins: parsed.map((f) => str(f.isin)),
      leis: parsed.map((f) => str(f.counterparty)),
    });
    const known = await loadTradeHashes(
      ctx.tx,
      parsed.map((f) => tradeRef(str(f.sourceSystem), str(f.tradeId))),
    );

    const trades: Array<{ economics: ReturnType<typeof tradeEconomics>; messageId: string; hash: string }> = [];
    const receipts: ReceiptRow[] = [];
    const exceptions: ExceptionRow[] = [];
    const raise = (m: TradeMessage, reasons: InputProblem[], ref: string | null) => {
      exceptions.push({ exceptionId: newId(), messageId: m.messageId, tradeRef: ref, reasons, record: m.record });
      receipts.push({ messageId: m.messageId, outcome: 'EXCEPTION', tradeRef: ref });
    };

    for (const { body: m } of messages) {
      if (m.kind === 'malformed') {
        raise(m, [{ field: '(message)', value: null, rule: m.reason }], null);
        continue;
      }
      const f = m.fields;
      const problems = inputProblems(f);
      const account = ref.accounts.get(str(f.account));
      const instrument = ref.instruments.get(str(f.isin));
      if (typeof f.account === 'string' && !account) problems.push({ field: 'account', value: f.account, rule: 'unknown to the referential' });
      if (typeof f.isin === 'string' && problems.every((p) => p.field !== 'isin') && !instrument)
        problems.push({ field: 'isin', value: f.isin, rule: 'instrument unknown to the referential' });
      if (instrument && typeof f.currency === 'string' && instrument.currency !== f.currency) {
        problems.push({ field: 'currency', value: f.currency, rule: `instrument ${instrument.isin} trades in ${instrument.currency}` });
      }
      if (typeof f.counterparty === 'string' && problems.every((p) => p.field !== 'counterparty') && !ref.parties.has(f.counterparty)) {
        problems.push({ field: 'counterparty', value: f.counterparty, rule: 'counterparty unknown to the referential' });
      }
      const tRef = typeof f.sourceSystem === 'string' && typeof f.tradeId === 'string' ? tradeRef(f.sourceSystem, f.tradeId) : null;
      if (problems.length === 0 && f.action !== 'NEW') {
        problems.push({ field: 'action', value: f.action, rule: 'amendments and cancellations are held for an operator until version handling is enabled' });
      }
      if (problems.length > 0 || !account || !tRef) {
        raise(m, problems, tRef);
        continue;
      }
      const economics = tradeEconomics(f as unknown as TradeExecutedV1, account as AccountRef);
      const figures = economicsProblems(economics);
      if (figures.length > 0) {
        raise(m, figures, tRef);
        continue;
      }
      const hash = contentHash(f);
      const existing = known.get(tRef);
      if (existing) {
        if (existing.version === f.version && existing.hash === hash) {
          receipts.push({ messageId: m.messageId, outcome: 'DUPLICATE', tradeRef: tRef });
        } else {
          raise(
            m,
            [{ field: 'tradeId', value: f.tradeId, rule: `conflicting duplicate: ${tRef} version ${existing.version} already captured with another content` }],
            tRef,
          );
        }
        continue;
      }
      known.set(tRef, { version: economics.version, hash });
      trades.push({ economics, messageId: m.messageId, hash });
      receipts.push({ messageId: m.messageId, outcome: 'CAPTURED', tradeRef: tRef });
      const event: TradeEventV1 = envelope({
        eventId: deterministicId('TradeCaptured', tRef, String(economics.version)),
        type: 'TradeCaptured',
        producer: 'capture',
        correlationId: tRef,
        causationId: m.messageId,
        payload: { trade: economics, status: 'CAPTURED' },
      });
      ctx.emit({ topic: Topics.tradeEvents, key: tRef, event });
    }

    await insertTrades(ctx.tx, trades);
    await insertReceipts(ctx.tx, receipts);
    await insertExceptions(ctx.tx, exceptions);
    if (exceptions.length > 0)
      ctx.log.warn(
        { exceptions: exceptions.map((e) => ({ messageId: e.messageId, correlationId: e.tradeRef, reasons: e.reasons.length })) },
        'inputs held as exceptions',
      );
  }
}
