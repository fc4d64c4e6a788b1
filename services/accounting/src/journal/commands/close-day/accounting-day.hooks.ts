import { Inject, Injectable } from '@nestjs/common';
import type { BusinessDayV1 } from '@postera/contracts';
import { CONFIG, type BatchContext, type BusinessDayHooks } from '@postera/platform';
import type { AccountingConfig } from '../../../config.js';
import { correctLateFxLines, revalueAtClose } from '../../../fx/commands/revalue-positions/revaluation.js';
import { asJournalWriter } from '../../../ledger/persistence/journal.repository.js';
import { announce } from '../announce.js';
import { releaseParkedSettlements } from '../release-parked-settlements/release-parked-settlements.js';

/** At the close of a business day: nothing parked stays behind its trade; FX revaluation. (The P&L reconciliation runs when the day is costed.) */
@Injectable()
export class AccountingDayHooks implements BusinessDayHooks {
  constructor(@Inject(CONFIG) private readonly config: AccountingConfig) {}

  async onDayClosed(ctx: BatchContext, day: BusinessDayV1, causeEventId: string): Promise<void> {
    await asJournalWriter(ctx, this.config.JOURNAL_WRITER_ROLE);
    const released = await releaseParkedSettlements(ctx);
    announce(ctx, released);
    announce(ctx, await revalueAtClose(ctx, day.businessDate, causeEventId));
    // After the close, which revalued what it holds: a released line of a currency without a rate today may be late for an earlier close.
    announce(ctx, await correctLateFxLines(ctx, released));
  }
}
