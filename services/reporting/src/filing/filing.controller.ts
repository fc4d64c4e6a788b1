import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  StreamableFile,
  UnprocessableEntityException,
} from '@nestjs/common';
import { REPORT_KINDS, type ReportKind } from '@postera/contracts';
import { isIsoDate } from '@postera/kernel';
import {
  appendToOutbox,
  CONFIG,
  currentBusinessDay,
  CurrentOperator,
  emptyPageAfter,
  MAKERS,
  pageRequest,
  READERS,
  Roles,
  UUID_CURSOR,
  type Operator,
} from '@postera/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { activityReport } from '../activity/domain/activity-report.js';
import type { ReportingConfig } from '../config.js';
import { activityFigures, fileActivity, fileBdf, fileMifir, fileTtf, reportingCalendar, type Filed } from './report-builders.js';
import { lastBusinessDayOf, notEndedYet } from './periods.js';
import { getRun, getRunFile, listRuns } from './report-store.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

// The first page is as long as the whole list used to be, so a reader that never asks for more sees what it saw.
const RUNS_PAGE = { max: 1000, dflt: 200, cursor: UUID_CURSOR, cursorName: 'runId' };
// A MiFIR report is numbered by a bigserial: a positive whole number, at most 18 digits so it is always a bigint.
const MIFIR_PAGE = { max: 1000, dflt: 500, cursor: /^[1-9]\d{0,17}$/, cursorName: 'reportId' };
// The paged lists: each table's row key, cast as the cursor is written, and what its rows are called.
const LISTS = {
  report_runs: { key: 'run_id = $1::uuid', what: 'report run' },
  mifir_reports: { key: 'report_id = $1::bigint', what: 'MiFIR report' },
} as const;

/** Filed reports: list, look at, download; file a run (a correction when the period has one). */
@Controller()
export class FilingController {
  constructor(
    private readonly ds: DataSource,
    @Inject(CONFIG) private readonly config: ReportingConfig,
  ) {}

  /**
   * GET /reports/runs?kind=&period=&limit=200&after=<runId>: filed runs, newest first, a page at a
   * time. The order is filed_at descending, then version descending, then runId descending (the runs
   * of one close — MiFIR, activity, TTF, both Banque de France reports — are filed in one transaction,
   * at the same instant). `after` is the runId of the last run of the page before, and a page is the
   * runs after that one in this order: keyset, so runs filed meanwhile do not shift the pages already read.
   */
  @Get('reports/runs')
  @Roles(...READERS, 'admin')
  async runs(@Query('kind') kind?: string, @Query('period') period?: string, @Query('limit') limit?: string, @Query('after') after?: string) {
    if (kind && !(REPORT_KINDS as readonly string[]).includes(kind)) throw new BadRequestException(`kind must be one of ${REPORT_KINDS.join(', ')}`);
    if (period && !isIsoDate(period)) throw new BadRequestException('period must be the ISO date the period starts on');
    const page = pageRequest({ limit, after }, RUNS_PAGE);
    const rows = await listRuns(this.ds.manager, { kind: kind || null, period: period || null }, page);
    await emptyPageAfter(
      page,
      rows,
      (a) => this.rowOf('report_runs', a),
      (a) => `${LISTS.report_runs.what} ${a}`,
    );
    return rows;
  }

  @Get('reports/runs/:id')
  @Roles(...READERS, 'admin')
  async run(@Param('id', new ParseUUIDPipe()) id: string) {
    const r = await getRun(this.ds.manager, id);
    if (!r) throw new NotFoundException(`no report run ${id}`);
    return r;
  }

  @Get('reports/runs/:id/files/:name')
  @Roles(...READERS, 'admin')
  async file(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('name') name: string,
    @Res({ passthrough: true }) res: { setHeader(name: string, value: string): void },
  ) {
    const f = await getRunFile(this.ds.manager, id, name);
    if (!f) throw new NotFoundException(`no file ${name} in run ${id}`);
    res.setHeader('x-content-sha256', f.sha256);
    return new StreamableFile(f.content, { type: f.media_type, disposition: `attachment; filename="${name}"` });
  }

  /**
   * Files a run now: `{ kind, period }`, period a month (YYYY-MM) for TTF and Banque de France, a
   * business date for MIFIR and ACTIVITY. A period that has not ended (filing/periods.ts) is
   * refused with 422. When the period was filed before, this is a correction: a new version that
   * replaces the latest one and says what it changes. One operator files it; the run records who,
   * from the verified token. `{ testRun: true }` computes the run, any period, and answers it
   * without filing it: nothing is stored, numbered or announced.
   */
  @Post('reports/runs')
  @Roles(...MAKERS)
  @HttpCode(201)
  async fileNow(@Body() body: { kind?: string; period?: string; testRun?: unknown }, @CurrentOperator() who: Operator) {
    const user = who.id;
    const kind = body?.kind as ReportKind | undefined;
    const period = body?.period ?? '';
    if (!kind || !(REPORT_KINDS as readonly string[]).includes(kind)) throw new BadRequestException(`kind must be one of ${REPORT_KINDS.join(', ')}`);
    const monthly = kind === 'TTF' || kind === 'BDF_BOP' || kind === 'BDF_HOLDINGS';
    if (monthly ? !MONTH.test(period) : !isIsoDate(period))
      throw new BadRequestException(monthly ? 'period must be a month, YYYY-MM' : 'period must be a date, YYYY-MM-DD');
    if (body?.testRun !== undefined && typeof body.testRun !== 'boolean') throw new BadRequestException('testRun: true or false');
    if (body?.testRun === true) return this.testRun(kind, period, user);
    const calendar = await reportingCalendar(this.ds.manager);
    const problem = notEndedYet(period, await currentBusinessDay(this.ds.manager, 'reporting'), (m) => lastBusinessDayOf(m, (d) => calendar.isBusinessDay(d)));
    if (problem) throw new UnprocessableEntityException(problem);
    const runIds = await this.ds.transaction(async (tx) => {
      const filed = await this.build(tx, kind, period, user);
      await appendToOutbox(
        tx,
        'reporting',
        filed.flatMap((f) => f.events),
      );
      return filed.map((f) => f.runId);
    });
    if (runIds.length === 0) return { runs: [], note: 'nothing to file: no MiFIR report pending and valid for that date' };
    return { runs: await Promise.all(runIds.map((id) => getRun(this.ds.manager, id))) };
  }

