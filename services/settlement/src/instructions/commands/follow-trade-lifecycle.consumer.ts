import { Inject, Injectable } from '@nestjs/common';
import { Topics, type TradeAmendedV1, type TradeCancelledV1, type TradeEconomics, type TradeEventV1, type TradeValidatedV1 } from '@postera/contracts';
import { assert, Dec, deterministicId } from '@postera/kernel';
import { EnvelopeHandler, CONFIG, type BatchContext, type InboundMessage } from '@postera/platform';
import type { SettlementConfig } from '../../config.js';
import { instructionTypeFor } from '../domain/instruction-status.js';
import { decideLifecycle, NO_LIFECYCLE, type LifecycleEvent, type TradeLifecycleState } from '../domain/trade-lifecycle.js';
import {
  insertHistory,
  insertInstructions,
  loadInstructionsByTrade,
  loadTradeLifecycle,
  saveTradeLifecycle,
  updateInstructions,
  type HistoryRow,
  type InstructionRow,
} from '../persistence/instruction.repository.js';
import { instructionCancelled, instructionSent, sese023Of } from './instruction-messages.js';
import { statusChanged } from './status-event.js';
import { loadNettingAccounts, unwindNet } from './netting-close.js';

type LifecycleMessage =
  | { eventId: string; type: 'TradeValidated'; payload: TradeValidatedV1 }
  | { eventId: string; type: 'TradeAmended'; payload: TradeAmendedV1 }
  | { eventId: string; type: 'TradeCancelled'; payload: TradeCancelledV1 };

function asLifecycle(e: TradeEventV1): LifecycleMessage | null {
  switch (e.type) {
    case 'TradeValidated':
    case 'TradeAmended':
    case 'TradeCancelled':
      return e as LifecycleMessage;
    // Captured and confirmed trades do not go to settlement yet (DOMAIN.md §1: validated first); the rest is informational.
    case 'TradeCaptured':
    case 'TradeConfirmed':
    case 'CounterpartyConfirmationIssued':
    case 'UnconfirmedTradesAtClose':
      return null;
  }
  return null; // a type this version does not know (a newer producer): not ours to act on
}

function tradeRefOf(m: LifecycleMessage): string {
  return m.type === 'TradeAmended' ? m.payload.after.tradeRef : m.payload.trade.tradeRef;
}

function lifecycleEventOf(m: LifecycleMessage): LifecycleEvent {
  switch (m.type) {
    case 'TradeValidated':
      return { type: 'VALIDATED', version: m.payload.trade.version };
    case 'TradeAmended':
      return { type: 'AMENDED', version: m.payload.after.version };
    case 'TradeCancelled':
      return { type: 'CANCELLED', version: m.payload.cancelVersion };
  }
}

/**
 * trade.events.v1 → settlement instructions that follow the trade's lifecycle:
 * - TradeValidated: one instruction for that version, sent to the custodian (custodian.instructions.v1);
 * - TradeAmended / TradeCancelled: the live instruction, unless SETTLED, goes to CANCELLED and a
 *   cancellation (sese.020) goes to the custodian; a SETTLED one is left alone, logged and recorded.
 * Events of one trade are applied in partition order against its state loaded (and locked) for the
 * batch; every change is written, and announced on settlement.events.v1, in the batch's transaction.
 */
@Injectable()
export class FollowTradeLifecycleConsumer extends EnvelopeHandler<TradeEventV1> {
  readonly consumerId = 'settlement.trade-events';
  readonly topics = [Topics.tradeEvents];
  override readonly types = ['TradeValidated', 'TradeAmended', 'TradeCancelled'];

  constructor(@Inject(CONFIG) private readonly config: SettlementConfig) {
    super();
  }

