import { BadRequestException, Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Patch, Post, Query, Req, Res, ServiceUnavailableException } from '@nestjs/common';
import { CONFIG, CurrentOperator, MAKERS, pageRequest, READERS, requireFourEyes, Roles, UUID_CURSOR, type Operator } from '@postera/platform';
import { isIsoDate } from '@postera/kernel';
import { DataSource } from 'typeorm';
import type { AccountingConfig } from '../../config.js';
import { breaksSummary, breakTransition, type BreakStatus } from '../domain/compare.js';
import { announceBreakResolved, breakAge, reconcileCash, reconcileHoldings, reconcilePnl } from '../commands/reconciliation.service.js';
import { readBody } from '../../http/read-body.js';
import { readStatementTree, STATEMENT_RETRY_AFTER_SECONDS, STATEMENT_UPLOAD_BYTES_MAX, statementParses } from '../commands/statement-uploads.js';

const DECIMAL = /^-?\d{1,18}(\.\d{1,12})?$/;

// The first page is as long as the whole list used to be, so a reader that never asks for more sees what it saw.
const RUNS_PAGE = { max: 1000, dflt: 200, cursor: UUID_CURSOR, cursorName: 'runId' };
const BREAKS_PAGE = { max: 1000, dflt: 1000, cursor: UUID_CURSOR, cursorName: 'breakId' };

@Controller('reconciliations')
export class ReconciliationController {
  constructor(
    private readonly ds: DataSource,
    @Inject(CONFIG) private readonly config: AccountingConfig,
  ) {}

  /**
   * Upload a semt.002 (holdings) or camt.053 (cash) statement, as XML (text/xml) with ?account=
   * (our account); it is reconciled at once. A camt.053 file may hold several statements (one per
   * cash account or currency of that account): each is reconciled as its own run. The answer is the
   * run for a file of one statement (the usual case), `{ runs }` for a file of several. Bounded
   * (commands/statement-uploads.ts): 413 beyond 4 MiB, 503 with Retry-After while two uploads are
   * being read, and the XML is read in chunks that yield to the event loop.
   */
  @Post('statements')
  @HttpCode(200)
  @Roles(...MAKERS)
  async uploadStatement(
    @Req() req: Parameters<typeof readBody>[0],
    @Res({ passthrough: true }) res: { setHeader(name: string, value: string): void },
    @Query('account') account: string | undefined,
  ) {
    if (!account) throw new BadRequestException('?account= is required');
    const release = statementParses.tryTake();
    if (!release) {
      res.setHeader('retry-after', String(STATEMENT_RETRY_AFTER_SECONDS));
      throw new ServiceUnavailableException(
        `${statementParses.max} statement uploads are being read; send it again in ${STATEMENT_RETRY_AFTER_SECONDS} seconds`,
      );
    }
    try {
      const xml = await readBody(req, STATEMENT_UPLOAD_BYTES_MAX);
      const kind = xml.includes('semt.002') ? 'HOLDINGS' : xml.includes('camt.053') ? 'CASH' : null;
      if (!kind) throw new BadRequestException('neither a semt.002 nor a camt.053 document');
      const statement = { xml, tree: await readStatementTree(xml) };
      if (kind === 'HOLDINGS') return await this.ds.transaction((tx) => reconcileHoldings(tx, account, statement, 'upload'));
      const runs = await this.ds.transaction((tx) => reconcileCash(tx, account, statement, 'upload'));
      return runs.length === 1 ? runs[0] : { runs };
    } finally {
      release();
    }
  }

