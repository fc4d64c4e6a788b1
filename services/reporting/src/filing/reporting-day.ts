import { Inject, Injectable } from '@nestjs/common';
import type { BusinessDayV1 } from '@postera/contracts';
import { addDays } from '@postera/kernel';
import { CONFIG, type BatchContext, type BusinessDayHooks } from '@postera/platform';
import { ActivityConsumer } from '../activity/activity.consumer.js';
import type { ReportingConfig } from '../config.js';
import { fileActivity, fileBdf, fileMifir, fileTtf, type Filed } from './report-builders.js';

/**
 * What reporting files at the close of a business day, in the transaction that records the close
 * (a replayed close is ignored by the platform, so nothing is filed twice):
 * the end-of-day summary; the MiFIR reports due (D+1 at the latest); the activity report; and, at
 * the first close of a month, the previous month's TTF declaration and Banque de France reports
 * (the month's last settlements arrive at its last close, after reporting took that close).
 */
@Injectable()
export class ReportingDay implements BusinessDayHooks {
  constructor(
    private readonly activity: ActivityConsumer,
    @Inject(CONFIG) private readonly config: ReportingConfig,
  ) {}

  async onDayClosed(ctx: BatchContext, day: BusinessDayV1, causeEventId: string): Promise<void> {
    await this.activity.onDayClosed(ctx, day, causeEventId);
    const filed: Filed[] = [];
    const mifir = await fileMifir(ctx.tx, this.config, day.businessDate, 'system', causeEventId);
    if (mifir) filed.push(mifir);
    filed.push(await fileActivity(ctx.tx, this.config, day.businessDate, 'system', causeEventId));
    const previousMonth = addDays(`${day.businessDate.slice(0, 7)}-01`, -1).slice(0, 7);
    if (await this.monthToFile(ctx, previousMonth)) {
      filed.push(await fileTtf(ctx.tx, this.config, previousMonth, 'system', causeEventId));
      filed.push(...(await fileBdf(ctx.tx, this.config, previousMonth, 'system', causeEventId)));
    }
    for (const f of filed) for (const e of f.events) ctx.emit(e);
  }

  /** The previous month had business days closed here and its declarations are not filed yet. */
  private async monthToFile(ctx: BatchContext, month: string): Promise<boolean> {
    const [row] = (await ctx.tx.query(
      `SELECT EXISTS (SELECT 1 FROM reporting.eod_reports WHERE to_char(business_date, 'YYYY-MM') = $1) AS closed,
              EXISTS (SELECT 1 FROM reporting.report_runs WHERE kind = 'TTF' AND to_char(period_start, 'YYYY-MM') = $1) AS filed`,
      [month],
    )) as Array<{ closed: boolean; filed: boolean }>;
    return !!row && row.closed && !row.filed;
  }
}
