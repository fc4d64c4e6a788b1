import { Topics } from '@postera/contracts';
import type { BatchContext } from '@postera/platform';
import { ruleSetOn, type RuleSet } from '../../../ledger/domain/rules-engine.js';
import { loadRuleSets } from '../../../ledger/persistence/ledger.repository.js';
import { PositionBook, UNDO, type Recosting } from '../../../ledger/persistence/position-book.js';
import { takeStagedBefore, type StagedOp } from '../../../ledger/persistence/staged-ops.js';
import { reconcilePnlAtClose } from '../../../reconciliation/commands/reconcile-pnl/reconcile-pnl.js';
import { nettedLines, recostingPosting } from '../../domain/posting-rules.js';
import { appendJournal, journalEntry, type JournalEntry } from '../../../ledger/persistence/journal.repository.js';

/**
 * The topics whose operations move positions: a day is costed once its end is marked on every
 * partition of both (PartitionDayClosed: capture's close, settlement's once the CSD has reported).
 */
const COSTED_TOPICS = [Topics.tradeEvents, Topics.settlementEvents];

/**
 * The cost of a day, fixed where the logs mark its end. An operation on a position is booked at
 * its consideration when it arrives and staged with the last day marked on its partitions before
 * it; the first day marked on every partition of both topics after that costs it: the staged
 * operations go into their positions' histories in economic order (ledger/domain/cost-history.ts)
 * and each position posts its cost and realized result per accounting date (one entry, the
 * operations' corrections netted). The set of operations a day costs is fixed by the positions of
 * the markers in the logs, not by when each partition was read, so the same operations give the
 * same journal live, after a kill or in a replay from offset 0. An operation staged after its own
 * day was costed (a late trade, a settlement reported after the CSD's end of day) is costed by the
 * next day, its corrections to what followed it dated as they are.
 *
 * `completed`: the days a batch's markers completed on a topic (recordDayMarks). Days costed one
 * at a time in date order, each once, under a lock, so that of two batches completing a day on the
 * two topics, the second costs it.
 */
export async function costMarkedDays(ctx: BatchContext, completed: Map<string, string[]>, pnlTolerance: string): Promise<JournalEntry[]> {
  const candidates = [...new Set([...completed.values()].flat())].sort();
  if (candidates.length === 0) return [];
  await ctx.tx.query(`SELECT pg_advisory_xact_lock(hashtext('accounting.costed_days'))`);
  const ready = (await ctx.tx.query(
    `SELECT to_char(d, 'YYYY-MM-DD') AS d FROM unnest($1::date[]) AS d
     WHERE NOT EXISTS (SELECT 1 FROM accounting.costed_days c WHERE c.business_date = d)
       AND (SELECT count(*) FROM (SELECT topic FROM accounting.day_marks m WHERE m.business_date = d AND m.topic = ANY($2::text[])
                                  GROUP BY topic HAVING count(*) >= max(partitions)) t) = cardinality($2::text[])
     ORDER BY d`,
    [candidates, COSTED_TOPICS],
  )) as Array<{ d: string }>;
  const posted: JournalEntry[] = [];
  let sets: RuleSet[] | null = null;
  for (const { d } of ready) {
    const ops = await takeStagedBefore(ctx.tx, d);
    await ctx.tx.query(`INSERT INTO accounting.costed_days (business_date, operations) VALUES ($1, $2)`, [d, ops.length]);
    if (ops.length > 0) posted.push(...(await costDay(ctx, d, ops, (sets ??= await loadRuleSets(ctx.tx)))));
    // The day's realized P&L is in the journal only now: the desk's figures are compared here, not at the close.
    await reconcilePnlAtClose(ctx, d, pnlTolerance);
  }
  return posted;
}

/** The staged operations of a marked day into their positions, in economic order, and the cost entries that follow. */
async function costDay(ctx: BatchContext, d: string, ops: StagedOp[], sets: RuleSet[]): Promise<JournalEntry[]> {
  {
    const positions = await PositionBook.load(
      ctx.tx,
      ops.map((o) => ({
        account: o.account,
        isin: o.isin,
        book: o.meta.book,
        currency: o.meta.currency,
        method: o.costMethod,
        from: o.action === 'INSERT' ? o.key : o.key.slice(0, o.key.indexOf(UNDO)),
      })),
    );
    for (const o of ops) positions.cost(o);
    const entries = recostingEntries(sets, positions.takeRecostings());
    await positions.save();
    ctx.log.info({ businessDate: d, operations: ops.length, entries: entries.length }, 'day costed');
    return appendJournal(ctx.tx, entries);
  }
}

/**
 * The cost entries of a costing: for each operation, the cost side of its entry as the journal
 * holds it (the consideration, or a cost since corrected) reversed, and as it is in economic order;
 * one entry per position and accounting date, the corrections netted per account
 * (recostingPosting), dated as the operations are. Keyed by the position
 * (`POSITION:<account>:<isin>`); each operation's figures stay in accounting.position_ops. The cause
 * is the first operation's key with its new revision, which no later costing repeats.
 */
export function recostingEntries(sets: RuleSet[], recostings: Recosting[]): JournalEntry[] {
  const groups = new Map<string, Recosting[]>();
  for (const r of recostings) {
    const k = `${r.account}|${r.isin}|${r.op.meta.accountingDate}`;
    const group = groups.get(k);
    if (group) group.push(r);
    else groups.set(k, [r]);
  }
  const entries = [...groups.values()].map((group) => {
    const first = group.reduce((a, b) => (b.op.key < a.op.key ? b : a));
    const m = first.op.meta;
    const lines = group.flatMap((r) =>
      recostingPosting(
        ruleSetOn(sets, r.op.meta.accountingDate),
        { event: r.op.meta.event, recognition: r.op.meta.recognition, variant: r.op.side },
        r.from,
        r.to,
        { securitiesAccount: r.op.meta.securitiesAccount, aux: {} },
      ),
    );
    return journalEntry({
      tradeRef: `POSITION:${first.account}:${first.isin}`,
      kind: 'RECOSTING',
      accountingDate: m.accountingDate,
      causeEventId: `${first.account}|${first.isin}|${first.op.key}|${first.op.revision}`,
      book: m.book,
      currency: m.currency,
      lines: nettedLines(lines),
    });
  });
  // Corrections that net to nothing on a position and date post nothing.
  return entries.filter((e) => e.lines.length > 0);
}