  /**
   * The desk's management P&L, per book, day and currency: JSON `[{ book, date, currency, amount }]`
   * or CSV `book,date,currency,amount`. A bad row is reported and skipped; the others are stored.
   */
  @Post('desk-pnl')
  @HttpCode(200)
  @Roles(...MAKERS)
  async uploadDeskPnl(@Req() req: Parameters<typeof readBody>[0], @Body() body: unknown) {
    let rows: unknown[];
    if (Array.isArray(body)) rows = body;
    else {
      const text = await readBody(req);
      rows = text
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '' && !/^book,/i.test(l))
        .map((l) => {
          const [book, date, currency, amount] = l.split(',').map((x) => x.trim());
          return { book, date, currency, amount };
        });
    }
    const ok: Array<{ book: string; date: string; currency: string; amount: string }> = [];
    const problems: Array<{ row: number; problem: string }> = [];
    rows.slice(0, 10_000).forEach((r, i) => {
      const x = r as Record<string, unknown>;
      if (typeof x.book !== 'string' || !x.book) problems.push({ row: i + 1, problem: 'book missing' });
      else if (!isIsoDate(x.date)) problems.push({ row: i + 1, problem: `date ${String(x.date)} not ISO` });
      else if (typeof x.currency !== 'string' || !/^[A-Z]{3}$/.test(x.currency)) problems.push({ row: i + 1, problem: `currency ${String(x.currency)}` });
      else if (typeof x.amount !== 'string' || !DECIMAL.test(x.amount))
        problems.push({ row: i + 1, problem: `amount ${String(x.amount)} not a decimal string` });
      else ok.push({ book: x.book, date: x.date as string, currency: x.currency, amount: x.amount });
    });
    if (ok.length > 0) {
      await this.ds.query(
        `INSERT INTO accounting.desk_pnl (book, pnl_date, currency, amount, source) SELECT *, 'upload' FROM unnest($1::text[], $2::date[], $3::text[], $4::numeric[])
         ON CONFLICT (book, pnl_date, currency) DO UPDATE SET amount = EXCLUDED.amount, source = EXCLUDED.source, received_at = now()`,
        [ok.map((r) => r.book), ok.map((r) => r.date), ok.map((r) => r.currency), ok.map((r) => r.amount)],
      );
    }
    return { stored: ok.length, problems };
  }

  /** Run the accounting vs desk P&L reconciliation of a day now (it also runs at each close). */
  @Post('pnl')
  @HttpCode(200)
  @Roles(...MAKERS)
  async runPnl(@Query('date') date: string, @Query('tolerance') tolerance: string | undefined) {
    if (!isIsoDate(date)) throw new BadRequestException('?date=YYYY-MM-DD is required');
    if (tolerance !== undefined && !/^\d{1,12}(\.\d{1,6})?$/.test(tolerance)) throw new BadRequestException('tolerance: a decimal ≥ 0');
    return this.ds.transaction((tx) => reconcilePnl(tx, date, tolerance ?? this.config.PNL_TOLERANCE));
  }

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
    if (page.after !== null && rows.length === 0) await this.known('run', page.after);
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
   * business days (TARGET) from the day first seen to the current business date, a page at a time.
   * The order is the day first seen, kind, subject, item, then breakId; `after` is the breakId of
   * the last break of the page before, and a page is the breaks after that one in this order
   * (keyset: a break worked meanwhile, even out of the status asked for, does not shift the pages).
   */
  @Get('breaks')
  @Roles(...READERS, 'admin')
  async breaks(@Query('status') status: string | undefined, @Query('kind') kind: string | undefined, @Query('limit') limit?: string, @Query('after') after?: string) {
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
    if (page.after !== null && rows.length === 0) await this.known('break', page.after);
    const today = await this.today();
    return rows.map((r) => ({ ...r, ageBusinessDays: breakAge(r.asOf, today) }));
  }

  /**
   * The reconciliation screen's figures as of the current business day: breaks open (and under
   * investigation), their ageing in business days, and those closed that day — by a run that no
   * longer found them, or resolved by two people.
   */
  @Get('breaks/summary')
  @Roles(...READERS, 'admin')
  async breaksSummary() {
    const today = await this.today();
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
    return breaksSummary(today, open, closed ?? { closedByRuns: 0, resolved: 0 }, breakAge);
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
    return { ...row, ageBusinessDays: breakAge(row.asOf, await this.today()), history };
  }

  /**
   * Work a break: `{ status: INVESTIGATING | RESOLVED | OPEN, comment }`, by the operator of the
   * token. Resolving it needs two people (a proposal approved at the gateway): the history records
   * the maker in `by` and the supervisor who approved in `checkedBy`.
   */
  @Patch('breaks/:id')
  @Roles(...MAKERS)
  async work(@Param('id') id: string, @CurrentOperator() who: Operator, @Body() body: { status?: string; comment?: string }) {
    const to = body?.status as BreakStatus;
    if (!['OPEN', 'INVESTIGATING', 'RESOLVED'].includes(to)) throw new BadRequestException('status: OPEN, INVESTIGATING or RESOLVED');
    const fourEyes = to === 'RESOLVED' ? requireFourEyes(who) : null;
    const by = fourEyes ? fourEyes.maker.id : who.id;
    const checkedBy = fourEyes ? fourEyes.checker.id : null;
    return this.ds.transaction(async (tx) => {
      const [row] = (await tx.query(`SELECT status FROM accounting.recon_breaks WHERE break_id::text = $1 FOR UPDATE`, [id])) as Array<{ status: BreakStatus }>;
      if (!row) throw new NotFoundException(`no break ${id}`);
      const ok = breakTransition(row.status, to, by, body.comment);
      if (!ok.ok) throw new BadRequestException(ok.problem);
      await tx.query(`UPDATE accounting.recon_breaks SET status = $2 WHERE break_id::text = $1`, [id, to]);
      if (to === 'RESOLVED') await announceBreakResolved(tx, id, await this.today());
      await tx.query(`INSERT INTO accounting.break_actions (break_id, by_user, checked_by, from_status, to_status, comment) VALUES ($1::uuid, $2, $3, $4, $5, $6)`, [
        id,
        by,
        checkedBy,
        row.status,
        to,
        body.comment!.trim(),
      ]);
      return { breakId: id, from: row.status, status: to, by, ...(checkedBy ? { checkedBy } : {}) };
    });
  }

  /** An empty page after a cursor is either the end of the list or a cursor naming nothing: the latter is a 404. */
  private async known(what: 'run' | 'break', after: string): Promise<void> {
    const sql = what === 'run' ? `SELECT 1 FROM accounting.recon_runs WHERE run_id = $1::uuid` : `SELECT 1 FROM accounting.recon_breaks WHERE break_id = $1::uuid`;
    const [row] = (await this.ds.query(sql, [after])) as unknown[];
    if (!row) throw new NotFoundException(`after: no ${what} ${after}`);
  }

  private async today(): Promise<string> {
    const [d] = (await this.ds.query(`SELECT to_char(max(business_date), 'YYYY-MM-DD') AS d FROM accounting.business_day`)) as Array<{ d: string | null }>;
    return d?.d ?? new Date().toISOString().slice(0, 10);
  }
}
