import { Inject, Injectable } from '@nestjs/common';
import type { BusinessDayV1 } from '@postera/contracts';
import { addDays } from '@postera/kernel';
import { CONFIG, type BatchContext, type BusinessDayHooks } from '@postera/platform';
import { ActivityProjection } from '../activity/activity.projection.js';
import type { ReportingConfig } from '../config.js';
import { lastBusinessDayOf } from './periods.js';
import { fileActivity, fileBdf, fileMifir, fileTtf, reportingCalendar, type Filed } from './report-builders.js';

/**
 * What reporting files at the close of a business day, in the transaction that records the close
 * (a replayed close is ignored by the platform, so nothing is filed twice): the end-of-day summary;
 * the MiFIR reports due (D+1 at the latest); the activity report; at the close of a month's last
 * business day (TARGET, as the referential publishes it), the month's TTF declaration and Banque de France reports, with the
 * holdings of that day. What reaches reporting after that close (the settlements the CSD makes at
 * it) is seen at the first close of the next month: the month's declarations are built again, and
 * filed as a correction that says what changed only when their bytes differ.
 */
@Injectable()
export class ReportingDay implements BusinessDayHooks {
  constructor(
    private readonly activity: ActivityProjection,
    @Inject(CONFIG) private readonly config: ReportingConfig,
  ) {}

  async onDayClosed(ctx: BatchContext, day: BusinessDayV1, causeEventId: string): Promise<void> {
    const month = day.businessDate.slice(0, 7);
    const previousMonth = addDays(`${month}-01`, -1).slice(0, 7);
    const firstCloseOfMonth = !(await this.closedBefore(ctx, month, day.businessDate));
    await this.activity.onDayClosed(ctx, day, causeEventId);
    const calendar = await reportingCalendar(ctx.tx);
    const filed: Filed[] = [];
    const mifir = await fileMifir(ctx.tx, this.config, calendar, day.businessDate, 'system', causeEventId);
    if (mifir) filed.push(mifir);
    filed.push(await fileActivity(ctx.tx, this.config, calendar, day.businessDate, 'system', causeEventId));
    if (firstCloseOfMonth && (await this.filed(ctx, previousMonth))) filed.push(...(await this.refiledIfChanged(ctx, previousMonth, causeEventId)));
    else if (firstCloseOfMonth && (await this.closedBefore(ctx, previousMonth))) filed.push(...(await this.declarations(ctx, previousMonth, causeEventId)));
    if (day.businessDate === lastBusinessDayOf(month, (d) => calendar.isBusinessDay(d)) && !(await this.filed(ctx, month)))
      filed.push(...(await this.declarations(ctx, month, causeEventId)));
    for (const f of filed) for (const e of f.events) ctx.emit(e);
  }

  private async declarations(ctx: BatchContext, month: string, causeEventId: string): Promise<Filed[]> {
    return [await fileTtf(ctx.tx, this.config, month, 'system', causeEventId), ...(await fileBdf(ctx.tx, this.config, month, 'system', causeEventId))];
  }

  /** The month's declarations built again; kept as corrections only where a file's bytes changed (a savepoint undoes the rest). */
  private async refiledIfChanged(ctx: BatchContext, month: string, causeEventId: string): Promise<Filed[]> {
    const kept: Filed[] = [];
    for (const build of [
      async () => [await fileTtf(ctx.tx, this.config, month, 'system', causeEventId)],
      () => fileBdf(ctx.tx, this.config, month, 'system', causeEventId),
    ]) {
      await ctx.tx.query('SAVEPOINT refile');
      const runs = await build();
      const changed = (await ctx.tx.query(
        `SELECT count(*)::int AS n FROM reporting.report_runs r JOIN reporting.report_runs p ON p.run_id = r.replaces
          WHERE r.run_id = ANY($1::uuid[]) AND r.checksum_sha256 <> p.checksum_sha256`,
        [runs.map((r) => r.runId)],
      )) as Array<{ n: number }>;
      if ((changed[0]?.n ?? 0) > 0) kept.push(...runs);
      else await ctx.tx.query('ROLLBACK TO SAVEPOINT refile');
      await ctx.tx.query('RELEASE SAVEPOINT refile');
    }
    return kept;
  }

  /** Whether a business day of the month was closed here (before `before`, when given). */
  private async closedBefore(ctx: BatchContext, month: string, before?: string): Promise<boolean> {
    const [row] = (await ctx.tx.query(
      `SELECT EXISTS (SELECT 1 FROM reporting.eod_reports WHERE to_char(business_date, 'YYYY-MM') = $1 AND ($2::date IS NULL OR business_date < $2::date)) AS closed`,
      [month, before ?? null],
    )) as Array<{ closed: boolean }>;
    return !!row?.closed;
  }

  private async filed(ctx: BatchContext, month: string): Promise<boolean> {
    const [row] = (await ctx.tx.query(
      `SELECT EXISTS (SELECT 1 FROM reporting.report_runs WHERE kind = 'TTF' AND to_char(period_start, 'YYYY-MM') = $1) AS filed`,
      [month],
    )) as Array<{ filed: boolean }>;
    return !!row?.filed;
  }
}
