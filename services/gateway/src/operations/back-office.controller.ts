import { BadRequestException, Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentOperator, MAKERS, READERS, Roles, type Operator } from '@postera/platform';
import { DataSource } from 'typeorm';
import { appendAudit } from '../audit/audit-log.js';
import { readRawBody } from '../upstream/http.js';
import {
  BookRecognitionBody,
  CashBalance,
  FailsPage,
  JournalLine,
  Notice,
  PenaltiesOfDay,
  Position,
  ReconciliationBreak,
  ReferencePriceBody,
  ReportRunBody,
  RotateWebhookSecretBody,
  ScenarioBody,
  WorkBreakCommand,
} from './back-office.dto.js';
import { Upstream, type ServiceName } from '../upstream/services.js';

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
 * The operators' day across the services, through one documented API: fails and
 * penalties (settlement); positions, cash, journals, FX results, exports and reconciliations
 * (accounting); filed reports and the activity report (reporting); notices and their delivery
 * (notification) and counterparty contacts. Reads pass the query on; files come back byte for byte.
 * Actions made directly (reference prices among them) are written to the audit log once the service
 * has answered; changes that need a second person (break resolution, settlement cancel and
 * re-instruct, buy-in, resend of an instruction, counterparty contacts) are proposals.
 */
@ApiTags('back office')
@ApiBearerAuth()
@Controller('api')
export class BackOfficeController {
  constructor(
    private readonly up: Upstream,
    private readonly ds: DataSource,
  ) {}

  private get(service: ServiceName, path: string, who: Operator) {
    return this.up.call(service, 'GET', path, { as: who });
  }

  private async file(service: ServiceName, path: string, who: Operator, res: Reply): Promise<StreamableFile> {
    const r = await this.up.raw(service, path, { as: who });
    if (r.sha256) res.setHeader('x-content-sha256', r.sha256);
    return new StreamableFile(r.body, { type: r.contentType ?? 'application/octet-stream', disposition: r.disposition ?? undefined });
  }

  /** `logged`: what of the answer the audit log keeps (all of it unless said; never a secret). */
  private async audited<T>(who: Operator, action: string, target: string, run: () => Promise<T>, logged: (result: T) => unknown = (r) => r): Promise<T> {
    let result: T;
    try {
      result = await run();
    } catch (e) {
      await this.ds.transaction((tx) => appendAudit(tx, who, { action, target, after: { outcome: 'refused', error: (e as Error).message } }));
      throw e;
    }
    await this.ds.transaction((tx) => appendAudit(tx, who, { action, target, after: { outcome: 'done', result: logged(result) } }));
    return result;
  }

  /** A body passed on as it came (JSON, CSV or XML), the answer read as JSON. */
  private async forward(service: ServiceName, method: 'POST' | 'PUT', path: string, req: RawRequest, who: Operator, contentType: string): Promise<unknown> {
    const body = await readRawBody(req);
    const r = await this.up.raw(service, path, { as: who }, { method, contentType: String(req.headers['content-type'] ?? contentType), body });
    return JSON.parse(r.body.toString('utf8')) as unknown;
  }

  // ------------------------------------------------------------------ settlement

  @Get('fails')
  @Roles(...READ)
  @ApiOperation({
    summary:
      'Settlement fails: age in business days, reason, penalties accrued; oldest intended date first, a page at a time (?asOf=&limit=&after=, after the last instructionId seen)',
  })
  @ApiOkResponse({ type: FailsPage })
  fails(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('settlement', `/fails${query(req)}`, who);
  }

  @Get('penalties/daily')
  @Roles(...READ)
  @ApiOperation({ summary: 'CSDR penalties accrued on a business day, a page at a time (?date=&limit=&after=, after the last penaltyId seen)' })
  @ApiOkResponse({ type: PenaltiesOfDay })
  penaltiesDaily(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('settlement', `/penalties/daily${query(req)}`, who);
  }

  @Get('penalties/monthly')
  @Roles(...READ)
  @ApiOperation({ summary: 'The monthly CSDR penalty report per counterparty (?month=YYYY-MM)' })
  penaltiesMonthly(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('settlement', `/penalties/monthly${query(req)}`, who);
  }