  async handle(ctx: BatchContext, messages: InboundMessage<TradeEventV1>[]): Promise<void> {
    const lifecycle = messages.map((m) => asLifecycle(m.body)).filter((m): m is LifecycleMessage => m !== null);
    if (lifecycle.length === 0) return;
    const refs = lifecycle.map(tradeRefOf);
    const instructions = await loadInstructionsByTrade(ctx.tx, refs);
    const states = await loadTradeLifecycle(ctx.tx, refs);
    const nettingAccounts = await loadNettingAccounts(
      ctx.tx,
      lifecycle.filter((m) => m.type === 'TradeValidated').map((m) => (m.payload as TradeValidatedV1).trade.account),
    );
    const netsToUnwind = new Set<string>();
    const created = new Map<string, InstructionRow>();
    const changed = new Map<string, InstructionRow>();
    const history: HistoryRow[] = [];
    const statesChanged = new Map<string, TradeLifecycleState>();

    for (const m of lifecycle) {
      const ref = tradeRefOf(m);
      const rows = instructions.get(ref) ?? [];
      instructions.set(ref, rows);
      const { actions, state } = decideLifecycle(lifecycleEventOf(m), states.get(ref) ?? NO_LIFECYCLE, rows);
      states.set(ref, state);
      statesChanged.set(ref, state);
      const log = { correlationId: ref, eventId: m.eventId, event: m.type };
      for (const action of actions) {
        switch (action.kind) {
          case 'instruct': {
            assert(m.type === 'TradeValidated', `an instruction is created only on TradeValidated, not ${m.type}`);
            const held = nettingAccounts.has(m.payload.trade.account);
            const row = this.newInstruction(m.payload.trade, held);
            rows.push(row);
            created.set(row.instructionId, row);
            if (held) {
              // The account nets: the trade waits for the close of the business day before its settlement date (netting-close.ts).
              history.push({ instructionId: row.instructionId, seq: 1, status: 'CREATED', reason: 'HELD_FOR_NETTING', causeEventId: m.eventId });
              ctx.emit({ topic: Topics.settlementEvents, key: ref, event: statusChanged(row, m.eventId) });
              break;
            }
            history.push(
              { instructionId: row.instructionId, seq: 1, status: 'CREATED', reason: null, causeEventId: m.eventId },
              { instructionId: row.instructionId, seq: 2, status: 'SENT', reason: null, causeEventId: m.eventId },
            );
            ctx.emit({ topic: Topics.custodianInstructions, key: ref, event: instructionSent(row, m.eventId) });
            ctx.emit({ topic: Topics.settlementEvents, key: ref, event: statusChanged(row, m.eventId) });
            break;
          }
          case 'cancel': {
            const row = rows.find((r) => r.instructionId === action.instructionId)!;
            const wasHeld = row.status === 'CREATED';
            const net = row.netInstructionId;
            Object.assign(row, { status: 'CANCELLED', reason: action.reason, seq: row.seq + 1 });
            if (!created.has(row.instructionId)) changed.set(row.instructionId, row);
            history.push({ instructionId: row.instructionId, seq: row.seq, status: 'CANCELLED', reason: action.reason, causeEventId: m.eventId });
            // A held trade was never sent: nothing to cancel at the CSD. A netted one: its net instruction is cancelled and re-formed without it.
            if (net) netsToUnwind.add(net);
            else if (!wasHeld) ctx.emit({ topic: Topics.custodianInstructions, key: ref, event: instructionCancelled(row, m.eventId) });
            ctx.emit({ topic: Topics.settlementEvents, key: ref, event: statusChanged(row, m.eventId) });
            break;
          }
          case 'record': {
            // Never un-settle: the instruction keeps its state; the history says what was asked and by which event.
            const row = rows.find((r) => r.instructionId === action.instructionId)!;
            row.seq += 1;
            if (!created.has(row.instructionId)) changed.set(row.instructionId, row);
            history.push({ instructionId: row.instructionId, seq: row.seq, status: row.status, reason: action.reason, causeEventId: m.eventId });
            ctx.log.warn(
              { ...log, instructionId: row.instructionId, reason: action.reason },
              'trade moved after its instruction settled; left settled, recorded',
            );
            break;
          }
          case 'ignore':
            ctx.log.info({ ...log, why: action.why }, 'trade event changes no instruction');
            break;
        }
      }
    }
    // Cancellations first: they free the live slot (partial unique index) that a new version's instruction takes.
    await updateInstructions(ctx.tx, [...changed.values()]);
    const inserted = await insertInstructions(ctx.tx, [...created.values()]);
    assert(inserted.size === created.size, `instructions not inserted: ${[...created.keys()].filter((id) => !inserted.has(id)).join(', ')}`);
    await insertHistory(ctx.tx, history);
    await saveTradeLifecycle(ctx.tx, statesChanged);
    for (const netId of netsToUnwind) await unwindNet(ctx, netId, lifecycle[0]!.eventId);
  }

  private newInstruction(t: TradeEconomics, held: boolean): InstructionRow {
    const free = new Dec(t.netAmount).isZero();
    const receive = t.side === 'BUY';
    const row: InstructionRow = {
      instructionId: deterministicId('instruction', t.tradeRef, String(t.version)),
      tradeRef: t.tradeRef,
      tradeVersion: t.version,
      // Against payment, unless no cash moves (a net amount of zero): then free of payment.
      instructionType: free ? (receive ? 'RFP' : 'DFP') : instructionTypeFor(t.side),
      side: t.side,
      isin: t.isin,
      quantity: t.quantity,
      // The cash that moves against the securities: the net amount (gross + accrued interest ± fees).
      settlementAmount: t.netAmount,
      currency: t.currency,
      tradeDate: t.tradeDate,
      intendedSettlementDate: t.settlementDate,
      account: t.account,
      counterparty: t.counterparty,
      // The instrument's CSD from the referential; the configured default for a trade that names none.
      placeOfSettlement: t.placeOfSettlement ? t.placeOfSettlement : this.config.DEFAULT_PLACE_OF_SETTLEMENT,
      clientId: t.clientId,
      book: t.book,
      status: held ? 'CREATED' : 'SENT',
      reason: held ? 'HELD_FOR_NETTING' : null,
      settledQuantity: null,
      settledAmount: null,
      effectiveSettlementDate: null,
      seq: held ? 1 : 2,
      quantityType: t.priceType === 'PERCENT' ? 'FAMT' : 'UNIT',
      partialIndicator: this.config.PARTIAL_SETTLEMENT_INDICATOR,
      cashDirection: receive ? 'DBIT' : 'CRDT',
      ssis: t.ssis ?? { account: null, counterparty: null },
      attempt: 1,
      isNet: false,
      netInstructionId: null,
      matchedDate: null,
      xml: null,
    };
    if (!held) row.xml = sese023Of(row);
    return row;
  }
}