  /** The runs of a kind and period, filed in the transaction. */
  private async build(tx: EntityManager, kind: ReportKind, period: string, user: string): Promise<Filed[]> {
    switch (kind) {
      case 'TTF':
        return [await fileTtf(tx, this.config, period, user, null)];
      case 'BDF_BOP':
      case 'BDF_HOLDINGS':
        // The two Banque de France reports are built from one read and filed together.
        return fileBdf(tx, this.config, period, user, null);
      case 'MIFIR': {
        const m = await fileMifir(tx, this.config, await reportingCalendar(tx), period, user, null);
        return m ? [m] : [];
      }
      case 'ACTIVITY':
        return [await fileActivity(tx, this.config, await reportingCalendar(tx), period, user, null)];
    }
  }

  /** The runs as they would be filed, each file with its bytes, then everything rolled back. */
  private async testRun(kind: ReportKind, period: string, user: string) {
    let runs: unknown[] = [];
    const rolledBack = new Error('test run: rolled back');
    try {
      await this.ds.transaction(async (tx) => {
        const filed = await this.build(tx, kind, period, user);
        runs = await Promise.all(
          filed.map(async (f) => {
            const run = (await getRun(tx, f.runId))!;
            const files = await Promise.all(
              run.files.map(async (x) => ({ ...x, contentBase64: (await getRunFile(tx, f.runId, x.name))!.content.toString('base64') })),
            );
            return { ...run, runId: null, version: null, replaces: null, files };
          }),
        );
        throw rolledBack;
      });
    } catch (e) {
      if (e !== rolledBack) throw e;
    }
    return { testRun: true, filed: false, runs };
  }

  /** The activity report of a day computed now (JSON), without filing it. */
  @Get('activity-report')
  @Roles(...READERS, 'admin')
  async activityReport(@Query('businessDate') businessDate?: string) {
    if (!isIsoDate(businessDate)) throw new BadRequestException('businessDate must be an ISO date (YYYY-MM-DD)');
    const calendar = await reportingCalendar(this.ds.manager);
    return activityReport(await activityFigures(this.ds.manager, businessDate, calendar), calendar);
  }

  /**
   * GET /mifir/reports?status=&tradeRef=&limit=500&after=<reportId>: MiFIR transaction reports
   * (INVALID ones carry every broken rule), oldest first, a page at a time. The order is reportId,
   * the order the reports were made in; `after` is the reportId of the last report of the page
   * before, and a page is the reports after that one (keyset: a report filed meanwhile, even out of
   * the status asked for, does not shift the pages).
   */
  @Get('mifir/reports')
  @Roles(...READERS, 'admin')
  async mifirReports(@Query('status') status?: string, @Query('tradeRef') tradeRef?: string, @Query('limit') limit?: string, @Query('after') after?: string) {
    const page = pageRequest({ limit, after }, MIFIR_PAGE);
    const rows = (await this.ds.query(
      `SELECT report_id::text AS "reportId", trade_ref AS "tradeRef", trade_version AS "tradeVersion", kind, transaction_reference AS "transactionReference",
              to_char(trade_date, 'YYYY-MM-DD') AS "tradeDate", status, problems, filed_run_id AS "filedRunId", created_at AS "createdAt"
       FROM reporting.mifir_reports m
       WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR trade_ref = $2)
         AND ($4::bigint IS NULL OR m.report_id > (SELECT report_id FROM reporting.mifir_reports WHERE report_id = $4::bigint))
       ORDER BY m.report_id LIMIT $3`,
      [status ?? null, tradeRef ?? null, page.limit, page.after],
    )) as unknown[];
    await emptyPageAfter(
      page,
      rows,
      (a) => this.rowOf('mifir_reports', a),
      (a) => `${LISTS.mifir_reports.what} ${a}`,
    );
    return rows;
  }

  /** The row of a list a cursor names, if any. */
  private rowOf(list: keyof typeof LISTS, id: string): Promise<unknown[]> {
    return this.ds.query(`SELECT 1 FROM reporting.${list} WHERE ${LISTS[list].key}`, [id]);
  }
}

/** What the morning summary shows of declarations: runs filed per kind, and the MiFIR reports per status. */
export async function declarationsSummary(ds: DataSource) {
  const runs = (await ds.query(`SELECT kind, count(*)::int AS n FROM reporting.report_runs GROUP BY kind`)) as Array<{ kind: string; n: number }>;
  const mifir = (await ds.query(`SELECT status, count(*)::int AS n FROM reporting.mifir_reports GROUP BY status`)) as Array<{ status: string; n: number }>;
  return {
    runsFiled: Object.fromEntries(REPORT_KINDS.map((k) => [k, runs.find((r) => r.kind === k)?.n ?? 0])),
    mifirReports: Object.fromEntries(['FILED', 'PENDING', 'INVALID', 'NOT_NEEDED'].map((s) => [s, mifir.find((m) => m.status === s)?.n ?? 0])),
  };
}