  @Post('reference-prices')
  @Roles(...MAKERS)
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Import reference prices when marketdata.prices.v1 has none: [{ isin, priceDate, price, priceType, currency }], passed to settlement as is; the penalties waiting for them accrue',
  })
  @ApiBody({ type: [ReferencePriceBody] })
  importPrices(@Body() body: unknown, @CurrentOperator() who: Operator) {
    return this.audited(who, 'IMPORT REFERENCE PRICES', 'reference-prices', () =>
      this.up.call('settlement', 'POST', '/reference-prices', { as: who }, { body }),
    );
  }

  // ------------------------------------------------------------------ simulated CSD (test environments)

  @Get('simulator/scenario')
  @Roles(...READ)
  @ApiOperation({ summary: 'The simulated CSD’s scenario in force: its rules and daily fail rate, who set them (404 where no simulated CSD is configured)' })
  scenario(@CurrentOperator() who: Operator) {
    return this.get('market-sim', '/scenario', who);
  }

  @Put('simulator/scenario')
  @Roles(...MAKERS)
  @ApiOperation({
    summary:
      'Set the simulated CSD’s scenario: { rules: [{ isin?, account?, counterparty?, share?, outcome: UNMATCHED|LATE_MATCH|FAIL|PARTIAL, reason?, days? }], failRate? } — from the next instruction and close on (404 where no simulated CSD is configured)',
  })
  @ApiBody({ type: ScenarioBody })
  setScenario(@Body() body: unknown, @CurrentOperator() who: Operator) {
    return this.audited(who, 'SET SIMULATOR SCENARIO', 'simulator/scenario', () => this.up.call('market-sim', 'PUT', '/scenario', { as: who }, { body }));
  }

  // ------------------------------------------------------------------ accounting

  @Get('positions/:account')
  @Roles(...READ)
  @ApiOperation({ summary: 'Positions of an account per ISIN, trade-date and settlement-date views, with costs (?asOf=)' })
  @ApiOkResponse({ type: [Position] })
  positions(@Param('account') account: string, @Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/positions/${encodeURIComponent(account)}${query(req)}`, who);
  }

  @Get('cash')
  @Roles(...READ)
  @ApiOperation({ summary: 'Cash balances per currency and nostro (?asOf=)' })
  @ApiOkResponse({ type: [CashBalance] })
  cash(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/cash${query(req)}`, who);
  }

  @Get('trades/:ref/journal')
  @Roles(...READ)
  @ApiOperation({ summary: 'The journal lines of a trade' })
  @ApiOkResponse({ type: [JournalLine] })
  journal(@Param('ref') ref: string, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/journal/by-trade/${encodeURIComponent(ref)}`, who);
  }

  @Get('fx/results')
  @Roles(...READ)
  @ApiOperation({ summary: 'FX results per currency and book (?from=&to=)' })
  fxResults(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/fx/results${query(req)}`, who);
  }

  @Get('fx/report')
  @Roles(...READ)
  @ApiOperation({
    summary:
      'The FX-result report as of a date (?asOf=): realised and unrealised per book and currency, the rates used with their dates, every missing rate and what it blocks',
  })
  fxReport(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/fx/report${query(req)}`, who);
  }

  @Get('exports/:name')
  @Roles(...READ)
  @ApiOperation({
    summary:
      'Accounting exports: trial-balance or general-ledger (?from=&to=), or fec: the FEC of a fiscal year (?fiscalYear=YYYY and/or ?from=&to= inside it), the file named <SIREN>FEC<closing date>.txt; 422 with every missing ECB rate and auxiliary name while any is missing',
  })
  export(@Param('name') name: string, @Req() req: RawRequest, @Res({ passthrough: true }) res: Reply, @CurrentOperator() who: Operator) {
    if (!['trial-balance', 'general-ledger', 'fec'].includes(name)) throw new BadRequestException('exports: trial-balance, general-ledger or fec');
    return this.file('accounting', `/exports/${name}${query(req)}`, who, res);
  }

  @Get('reconciliations/runs')
  @Roles(...READ)
  @ApiOperation({ summary: 'Reconciliation runs, newest first, a page at a time (?kind=HOLDINGS|CASH|PNL&limit=&after=, after the last runId seen)' })
  reconRuns(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/reconciliations/runs${query(req)}`, who);
  }

  @Get('reconciliations/runs/:id')
  @Roles(...READ)
  @ApiOperation({ summary: 'One reconciliation run and its report' })
  reconRun(@Param('id') id: string, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/reconciliations/runs/${encodeURIComponent(id)}`, who);
  }

  @Get('reconciliations/breaks')
  @Roles(...READ)
  @ApiOperation({
    summary:
      'Reconciliation breaks, oldest first, a page at a time (?status=OPEN|INVESTIGATING|RESOLVED|CLOSED&kind=&limit=&after=, after the last breakId seen): field, both values, difference, age',
  })
  @ApiOkResponse({ type: [ReconciliationBreak] })
  breaks(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/reconciliations/breaks${query(req)}`, who);
  }

  @Get('reconciliations/breaks/summary')
  @Roles(...READ)
  @ApiOperation({
    summary: 'The reconciliation screen’s figures: breaks open, under investigation, by age in business days, closed today by a run or resolved',
  })
  breaksSummary(@CurrentOperator() who: Operator) {
    return this.get('accounting', '/reconciliations/breaks/summary', who);
  }

  @Get('reconciliations/breaks/:id')
  @Roles(...READ)
  @ApiOperation({ summary: 'One break and the actions taken on it' })
  break(@Param('id') id: string, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/reconciliations/breaks/${encodeURIComponent(id)}`, who);
  }

  @Patch('reconciliations/breaks/:id')
  @Roles(...MAKERS)
  @ApiOperation({ summary: 'Work a break: OPEN ↔ INVESTIGATING with a comment; resolving it is a RESOLVE_BREAK proposal' })
  async workBreak(@Param('id') id: string, @Body() body: WorkBreakCommand, @CurrentOperator() who: Operator) {
    if (body.status === 'RESOLVED')
      throw new BadRequestException('resolving a break needs a second person: POST /api/proposals { kind: "RESOLVE_BREAK", params: { breakId, comment } }');
    return this.audited(who, `BREAK ${String(body.status)}`, `break:${id}`, async () => {
      const r = await this.up.raw(
        'accounting',
        `/reconciliations/breaks/${encodeURIComponent(id)}`,
        { as: who },
        {
          method: 'PATCH',
          contentType: 'application/json',
          body: JSON.stringify({ status: body.status, comment: body.comment }),
        },
      );
      return JSON.parse(r.body.toString('utf8')) as unknown;
    });
  }

  @Post('reconciliations/statements')
  @Roles(...MAKERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Upload a custodian statement (semt.002 or camt.053 XML, ?account=); it is reconciled at once' })
  uploadStatement(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.audited(who, 'UPLOAD STATEMENT', `statement${query(req)}`, () =>
      this.forward('accounting', 'POST', `/reconciliations/statements${query(req)}`, req, who, 'application/xml'),
    );
  }

  @Post('reconciliations/desk-pnl')
  @Roles(...MAKERS)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Upload the desk’s management P&L: JSON [{ book, date, currency, amount }] or CSV book,date,currency,amount; a bad row is named and skipped',
  })
  uploadDeskPnl(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.audited(who, 'UPLOAD DESK PNL', 'desk-pnl', () =>
      this.forward('accounting', 'POST', '/reconciliations/desk-pnl', req, who, 'application/json'),
    );
  }

  @Post('reconciliations/pnl')
  @Roles(...MAKERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Run the accounting P&L vs desk P&L reconciliation (?date=&tolerance=)' })
  runPnl(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.audited(who, 'RUN PNL RECONCILIATION', `pnl${query(req)}`, () =>
      this.up.call('accounting', 'POST', `/reconciliations/pnl${query(req)}`, { as: who }),
    );
  }

  @Post('fx-rates/ecb')
  @Roles(...MAKERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Import ECB euro reference rates: the ECB’s own CSV (daily or history file)' })
  importEcb(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.audited(who, 'IMPORT ECB RATES', 'fx-rates', () => this.forward('accounting', 'POST', '/fx-rates/ecb', req, who, 'text/csv'));
  }

  @Get('chart')
  @Roles(...READ)
  @ApiOperation({ summary: 'The chart of accounts in force (?asOf=)' })
  chart(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/chart${query(req)}`, who);
  }

  @Get('posting-rules')
  @Roles(...READ)
  @ApiOperation({ summary: 'The posting rules in force: event × recognition × variant → lines (?asOf=)' })
  postingRules(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/posting-rules${query(req)}`, who);
  }

  @Put('books/:book/recognition')
  @Roles(...MAKERS)
  @ApiOperation({ summary: 'A book’s recognition from a date: { recognition: SETTLEMENT_DATE | TRADE_DATE, effectiveFrom }' })
  @ApiBody({ type: BookRecognitionBody })
  bookRecognition(@Param('book') book: string, @Body() body: unknown, @CurrentOperator() who: Operator) {
    return this.audited(who, 'SET BOOK RECOGNITION', `book:${book}`, () =>
      this.up.call('accounting', 'PUT', `/books/${encodeURIComponent(book)}/recognition`, { as: who }, { body }),
    );
  }

  @Get('periods')
  @Roles(...READ)
  @ApiOperation({ summary: 'Closed accounting periods with who proposed and approved each and the checksums of their trial balance and FEC' })
  periods(@CurrentOperator() who: Operator) {
    return this.get('accounting', '/periods', who);
  }

  @Get('trades/:ref/held-events')
  @Roles(...READ)
  @ApiOperation({ summary: 'Events accounting held for a trade instead of posting them, and why' })
  heldEvents(@Param('ref') ref: string, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/held-events/by-trade/${encodeURIComponent(ref)}`, who);
  }

  // ------------------------------------------------------------------ reporting

  @Get('reports/runs')
  @Roles(...READ)
  @ApiOperation({
    summary: 'Filed reports (TTF, Banque de France, MiFIR, activity), newest first, a page at a time (?kind=&period=&limit=&after=, after the last runId seen)',
  })
  reportRuns(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('reporting', `/reports/runs${query(req)}`, who);
  }

  @Get('reports/runs/:id')
  @Roles(...READ)
  @ApiOperation({ summary: 'One filed report run: its period, inputs, checksum, version and files' })
  reportRun(@Param('id') id: string, @CurrentOperator() who: Operator) {
    return this.get('reporting', `/reports/runs/${encodeURIComponent(id)}`, who);
  }

  @Get('reports/runs/:id/files/:name')
  @Roles(...READ)
  @ApiOperation({ summary: 'Download a file of a filed report (checksum in x-content-sha256)' })
  reportFile(@Param('id') id: string, @Param('name') name: string, @Res({ passthrough: true }) res: Reply, @CurrentOperator() who: Operator) {
    return this.file('reporting', `/reports/runs/${encodeURIComponent(id)}/files/${encodeURIComponent(name)}`, who, res);
  }

  @Post('reports/runs')
  @Roles(...MAKERS)
  @HttpCode(201)
  @ApiOperation({
    summary:
      'File a report now: { kind, period }, once the period has ended (a second run of a period is a correction that says what it changes); { testRun: true } computes it without filing',
  })
  @ApiBody({ type: ReportRunBody })
  fileReport(@Body() body: unknown, @CurrentOperator() who: Operator) {
    return this.audited(
      who,
      (body as { testRun?: unknown } | null)?.testRun === true ? 'TEST REPORT RUN' : 'FILE REPORT',
      'reports',
      () => this.up.call('reporting', 'POST', '/reports/runs', { as: who }, { body }),
      // A test run answers its files' bytes: the audit keeps their names and checksums.
      (r) => JSON.parse(JSON.stringify(r, (k, v: unknown) => (k === 'contentBase64' ? undefined : v))) as unknown,
    );
  }

  @Get('activity-report')
  @Roles(...READ)
  @ApiOperation({ summary: 'The activity report of a business day (?businessDate=): volumes, STP, confirmation rate, settlement efficiency, fails, penalties' })
  activity(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('reporting', `/activity-report${query(req)}`, who);
  }

  @Get('eod-reports/:date')
  @Roles(...READ)
  @ApiOperation({ summary: 'The end-of-day report reporting kept for a business date' })
  eodReport(@Param('date') date: string, @CurrentOperator() who: Operator) {
    return this.get('reporting', `/eod-reports/${encodeURIComponent(date)}`, who);
  }

  @Get('mifir/reports')
  @Roles(...READ)
  @ApiOperation({
    summary:
      'MiFIR transaction reports (auth.016) and their status, oldest first, a page at a time (?status=&tradeRef=&limit=&after=, after the last reportId seen)',
  })
  mifirReports(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('reporting', `/mifir/reports${query(req)}`, who);
  }

  // ------------------------------------------------------------------ notification

  @Get('notices')
  @Roles(...READ)
  @ApiOperation({
    summary: 'Client and counterparty notices, newest first (?tradeRef=&kind=&status=&limit=&after=, after = the last noticeId of the page before)',
  })
  @ApiOkResponse({ type: [Notice] })
  notices(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('notification', `/notices${query(req)}`, who);
  }

  @Get('notifications')
  @Roles(...READ)
  @ApiOperation({
    summary:
      'Deliveries of notices per channel and recipient, newest first (?tradeRef=&status=&channel=&limit=&after=, after = the last notificationId of the page before)',
  })
  notifications(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('notification', `/notifications${query(req)}`, who);
  }

  @Get('notices/:id')
  @Roles(...READ)
  @ApiOperation({ summary: 'One notice: its text as sent and its deliveries' })
  notice(@Param('id') id: string, @CurrentOperator() who: Operator) {
    return this.get('notification', `/notices/${encodeURIComponent(id)}`, who);
  }

  @Get('notices/:id/pdf')
  @Roles(...READ)
  @ApiOperation({ summary: 'A notice’s PDF (the avis d’opéré…), the same bytes as the attachment mailed (checksum in x-content-sha256)' })
  noticePdf(@Param('id') id: string, @Res({ passthrough: true }) res: Reply, @CurrentOperator() who: Operator) {
    return this.file('notification', `/notices/${encodeURIComponent(id)}/pdf`, who, res);
  }

  @Get('notifications/:id')
  @Roles(...READ)
  @ApiOperation({ summary: 'One delivery with its attempts' })
  notification(@Param('id') id: string, @CurrentOperator() who: Operator) {
    return this.get('notification', `/notifications/${encodeURIComponent(id)}`, who);
  }

  @Get('webhook-secrets/:account')
  @Roles(...READ)
  @ApiOperation({ summary: 'Which webhook URLs of an account have a signing secret and since when (never the secret)' })
  webhookSecrets(@Param('account') account: string, @CurrentOperator() who: Operator) {
    return this.get('notification', `/webhook-secrets/${encodeURIComponent(account)}`, who);
  }

  @Post('webhook-secrets/:account/rotate')
  @Roles(...MAKERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'A new signing secret for each webhook URL of the account ({ url } for one); the answer is the only place it is shown' })
  @ApiBody({ type: RotateWebhookSecretBody })
  rotateWebhookSecret(@Param('account') account: string, @Body() body: unknown, @CurrentOperator() who: Operator) {
    return this.audited(
      who,
      'ROTATE WEBHOOK SECRET',
      `account:${account}`,
      () => this.up.call('notification', 'POST', `/webhook-secrets/${encodeURIComponent(account)}/rotate`, { as: who }, { body }),
      // The audit keeps which URLs were rotated, never the secrets.
      (r) => ({ urls: ((r as { secrets?: Array<{ url?: unknown }> }).secrets ?? []).map((x) => x.url) }),
    );
  }

  @Get('avis/late')
  @Roles(...READ)
  @ApiOperation({ summary: 'Avis d’opéré not sent by the end of the first business day after execution' })
  lateAvis(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('notification', `/avis/late${query(req)}`, who);
  }

  @Get('counterparty-contacts/:lei')
  @Roles(...READ)
  @ApiOperation({
    summary:
      'Where a counterparty’s confirmations go: name, language, contacts (a webhook says hasSecret, never the secret); set them with a SET_COUNTERPARTY_CONTACTS proposal',
  })
  counterpartyContacts(@Param('lei') lei: string, @CurrentOperator() who: Operator) {
    return this.get('notification', `/counterparty-contacts/${encodeURIComponent(lei)}`, who);
  }

  @Post('notifications/:id/resend')
  @Roles(...MAKERS)
  @HttpCode(202)
  @ApiOperation({ summary: 'Resend a delivery that failed' })
  resend(@Param('id') id: string, @CurrentOperator() who: Operator) {
    return this.audited(who, 'RESEND NOTIFICATION', `notification:${id}`, () =>
      this.up.call('notification', 'POST', `/notifications/${encodeURIComponent(id)}/resend`, { as: who }),
    );
  }
}
