import { BadRequestException, Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CONFIG } from '@postera/platform';
import { DataSource } from 'typeorm';
import { appendAudit } from '../audit/audit-log.js';
import { CurrentOperator } from '../auth/current-operator.js';
import { MAKERS, READERS, Roles, type Operator } from '../auth/roles.js';
import type { GatewayConfig } from '../config.js';
import { callService, fetchRaw, readRawBody } from '../proposals/upstream.js';

type RawRequest = AsyncIterable<Buffer | string> & { url: string; headers: Record<string, string | string[] | undefined> };
interface Reply {
  setHeader(name: string, value: string): void;
}

const query = (req: { url: string }) => {
  const i = req.url.indexOf('?');
  return i >= 0 ? req.url.slice(i) : '';
};
const READ = [...READERS, 'admin'] as const;

/**
 * The operators' day across the services, through one documented API (issue 8): fails and
 * penalties (settlement); positions, cash, journals, FX results, exports and reconciliations
 * (accounting); filed reports and the activity report (reporting); notices and their delivery
 * (notification). Reads pass the query on; files come back byte for byte. Actions made directly are
 * written to the audit log once the service has answered; changes that need a second person
 * (break resolution, settlement cancel and re-instruct, buy-in, resend of an instruction) are proposals.
 */
@ApiTags('back office')
@ApiBearerAuth()
@Controller('api')
export class BackOfficeController {
  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    private readonly ds: DataSource,
  ) {}

  private get(base: string, path: string) {
    return callService(base, 'GET', path, { timeoutMs: this.config.UPSTREAM_TIMEOUT_MS });
  }

  private async file(url: string, res: Reply): Promise<StreamableFile> {
    const r = await fetchRaw(url, { timeoutMs: this.config.UPSTREAM_TIMEOUT_MS });
    if (r.sha256) res.setHeader('x-content-sha256', r.sha256);
    return new StreamableFile(r.body, { type: r.contentType ?? 'application/octet-stream', disposition: r.disposition ?? undefined });
  }

  private async audited<T>(who: Operator, action: string, target: string, run: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await run();
    } catch (e) {
      await this.ds.transaction((tx) => appendAudit(tx, who, { action, target, after: { outcome: 'refused', error: (e as Error).message } }));
      throw e;
    }
    await this.ds.transaction((tx) => appendAudit(tx, who, { action, target, after: { outcome: 'done', result } }));
    return result;
  }

  // ------------------------------------------------------------------ settlement

  @Get('fails')
  @Roles(...READ)
  @ApiOperation({ summary: 'Settlement fails: age in business days, reason, penalties accrued (?asOf=)' })
  fails(@Req() req: RawRequest) {
    return this.get(this.config.SETTLEMENT_URL, `/fails${query(req)}`);
  }

  @Get('penalties/daily')
  @Roles(...READ)
  @ApiOperation({ summary: 'CSDR penalties accrued on a business day (?date=)' })
  penaltiesDaily(@Req() req: RawRequest) {
    return this.get(this.config.SETTLEMENT_URL, `/penalties/daily${query(req)}`);
  }

  @Get('penalties/monthly')
  @Roles(...READ)
  @ApiOperation({ summary: 'The monthly CSDR penalty report per counterparty (?month=YYYY-MM)' })
  penaltiesMonthly(@Req() req: RawRequest) {
    return this.get(this.config.SETTLEMENT_URL, `/penalties/monthly${query(req)}`);
  }

  // ------------------------------------------------------------------ accounting

  @Get('positions/:account')
  @Roles(...READ)
  @ApiOperation({ summary: 'Positions of an account per ISIN, trade-date and settlement-date views, with costs (?asOf=)' })
  positions(@Param('account') account: string, @Req() req: RawRequest) {
    return this.get(this.config.ACCOUNTING_URL, `/positions/${encodeURIComponent(account)}${query(req)}`);
  }

  @Get('cash')
  @Roles(...READ)
  @ApiOperation({ summary: 'Cash balances per currency and nostro (?asOf=)' })
  cash(@Req() req: RawRequest) {
    return this.get(this.config.ACCOUNTING_URL, `/cash${query(req)}`);
  }

  @Get('trades/:ref/journal')
  @Roles(...READ)
  @ApiOperation({ summary: 'The journal lines of a trade' })
  journal(@Param('ref') ref: string) {
    return this.get(this.config.ACCOUNTING_URL, `/journal/by-trade/${encodeURIComponent(ref)}`);
  }

  @Get('fx/results')
  @Roles(...READ)
  @ApiOperation({ summary: 'FX results per currency and book (?from=&to=)' })
  fxResults(@Req() req: RawRequest) {
    return this.get(this.config.ACCOUNTING_URL, `/fx/results${query(req)}`);
  }

  @Get('exports/:name')
  @Roles(...READ)
  @ApiOperation({
    summary:
      "Accounting exports: trial-balance or general-ledger (?from=&to=), or fec: the FEC of a fiscal year (?fiscalYear=YYYY and/or ?from=&to= inside it), the file named <SIREN>FEC<closing date>.txt; 422 with every missing ECB rate and auxiliary name while any is missing",
  })
  export(@Param('name') name: string, @Req() req: RawRequest, @Res({ passthrough: true }) res: Reply) {
    if (!['trial-balance', 'general-ledger', 'fec'].includes(name)) throw new BadRequestException('exports: trial-balance, general-ledger or fec');
    return this.file(`${this.config.ACCOUNTING_URL}/exports/${name}${query(req)}`, res);
  }

  @Get('reconciliations/runs')
  @Roles(...READ)
  @ApiOperation({ summary: 'Reconciliation runs (?kind=HOLDINGS|CASH|PNL)' })
  reconRuns(@Req() req: RawRequest) {
    return this.get(this.config.ACCOUNTING_URL, `/reconciliations/runs${query(req)}`);
  }

  @Get('reconciliations/runs/:id')
  @Roles(...READ)
  @ApiOperation({ summary: 'One reconciliation run and its report' })
  reconRun(@Param('id') id: string) {
    return this.get(this.config.ACCOUNTING_URL, `/reconciliations/runs/${encodeURIComponent(id)}`);
  }

  @Get('reconciliations/breaks')
  @Roles(...READ)
  @ApiOperation({ summary: 'Reconciliation breaks (?status=OPEN|INVESTIGATING|RESOLVED&kind=): field, both values, difference, age' })
  breaks(@Req() req: RawRequest) {
    return this.get(this.config.ACCOUNTING_URL, `/reconciliations/breaks${query(req)}`);
  }

  @Get('reconciliations/breaks/:id')
  @Roles(...READ)
  @ApiOperation({ summary: 'One break and the actions taken on it' })
  break(@Param('id') id: string) {
    return this.get(this.config.ACCOUNTING_URL, `/reconciliations/breaks/${encodeURIComponent(id)}`);
  }

  @Patch('reconciliations/breaks/:id')
  @Roles(...MAKERS)
  @ApiOperation({ summary: 'Work a break: OPEN ↔ INVESTIGATING with a comment; resolving it is a RESOLVE_BREAK proposal' })
  async workBreak(@Param('id') id: string, @Body() body: { status?: unknown; comment?: unknown }, @CurrentOperator() who: Operator) {
    if (body?.status === 'RESOLVED')
      throw new BadRequestException('resolving a break needs a second person: POST /api/proposals { kind: "RESOLVE_BREAK", params: { breakId, comment } }');
    if (body?.status !== 'INVESTIGATING' && body?.status !== 'OPEN') throw new BadRequestException('status: INVESTIGATING or OPEN');
    return this.audited(who, `BREAK ${String(body.status)}`, `break:${id}`, async () => {
      const r = await fetchRaw(`${this.config.ACCOUNTING_URL}/reconciliations/breaks/${encodeURIComponent(id)}`, {
        method: 'PATCH',
        user: who.id,
        contentType: 'application/json',
        body: JSON.stringify({ status: body.status, comment: body.comment }),
        timeoutMs: this.config.UPSTREAM_TIMEOUT_MS,
      });
      return JSON.parse(r.body.toString('utf8')) as unknown;
    });
  }

  @Post('reconciliations/statements')
  @Roles(...MAKERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Upload a custodian statement (semt.002 or camt.053 XML, ?account=); it is reconciled at once' })
  uploadStatement(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.audited(who, 'UPLOAD STATEMENT', `statement${query(req)}`, async () => {
      const body = await readRawBody(req);
      const r = await fetchRaw(`${this.config.ACCOUNTING_URL}/reconciliations/statements${query(req)}`, {
        method: 'POST',
        user: who.id,
        contentType: String(req.headers['content-type'] ?? 'application/xml'),
        body,
        timeoutMs: this.config.UPSTREAM_TIMEOUT_MS,
      });
      return JSON.parse(r.body.toString('utf8')) as unknown;
    });
  }

  @Post('reconciliations/pnl')
  @Roles(...MAKERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Run the accounting P&L vs desk P&L reconciliation (?date=&tolerance=)' })
  runPnl(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.audited(who, 'RUN PNL RECONCILIATION', `pnl${query(req)}`, () =>
      callService(this.config.ACCOUNTING_URL, 'POST', `/reconciliations/pnl${query(req)}`, { user: who.id, timeoutMs: this.config.UPSTREAM_TIMEOUT_MS }),
    );
  }

  @Post('fx-rates/ecb')
  @Roles(...MAKERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Import ECB euro reference rates: the ECB’s own CSV (daily or history file)' })
  importEcb(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.audited(who, 'IMPORT ECB RATES', 'fx-rates', async () => {
      const body = await readRawBody(req);
      const r = await fetchRaw(`${this.config.ACCOUNTING_URL}/fx-rates/ecb`, {
        method: 'POST',
        user: who.id,
        contentType: String(req.headers['content-type'] ?? 'text/csv'),
        body,
        timeoutMs: this.config.UPSTREAM_TIMEOUT_MS,
      });
      return JSON.parse(r.body.toString('utf8')) as unknown;
    });
  }

  // ------------------------------------------------------------------ reporting

  @Get('reports/runs')
  @Roles(...READ)
  @ApiOperation({ summary: 'Filed reports (TTF, Banque de France, MiFIR, activity), ?kind=&period=' })
  reportRuns(@Req() req: RawRequest) {
    return this.get(this.config.REPORTING_URL, `/reports/runs${query(req)}`);
  }

  @Get('reports/runs/:id')
  @Roles(...READ)
  @ApiOperation({ summary: 'One filed report run: its period, inputs, checksum, version and files' })
  reportRun(@Param('id') id: string) {
    return this.get(this.config.REPORTING_URL, `/reports/runs/${encodeURIComponent(id)}`);
  }

  @Get('reports/runs/:id/files/:name')
  @Roles(...READ)
  @ApiOperation({ summary: 'Download a file of a filed report (checksum in x-content-sha256)' })
  reportFile(@Param('id') id: string, @Param('name') name: string, @Res({ passthrough: true }) res: Reply) {
    return this.file(`${this.config.REPORTING_URL}/reports/runs/${encodeURIComponent(id)}/files/${encodeURIComponent(name)}`, res);
  }

  @Post('reports/runs')
  @Roles(...MAKERS)
  @HttpCode(201)
  @ApiOperation({ summary: 'File a report now: { kind, period } (a second run of a period is a correction that says what it replaces)' })
  fileReport(@Body() body: unknown, @CurrentOperator() who: Operator) {
    return this.audited(who, 'FILE REPORT', 'reports', () =>
      callService(this.config.REPORTING_URL, 'POST', '/reports/runs', { user: who.id, body, timeoutMs: this.config.UPSTREAM_TIMEOUT_MS }),
    );
  }

  @Get('activity-report')
  @Roles(...READ)
  @ApiOperation({ summary: 'The activity report of a business day (?businessDate=): volumes, STP, confirmation rate, settlement efficiency, fails, penalties' })
  activity(@Req() req: RawRequest) {
    return this.get(this.config.REPORTING_URL, `/activity-report${query(req)}`);
  }

  // ------------------------------------------------------------------ notification

  @Get('notices')
  @Roles(...READ)
  @ApiOperation({ summary: 'Client and counterparty notices (?tradeRef=&kind=&status=)' })
  notices(@Req() req: RawRequest) {
    return this.get(this.config.NOTIFICATION_URL, `/notices${query(req)}`);
  }

  @Get('notifications')
  @Roles(...READ)
  @ApiOperation({ summary: 'Deliveries of notices per channel and recipient, with attempts (?tradeRef=&status=&channel=)' })
  notifications(@Req() req: RawRequest) {
    return this.get(this.config.NOTIFICATION_URL, `/notifications${query(req)}`);
  }

  @Get('avis/late')
  @Roles(...READ)
  @ApiOperation({ summary: 'Avis d’opéré not sent by the end of the first business day after execution' })
  lateAvis(@Req() req: RawRequest) {
    return this.get(this.config.NOTIFICATION_URL, `/avis/late${query(req)}`);
  }

  @Post('notifications/:id/resend')
  @Roles(...MAKERS)
  @HttpCode(202)
  @ApiOperation({ summary: 'Resend a delivery that failed' })
  resend(@Param('id') id: string, @CurrentOperator() who: Operator) {
    return this.audited(who, 'RESEND NOTIFICATION', `notification:${id}`, () =>
      callService(this.config.NOTIFICATION_URL, 'POST', `/notifications/${encodeURIComponent(id)}/resend`, {
        user: who.id,
        timeoutMs: this.config.UPSTREAM_TIMEOUT_MS,
      }),
    );
  }
}
