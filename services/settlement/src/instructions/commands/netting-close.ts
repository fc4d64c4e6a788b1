import { Inject, Injectable } from '@nestjs/common';
import { Topics, type BusinessDayV1 } from '@postera/contracts';
import { Dec, deterministicId, nextBusinessDay } from '@postera/kernel';
import { CONFIG, type BatchContext, type BusinessDayHooks, readCalendar } from '@postera/platform';
import type { EntityManager } from 'typeorm';
import type { SettlementConfig } from '../../config.js';
import { netGroups, netInstructionShape } from '../domain/netting.js';
import {
  findInstruction,
  insertHistory,
  insertInstructions,
  loadHeldForNetting,
  loadNetMembers,
  updateInstructions,
  type HistoryRow,
  type InstructionRow,
} from '../persistence/instruction.repository.js';
import { instructionCancelled, instructionSent, sese023Of } from './instruction-messages.js';
import { statusChanged } from './status-event.js';

/** The accounts among these whose agreement asks for netting (refdata.accounts.v1). */
export async function loadNettingAccounts(tx: EntityManager, accounts: string[]): Promise<Set<string>> {
  if (accounts.length === 0) return new Set();
  const rows = (await tx.query(`SELECT account FROM settlement.accounts WHERE netting AND account = ANY($1::text[])`, [[...new Set(accounts)]])) as Array<{
    account: string;
  }>;
  return new Set(rows.map((r) => r.account));
}

/**
 * When a net instruction is formed: at the close of the business day before the intended
 * settlement date (so every trade validated until then for that date nets into one instruction).
 * At the close of D, every held trade whose intended date is on or before the next business day
 * is netted; one validated later than that (late) is netted at the next close, settling late.
 */
export async function formNets(ctx: BatchContext, day: string, calendar: string, cause: string): Promise<number> {
  const until = nextBusinessDay(day, await readCalendar(ctx.tx, 'settlement', calendar));
  const held = await loadHeldForNetting(ctx.tx, until);
  const created: InstructionRow[] = [];
  const changed: InstructionRow[] = [];
  const history: HistoryRow[] = [];
  for (const g of netGroups(held)) {
    const members = g.members.map((m) => held.find((h) => h.instructionId === m.instructionId)!);
    if (new Dec(g.netQuantity).isZero()) {
      // Nothing to deliver either way; a payment free of delivery is not instructed here: left held for an operator.
      ctx.log.warn({ key: g.key, netCash: g.netCash, trades: members.map((m) => m.tradeRef) }, 'net quantity is zero: not instructed, left held');
      continue;
    }
    const shape = netInstructionShape(g);
    const netId = deterministicId('net-instruction', g.key, ...members.map((m) => m.instructionId));
    const first = members[0]!;
    const net: InstructionRow = {
      ...first,
      instructionId: netId,
      tradeRef: `NET:${netId}`,
      tradeVersion: 1,
      instructionType: shape.instructionType,
      side: shape.side,
      quantity: new Dec(g.netQuantity).abs().toFixed(),
      settlementAmount: new Dec(g.netCash).abs().toFixed(),
      cashDirection: shape.cashDirection,
      tradeDate: members
        .map((m) => m.tradeDate)
        .sort()
        .at(-1)!,
      // A net instruction settles whole: spreading a partial step over the gross trades has no agreed rule.
      partialIndicator: 'NPAR',
      status: 'SENT',
      reason: null,
      seq: 2,
      attempt: 1,
      isNet: true,
      netInstructionId: null,
      xml: null,
    };
    net.xml = sese023Of(net);
    created.push(net);
    history.push(
      { instructionId: netId, seq: 1, status: 'CREATED', reason: `NETTED_FROM_${members.length}`, causeEventId: cause },
      { instructionId: netId, seq: 2, status: 'SENT', reason: null, causeEventId: cause },
    );
    ctx.emit({
      topic: Topics.custodianInstructions,
      key: net.tradeRef,
      event: instructionSent(
        net,
        cause,
        '',
        members.map((m) => m.tradeRef),
      ),
    });
    for (const m of members) {
      Object.assign(m, { status: 'SENT', reason: 'NETTED', netInstructionId: netId, seq: m.seq + 1 });
      changed.push(m);
      history.push({ instructionId: m.instructionId, seq: m.seq, status: 'SENT', reason: 'NETTED', causeEventId: cause });
      ctx.emit({ topic: Topics.settlementEvents, key: m.tradeRef, event: statusChanged(m, cause) });
    }
  }
  // The net rows first: the members reference them.
  await insertInstructions(ctx.tx, created);
  await updateInstructions(ctx.tx, changed);
  await insertHistory(ctx.tx, history);
  return created.length;
}

/**
 * A member of a net instruction was amended or cancelled: the net instruction is cancelled at the
 * CSD (sese.020) and its other live members go back to being held, to be netted again at the next close.
 */
export async function unwindNet(ctx: BatchContext, netId: string, cause: string): Promise<void> {
  const net = await findInstruction(ctx.tx, netId, true);
  if (!net || net.status === 'SETTLED' || net.status === 'CANCELLED') return;
  Object.assign(net, { status: 'CANCELLED', reason: 'NET_REFORMED', seq: net.seq + 1 });
  const history: HistoryRow[] = [{ instructionId: netId, seq: net.seq, status: 'CANCELLED', reason: 'NET_REFORMED', causeEventId: cause }];
  ctx.emit({ topic: Topics.custodianInstructions, key: net.tradeRef, event: instructionCancelled(net, cause) });
  const members = ((await loadNetMembers(ctx.tx, [netId])).get(netId) ?? []).filter((m) => m.status !== 'CANCELLED' && m.status !== 'SETTLED');
  for (const m of members) {
    Object.assign(m, { status: 'CREATED', reason: 'HELD_FOR_NETTING', netInstructionId: null, seq: m.seq + 1 });
    history.push({ instructionId: m.instructionId, seq: m.seq, status: 'CREATED', reason: 'HELD_FOR_NETTING', causeEventId: cause });
    ctx.emit({ topic: Topics.settlementEvents, key: m.tradeRef, event: statusChanged(m, cause) });
  }
  await updateInstructions(ctx.tx, [net, ...members]);
  await insertHistory(ctx.tx, history);
}

/** Settlement's close of day: net instructions are formed (netting-close.ts). */
@Injectable()
export class SettlementDayHooks implements BusinessDayHooks {
  constructor(@Inject(CONFIG) private readonly config: SettlementConfig) {}

  async onDayClosed(ctx: BatchContext, day: BusinessDayV1, causeEventId: string): Promise<void> {
    const formed = await formNets(ctx, day.businessDate, this.config.SETTLEMENT_CALENDAR, causeEventId);
    if (formed > 0) ctx.log.info({ businessDate: day.businessDate, formed }, 'net instructions formed at close');
  }
}
