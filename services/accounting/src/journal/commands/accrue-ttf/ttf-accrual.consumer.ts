import { Inject, Injectable } from '@nestjs/common';
import { Topics, type ReportingEvent } from '@postera/contracts';
import { Dec } from '@postera/kernel';
import { CONFIG, EnvelopeHandler, type BatchContext, type InboundMessage } from '@postera/platform';
import type { AccountingConfig } from '../../../config.js';
import { correctLateFxLines } from '../../../fx/commands/revalue-positions/revaluation.js';
import { applyRules, reversalOf, ruleSetOn } from '../../../ledger/domain/rules-engine.js';
import { appendJournal, asJournalWriter, entryLines, journalEntry, type JournalEntry } from '../../../ledger/persistence/journal.repository.js';
import { accountInfos, loadRuleSets, type AccountInfo } from '../../../ledger/persistence/ledger.repository.js';
import { announce } from '../announce.js';

/**
 * reporting.events.v1 TtfAssessed → the TTF accrued, dated the trade date: charged to the client
 * (client settlement account) or a proprietary book's expense, against TTF payable. A
 * re-assessment reverses the one it supersedes (its lines mirrored) and books itself.
 */
@Injectable()
export class TtfAccrualConsumer extends EnvelopeHandler<ReportingEvent> {
  readonly consumerId = 'accounting.ttf';
  readonly topics = [Topics.reportingEvents];
  // Reporting's other announcements (ReportFiled, EndOfDayReportProduced) are skipped without a transaction.
  override readonly types = ['TtfAssessed'];

  constructor(@Inject(CONFIG) private readonly config: AccountingConfig) {
    super();
  }

  async handle(ctx: BatchContext, messages: InboundMessage<ReportingEvent>[]): Promise<void> {
    const assessed = messages.map((m) => m.body).filter((e) => e.type === 'TtfAssessed');
    if (assessed.length === 0) return;
    await asJournalWriter(ctx, this.config.JOURNAL_WRITER_ROLE);
    const sets = await loadRuleSets(ctx.tx);
    // Who is charged as the assessment carries it; assessments made before it was carried read accounts_ref.
    const unstated = assessed.filter((e) => e.payload.accountType === undefined || e.payload.clientId === undefined).map((e) => e.payload.account);
    const infos = unstated.length > 0 ? await accountInfos(ctx.tx, unstated) : new Map<string, AccountInfo>();
    const superseded = assessed.flatMap((e) =>
      e.payload.supersedes ? [journalEntry({ ...ttfBase(e), causeEventId: e.payload.supersedes, lines: [] }).entryId] : [],
    );
    const old = await entryLines(ctx.tx, superseded);
    const entries: JournalEntry[] = [];
    for (const e of assessed) {
      const p = e.payload;
      if (p.supersedes) {
        const lines = old.get(journalEntry({ ...ttfBase(e), causeEventId: p.supersedes, lines: [] }).entryId);
        if (lines) entries.push(journalEntry({ ...ttfBase(e), causeEventId: `${e.eventId}:reverses:${p.supersedes}`, lines: reversalOf(lines) }));
        else ctx.log.warn({ eventId: e.eventId, supersedes: p.supersedes }, 'superseded TTF assessment not booked here; nothing reversed');
      }
      const info = infos.get(p.account);
      const accountType = p.accountType ?? info?.accountType;
      entries.push(
        journalEntry({
          ...ttfBase(e),
          causeEventId: e.eventId,
          lines: applyRules(
            ruleSetOn(sets, p.tradeDate),
            { event: 'TTF_ACCRUAL', recognition: 'SETTLEMENT_DATE', variant: accountType === 'PROPRIETARY' ? 'PROPRIETARY' : 'CLIENT' },
            { amount: new Dec(p.amount) },
            { securitiesAccount: '', aux: { CLIENT: p.clientId ?? info?.clientId ?? p.account } },
          ),
        }),
      );
    }
    announce(ctx, await correctLateFxLines(ctx, await appendJournal(ctx.tx, entries)));
  }
}

const ttfBase = (e: ReportingEvent) => ({
  tradeRef: `TTF:${e.payload.account}:${e.payload.isin}:${e.payload.tradeDate}`,
  kind: 'TTF_ACCRUAL' as const,
  accountingDate: e.payload.tradeDate,
  book: e.payload.book,
  currency: e.payload.currency,
});
