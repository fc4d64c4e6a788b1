import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { emptyPageAfter, pageRequest, READERS, Roles, UUID_CURSOR } from '@postera/platform';
import { DataSource } from 'typeorm';
import { breaksSummary } from '../domain/compare.js';
import { businessDate } from '../persistence/business-day.js';
import { breakAge, breakCalendar } from '../persistence/runs.repository.js';

// The first page is as long as the whole list used to be, so a reader that never asks for more sees what it saw.
const RUNS_PAGE = { max: 1000, dflt: 200, cursor: UUID_CURSOR, cursorName: 'runId' };
const BREAKS_PAGE = { max: 1000, dflt: 1000, cursor: UUID_CURSOR, cursorName: 'breakId' };

@Controller('reconciliations')
export class ReconciliationController {
  constructor(private readonly ds: DataSource) {}

  /**
   * GET /reconciliations/runs?kind=HOLDINGS|CASH|PNL&limit=200&after=<runId>: newest first, a page
   * at a time. `after` is the runId of the last run of the page before; the order is started_at
   * descending, then runId descending (a bank file of several statements gives runs started at the
   * same instant), and a page is the runs after that one in it — keyset, so runs started meanwhile
   * do not shift the pages already read.
   */
  @Get('runs')
  @Roles(...READERS, 'admin')
  async runs(@Query('kind') kind: string | undefined, @Query('limit') limit?: string, @Query('after') after?: string) {
    const page = pageRequest({ limit, after }, RUNS_PAGE);
    const rows = (await this.ds.query(
      `SELECT run_id AS "runId", kind, subject, to_char(as_of, 'YYYY-MM-DD') AS "asOf", started_at AS "startedAt", rows_checked AS "rowsChecked", matched, breaks, errors
       FROM accounting.recon_runs
       WHERE ($1::text IS NULL OR kind = $1)
         AND ($3::uuid IS NULL OR (started_at, run_id) < (SELECT started_at, run_id FROM accounting.recon_runs WHERE run_id = $3::uuid))
       ORDER BY started_at DESC, run_id DESC LIMIT $2`,
      [kind ?? null, page.limit, page.after],
    )) as unknown[];
    await emptyPageAfter(
      page,
      rows,
      (a) => this.ds.query(`SELECT 1 FROM accounting.recon_runs WHERE run_id = $1::uuid`, [a]),
      (a) => `run ${a}`,
    );
    return rows;
  }

  @Get('runs/:id')
  @Roles(...READERS, 'admin')
  async run(@Param('id') id: string) {
    const [row] = (await this.ds.query(`SELECT report FROM accounting.recon_runs WHERE run_id::text = $1`, [id])) as Array<{ report: unknown }>;
    if (!row) throw new NotFoundException(`no run ${id}`);
    return row.report;
  }

  /**
   * GET /reconciliations/breaks?status=&kind=&limit=1000&after=<breakId>: breaks with their age in
   * business days (TARGET, as the referential publishes it) from the day first seen to the current business date, a page at a time.
   * The order is the day first seen, kind, subject, item, then breakId; `after` is the breakId of
   * the last break of the page before, and a page is the breaks after that one in this order
   * (keyset: a break worked meanwhile, even out of the status asked for, does not shift the pages).
   */
  @Get('breaks')
  @Roles(...READERS, 'admin')
  async breaks(
    @Query('status') status: string | undefined,
    @Query('kind') kind: string | undefined,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ) {
    const page = pageRequest({ limit, after }, BREAKS_PAGE);
    const rows = (await this.ds.query(
      `SELECT break_id AS "breakId", run_id AS "runId", kind, subject, item, field, ours, theirs, difference, to_char(as_of, 'YYYY-MM-DD') AS "asOf", status,
              closed_by_run AS "closedByRun", to_char(closed_on, 'YYYY-MM-DD') AS "closedOn"
       FROM accounting.recon_breaks
       WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR kind = $2)
         AND ($4::uuid IS NULL OR (as_of, kind, subject, item, break_id) >
              (SELECT as_of, kind, subject, item, break_id FROM accounting.recon_breaks WHERE break_id = $4::uuid))
       ORDER BY as_of, kind, subject, item, break_id LIMIT $3`,
      [status ?? null, kind ?? null, page.limit, page.after],
    )) as Array<{ asOf: string }>;
    await emptyPageAfter(
      page,
      rows,
      (a) => this.ds.query(`SELECT 1 FROM accounting.recon_breaks WHERE break_id = $1::uuid`, [a]),
      (a) => `break ${a}`,
    );
    const today = await businessDate(this.ds);
    const calendar = await breakCalendar(this.ds);
    return rows.map((r) => ({ ...r, ageBusinessDays: breakAge(r.asOf, today, calendar) }));
  }

  /**
   * The reconciliation screen's figures as of the current business day: breaks open (and under
   * investigation), their ageing in business days, and those closed that day — by a run that no
   * longer found them, or resolved by two people.
   */
  @Get('breaks/summary')
  @Roles(...READERS, 'admin')
  async breaksSummary() {
    const today = await businessDate(this.ds);
    const open = (await this.ds.query(
      `SELECT kind, status, to_char(as_of, 'YYYY-MM-DD') AS "asOf" FROM accounting.recon_breaks WHERE status IN ('OPEN', 'INVESTIGATING')`,
    )) as Array<{ kind: string; status: string; asOf: string }>;
    const [closed] = (await this.ds.query(
      `SELECT count(*) FILTER (WHERE b.status = 'CLOSED' AND b.closed_on = $1)::int AS "closedByRuns",
              count(*) FILTER (WHERE b.status = 'RESOLVED' AND EXISTS (SELECT 1 FROM accounting.break_actions a WHERE a.break_id = b.break_id
                 AND a.to_status = 'RESOLVED' AND a.at::date = $1))::int AS "resolved"
         FROM accounting.recon_breaks b`,
      [today],
    )) as Array<{ closedByRuns: number; resolved: number }>;
    const calendar = await breakCalendar(this.ds);
    return breaksSummary(today, open, closed ?? { closedByRuns: 0, resolved: 0 }, (asOf, on) => breakAge(asOf, on, calendar));
  }

  @Get('breaks/:id')
  @Roles(...READERS, 'admin')
  async break(@Param('id') id: string) {
    const [row] = (await this.ds.query(
      `SELECT break_id AS "breakId", kind, subject, item, field, ours, theirs, difference, to_char(as_of, 'YYYY-MM-DD') AS "asOf", status,
              closed_by_run AS "closedByRun", to_char(closed_on, 'YYYY-MM-DD') AS "closedOn"
         FROM accounting.recon_breaks WHERE break_id::text = $1`,
      [id],
    )) as Array<{ asOf: string }>;
    if (!row) throw new NotFoundException(`no break ${id}`);
    const history = await this.ds.query(
      `SELECT at, by_user AS "by", checked_by AS "checkedBy", from_status AS "from", to_status AS "to", comment FROM accounting.break_actions WHERE break_id::text = $1 ORDER BY seq`,
      [id],
    );
    return { ...row, ageBusinessDays: breakAge(row.asOf, await businessDate(this.ds), await breakCalendar(this.ds)), history };
  }
}
