import { newId } from '@postera/kernel';
import type { BatchContext } from '@postera/platform';
import type { EntityManager } from 'typeorm';
import { comparePnl } from '../../domain/compare.js';
import { accountingPnl } from '../../persistence/our-side.repository.js';
import { recordRun, type RunReport } from '../../persistence/runs.repository.js';

/** Accounting P&L vs the desk's management P&L of the day, per book and currency, with a tolerance. */
export async function reconcilePnl(tx: EntityManager, date: string, tolerance: string): Promise<RunReport> {
  const ours = await accountingPnl(tx, date);
  const desk = (await tx.query(`SELECT book, currency, amount::text AS amount FROM accounting.desk_pnl WHERE pnl_date = $1`, [date])) as Array<{
    book: string;
    currency: string;
    amount: string;
  }>;
  const theirs = new Map(desk.map((d) => [`${d.book}|${d.currency}`, d.amount]));
  return recordRun(tx, { runId: newId(), kind: 'PNL', subject: `PNL`, asOf: date }, comparePnl(ours, theirs, tolerance), []);
}

/** At a close: the P&L reconciliation of the day when the desk has sent its figures. */
export async function reconcilePnlAtClose(ctx: BatchContext, date: string, tolerance: string): Promise<void> {
  const [n] = (await ctx.tx.query(`SELECT count(*)::int AS n FROM accounting.desk_pnl WHERE pnl_date = $1`, [date])) as Array<{ n: number }>;
  if ((n?.n ?? 0) > 0) await reconcilePnl(ctx.tx, date, tolerance);
}
