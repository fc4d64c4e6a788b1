import type { SettlementEvent } from '@postera/contracts';
import type { BatchContext } from '@postera/platform';
import type { JournalEntry } from '../../../ledger/persistence/journal.repository.js';
import { loadTrades } from '../../persistence/trade.repository.js';
import { applySettlements, writeSettlements } from '../post-settlement-events/settlement-steps.js';

/**
 * Settles what was parked before its trade (or the amended version it settles) was known. Run
 * after every batch that books trades and at each close; a settlement and its trade arriving
 * together are serialized (lockTradesAgainstParking), so the trade's batch sees what was parked. A parked settlement whose trade has since been cancelled or superseded is held.
 * Rows another batch is releasing are skipped (SKIP LOCKED), not waited for: that batch deletes
 * them when it commits, or leaves them to the next run if it rolls back.
 */
export async function releaseParkedSettlements(ctx: BatchContext): Promise<JournalEntry[]> {
  const parked = (await ctx.tx.query(
    `SELECT p.event, p.marked_through AS "markedThrough" FROM accounting.parked_settlements p
     WHERE EXISTS (SELECT 1 FROM accounting.trades t WHERE t.trade_ref = p.trade_ref)
     ORDER BY p.parked_seq FOR UPDATE OF p SKIP LOCKED`,
  )) as Array<{ event: SettlementEvent; markedThrough: string }>;
  if (parked.length === 0) return [];
  const events = parked.map((p) => p.event);
  const trades = await loadTrades(
    ctx.tx,
    events.map((e) => e.payload.tradeRef),
  );
  const applied = await applySettlements(ctx, trades, parked);
  const stillWaiting = new Set(applied.waiting.map((w) => w.event.eventId));
  await ctx.tx.query(`DELETE FROM accounting.parked_settlements WHERE event_id = ANY($1::text[])`, [
    events.filter((e) => !stillWaiting.has(e.eventId)).map((e) => e.eventId),
  ]);
  return writeSettlements(ctx, applied);
}
