import { envelope, Topics, type AccountingEvent } from '@postera/contracts';
import { Dec } from '@postera/kernel';
import type { BatchContext } from '@postera/platform';
import type { JournalEntry } from '../../ledger/persistence/journal.repository.js';

/**
 * Kinds announced on accounting.events.v1: a trade's entries, keyed by its reference, and the FX
 * revaluations, keyed `FX:<book>:<currency>`, with the result they book (reporting's activity report).
 * TTF accruals and recostings are not announced.
 */
const ANNOUNCED = new Set<JournalEntry['kind']>([
  'TRADE_DATE_COMMITMENT',
  'TRADE_DATE_COMMITMENT_REVERSAL',
  'SETTLEMENT',
  'PENALTY',
  'PENALTY_WAIVER',
  'FX_REVALUATION',
]);

/** Credits less debits on the P&L accounts (PCG classes 6 and 7): a gain positive, a loss negative. */
const pnlResult = (lines: JournalEntry['lines']): Dec =>
  lines.filter((l) => /^[67]/.test(l.accountCode)).reduce((s, l) => s.plus(l.credit).minus(l.debit), new Dec(0));

export function announce(ctx: BatchContext, posted: JournalEntry[]): void {
  for (const e of posted) {
    if (!ANNOUNCED.has(e.kind)) continue;
    const total = e.lines.reduce((s, l) => s.plus(l.debit), new Dec(0));
    const event: AccountingEvent = envelope({
      eventId: e.entryId,
      type: 'JournalEntryPosted',
      producer: 'accounting',
      correlationId: e.tradeRef,
      causationId: e.causeEventId,
      payload: {
        entryId: e.entryId,
        tradeRef: e.tradeRef,
        kind: e.kind,
        accountingDate: e.accountingDate,
        currency: e.currency,
        total: total.toFixed(),
        lines: e.lines.length,
        ...(e.kind === 'FX_REVALUATION' ? { result: pnlResult(e.lines).toFixed() } : {}),
      },
    });
    ctx.emit({ topic: Topics.accountingEvents, key: e.tradeRef, event });
  }
}
