import { BadRequestException, Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Req, Res, StreamableFile } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { REPORT_KINDS } from '@postera/contracts';
import { CurrentOperator, MAKERS, READERS, Roles, type Operator } from '@postera/platform';
import { DataSource } from 'typeorm';
import { appendAudit } from '../audit/audit-log.js';
import { readRawBody } from '../upstream/http.js';
import {
  ActivityReport,
  BookRecognition,
  BookRecognitionBody,
  BreaksSummary,
  BreakWorked,
  CashBalance,
  CounterpartyContacts,
  Delivery,
  DeliveryDetail,
  DeskPnlRowBody,
  DeskPnlStored,
  EcbCsvBody,
  EcbRatesImported,
  EodReport,
  FailsPage,
  FxReport,
  FxResults,
  GeneralLedgerLine,
  HeldEvent,
  JournalLine,
  LateAvis,
  LedgerAccount,
  MifirReport,
  MonthlyPenalties,
  Notice,
  NoticeDetail,
  PenaltiesOfDay,
  PeriodClosing,
  Position,
  PostingRule,
  ReconciliationBreak,
  ReconciliationBreakDetail,
  ReconciliationReport,
  ReconciliationReports,
  ReconciliationRun,
  ReferencePriceBody,
  ReferencePricesImported,
  ReportRun,
  ReportRunBody,
  ReportRunDetail,
  ReportsFiled,
  RotatedWebhookSecrets,
  RotateWebhookSecretBody,
  ScenarioBody,
  SimulatorScenario,
  TestReportRuns,
  TrialBalanceLine,
  WebhookSecrets,
  WorkBreakCommand,
} from './back-office.dto.js';
import { ApiPage, arrayOf, BINARY, dateQuery, rawBody } from '../api-docs.js';
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
const STATEMENT_XML = { type: 'string', description: 'A semt.002 (holdings) or camt.053 (cash) document, as the custodian sent it' } as const;

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
  @ApiQuery(dateQuery('asOf', 'The day the fails are seen from (the current business day by default)'))
  @ApiPage('instructionId')
  fails(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('settlement', `/fails${query(req)}`, who);
  }

  @Get('penalties/daily')
  @Roles(...READ)
  @ApiOperation({ summary: 'CSDR penalties accrued on a business day, a page at a time (?date=&limit=&after=, after the last penaltyId seen)' })
  @ApiOkResponse({ type: PenaltiesOfDay })
  @ApiQuery(dateQuery('date', 'The business day (the current one by default)'))
  @ApiPage('penaltyId')
  penaltiesDaily(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('settlement', `/penalties/daily${query(req)}`, who);
  }

  @Get('penalties/monthly')
  @Roles(...READ)
  @ApiOperation({
    summary: 'The monthly CSDR penalty report per counterparty and currency, whole counterparties a page at a time (?month=YYYY-MM&limit=&after=)',
  })
  @ApiOkResponse({ type: MonthlyPenalties })
  @ApiQuery({ name: 'month', required: true, description: 'YYYY-MM', example: '2026-11' })
  @ApiPage('counterparty', 'Counterparties')
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
  @ApiCreatedResponse({ type: ReferencePricesImported })
  importPrices(@Body() body: unknown, @CurrentOperator() who: Operator) {
    return this.audited(who, 'IMPORT REFERENCE PRICES', 'reference-prices', () =>
      this.up.call('settlement', 'POST', '/reference-prices', { as: who }, { body }),
    );
  }

  // ------------------------------------------------------------------ simulated CSD (test environments)

  @Get('simulator/scenario')
  @Roles(...READ)
  @ApiOperation({ summary: 'The simulated CSD’s scenario in force: its rules and daily fail rate, who set them (404 where no simulated CSD is configured)' })
  @ApiOkResponse({ type: SimulatorScenario })
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
  @ApiOkResponse({ type: SimulatorScenario, description: 'The scenario now in force' })
  setScenario(@Body() body: unknown, @CurrentOperator() who: Operator) {
    return this.audited(who, 'SET SIMULATOR SCENARIO', 'simulator/scenario', () => this.up.call('market-sim', 'PUT', '/scenario', { as: who }, { body }));
  }

  // ------------------------------------------------------------------ accounting

  @Get('positions/:account')
  @Roles(...READ)
  @ApiOperation({
    summary: 'Positions of an account per ISIN, trade-date and settlement-date views, with costs, by ISIN a page at a time (?asOf=&limit=&after=)',
  })
  @ApiOkResponse({ type: [Position] })
  @ApiQuery(dateQuery('asOf', 'The day of the quantities (every day by default)'))
  @ApiPage('isin')
  positions(@Param('account') account: string, @Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/positions/${encodeURIComponent(account)}${query(req)}`, who);
  }

  @Get('cash')
  @Roles(...READ)
  @ApiOperation({ summary: 'Cash balances per currency and nostro, whole currencies a page at a time (?asOf=&limit=&after=)' })
  @ApiOkResponse({ type: [CashBalance] })
  @ApiQuery(dateQuery('asOf', 'The day of the balances (every day by default)'))
  @ApiPage('currency', 'Currencies')
  cash(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/cash${query(req)}`, who);
  }

  @Get('trades/:ref/journal')
  @Roles(...READ)
  @ApiOperation({ summary: 'The journal lines of a trade in the order they were posted, whole entries a page at a time (?limit=&after=)' })
  @ApiOkResponse({ type: [JournalLine] })
  @ApiPage('entryId', 'Entries')
  journal(@Param('ref') ref: string, @Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/journal/by-trade/${encodeURIComponent(ref)}${query(req)}`, who);
  }

  @Get('fx/results')
  @Roles(...READ)
  @ApiOperation({ summary: 'FX results per close, book and currency, with the totals of the range; whole closes a page at a time (?from=&to=&limit=&after=)' })
  @ApiOkResponse({ type: FxResults })
  @ApiQuery(dateQuery('from', 'The first close', true))
  @ApiQuery(dateQuery('to', 'The last close', true))
  @ApiPage('closeDate', 'Close days')
  fxResults(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/fx/results${query(req)}`, who);
  }

  @Get('fx/report')
  @Roles(...READ)
  @ApiOperation({
    summary:
      'The FX-result report as of a date (?asOf=): realised and unrealised per book and currency, the rates used with their dates, every missing rate and what it blocks',
  })
  @ApiOkResponse({ type: FxReport })
  @ApiQuery(dateQuery('asOf', 'The day of the report', true))
  fxReport(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/fx/report${query(req)}`, who);
  }

  @Get('exports/:name')
  @Roles(...READ)
  @ApiOperation({
    summary:
      'Accounting exports: trial-balance or general-ledger (?from=&to=), or fec: the FEC of a fiscal year (?fiscalYear=YYYY and/or ?from=&to= inside it), the file named <SIREN>FEC<closing date>.txt; 422 with every missing ECB rate and auxiliary name while any is missing',
  })
  @ApiParam({ name: 'name', enum: ['trial-balance', 'general-ledger', 'fec'] })
  @ApiQuery(dateQuery('from', 'The first accounting date (trial-balance and general-ledger: required)'))
  @ApiQuery(dateQuery('to', 'The last accounting date (trial-balance and general-ledger: required)'))
  @ApiQuery({ name: 'fiscalYear', required: false, description: 'fec: the fiscal year, YYYY (the year its closing day falls in)', example: '2026' })
  @ApiQuery({ name: 'separator', required: false, enum: ['tab'], description: 'fec: tab-separated (| by default)' })
  @ApiQuery({ name: 'encoding', required: false, enum: ['utf8'], description: 'fec: UTF-8 (ISO 8859-15 by default)' })
  @ApiExtraModels(TrialBalanceLine, GeneralLedgerLine)
  @ApiOkResponse({
    description: 'trial-balance and general-ledger: JSON lines; fec: the FEC text file, as an attachment',
    content: {
      'application/json': { schema: { anyOf: [arrayOf(TrialBalanceLine), arrayOf(GeneralLedgerLine)] } },
      'text/plain': { schema: BINARY },
    },
  })
  export(@Param('name') name: string, @Req() req: RawRequest, @Res({ passthrough: true }) res: Reply, @CurrentOperator() who: Operator) {
    if (!['trial-balance', 'general-ledger', 'fec'].includes(name)) throw new BadRequestException('exports: trial-balance, general-ledger or fec');
    return this.file('accounting', `/exports/${name}${query(req)}`, who, res);
  }

  @Get('reconciliations/runs')
  @Roles(...READ)
  @ApiOperation({ summary: 'Reconciliation runs, newest first, a page at a time (?kind=HOLDINGS|CASH|PNL&limit=&after=, after the last runId seen)' })
  @ApiOkResponse({ type: [ReconciliationRun] })
  @ApiQuery({ name: 'kind', required: false, enum: ['HOLDINGS', 'CASH', 'PNL'] })
  @ApiPage('runId')
  reconRuns(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/reconciliations/runs${query(req)}`, who);
  }

  @Get('reconciliations/runs/:id')
  @Roles(...READ)
  @ApiOperation({ summary: 'One reconciliation run and its report' })
  @ApiOkResponse({ type: ReconciliationReport })
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
  @ApiQuery({ name: 'status', required: false, enum: ['OPEN', 'INVESTIGATING', 'RESOLVED', 'CLOSED'] })
  @ApiQuery({ name: 'kind', required: false, enum: ['HOLDINGS', 'CASH', 'PNL'] })
  @ApiPage('breakId')
  breaks(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/reconciliations/breaks${query(req)}`, who);
  }

  @Get('reconciliations/breaks/summary')
  @Roles(...READ)
  @ApiOperation({
    summary: 'The reconciliation screen’s figures: breaks open, under investigation, by age in business days, closed today by a run or resolved',
  })
  @ApiOkResponse({ type: BreaksSummary })
  breaksSummary(@CurrentOperator() who: Operator) {
    return this.get('accounting', '/reconciliations/breaks/summary', who);
  }

  @Get('reconciliations/breaks/:id')
  @Roles(...READ)
  @ApiOperation({ summary: 'One break and the actions taken on it' })
  @ApiOkResponse({ type: ReconciliationBreakDetail })
  break(@Param('id') id: string, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/reconciliations/breaks/${encodeURIComponent(id)}`, who);
  }

  @Patch('reconciliations/breaks/:id')
  @Roles(...MAKERS)
  @ApiOperation({ summary: 'Work a break: OPEN ↔ INVESTIGATING with a comment; resolving it is a RESOLVE_BREAK proposal' })
  @ApiOkResponse({ type: BreakWorked })
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
  @ApiOperation({
    summary: 'Upload a custodian statement (semt.002 or camt.053 XML, ?account=); it is reconciled at once',
    requestBody: rawBody({ 'application/xml': STATEMENT_XML, 'text/xml': STATEMENT_XML }),
  })
  @ApiQuery({ name: 'account', required: true, type: String, description: 'Our account the statement is of' })
  @ApiExtraModels(ReconciliationReport, ReconciliationReports)
  @ApiOkResponse({
    description: 'The run; for a camt.053 file of several statements, { runs }',
    schema: { anyOf: [{ $ref: getSchemaPath(ReconciliationReport) }, { $ref: getSchemaPath(ReconciliationReports) }] },
  })
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
    requestBody: rawBody({
      'application/json': arrayOf(DeskPnlRowBody),
      'text/csv': { type: 'string', description: 'book,date,currency,amount per line, a header row allowed' },
    }),
  })
  @ApiExtraModels(DeskPnlRowBody)
  @ApiOkResponse({ type: DeskPnlStored })
  uploadDeskPnl(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.audited(who, 'UPLOAD DESK PNL', 'desk-pnl', () =>
      this.forward('accounting', 'POST', '/reconciliations/desk-pnl', req, who, 'application/json'),
    );
  }

  @Post('reconciliations/pnl')
  @Roles(...MAKERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Run the accounting P&L vs desk P&L reconciliation (?date=&tolerance=)' })
  @ApiOkResponse({ type: ReconciliationReport })
  @ApiQuery(dateQuery('date', 'The day reconciled', true))
  @ApiQuery({ name: 'tolerance', required: false, description: 'A decimal string ≥ 0 (the service’s default otherwise)', example: '1.00' })
  runPnl(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.audited(who, 'RUN PNL RECONCILIATION', `pnl${query(req)}`, () =>
      this.up.call('accounting', 'POST', `/reconciliations/pnl${query(req)}`, { as: who }),
    );
  }

  @Post('fx-rates/ecb')
  @Roles(...MAKERS)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import ECB euro reference rates: the ECB’s own CSV (daily or history file)',
    requestBody: rawBody({ 'text/csv': { type: 'string', description: 'The ECB’s own CSV' }, 'application/json': { $ref: getSchemaPath(EcbCsvBody) } }),
  })
  @ApiExtraModels(EcbCsvBody)
  @ApiOkResponse({ type: EcbRatesImported })
  importEcb(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.audited(who, 'IMPORT ECB RATES', 'fx-rates', () => this.forward('accounting', 'POST', '/fx-rates/ecb', req, who, 'text/csv'));
  }

  @Get('chart')
  @Roles(...READ)
  @ApiOperation({ summary: 'The chart of accounts: each account’s code, name and kind, by code a page at a time (?limit=&after=)' })
  @ApiOkResponse({ type: [LedgerAccount] })
  @ApiPage('code')
  chart(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/chart${query(req)}`, who);
  }

  @Get('posting-rules')
  @Roles(...READ)
  @ApiOperation({
    summary:
      'The posting rules, each rule set with the day it applies from: event × recognition × variant → lines; whole rule sets a page at a time (?limit=&after=)',
  })
  @ApiOkResponse({ type: [PostingRule] })
  @ApiPage('version', 'Rule sets')
  postingRules(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/posting-rules${query(req)}`, who);
  }

  @Put('books/:book/recognition')
  @Roles(...MAKERS)
  @ApiOperation({ summary: 'A book’s recognition from a date: { recognition: SETTLEMENT_DATE | TRADE_DATE, effectiveFrom }' })
  @ApiBody({ type: BookRecognitionBody })
  @ApiOkResponse({ type: BookRecognition })
  bookRecognition(@Param('book') book: string, @Body() body: unknown, @CurrentOperator() who: Operator) {
    return this.audited(who, 'SET BOOK RECOGNITION', `book:${book}`, () =>
      this.up.call('accounting', 'PUT', `/books/${encodeURIComponent(book)}/recognition`, { as: who }, { body }),
    );
  }

  @Get('periods')
  @Roles(...READ)
  @ApiOperation({
    summary: 'Closed accounting periods, oldest first, with who proposed and approved each and the checksums of their trial balance and FEC (?limit=&after=)',
  })
  @ApiOkResponse({ type: [PeriodClosing] })
  @ApiPage('period')
  periods(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/periods${query(req)}`, who);
  }

  @Get('trades/:ref/held-events')
  @Roles(...READ)
  @ApiOperation({ summary: 'Events accounting held for a trade instead of posting them, and why, in the order they were held (?limit=&after=)' })
  @ApiOkResponse({ type: [HeldEvent] })
  @ApiPage('eventId')
  heldEvents(@Param('ref') ref: string, @Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('accounting', `/held-events/by-trade/${encodeURIComponent(ref)}${query(req)}`, who);
  }

  // ------------------------------------------------------------------ reporting

  @Get('reports/runs')
  @Roles(...READ)
  @ApiOperation({
    summary: 'Filed reports (TTF, Banque de France, MiFIR, activity), newest first, a page at a time (?kind=&period=&limit=&after=, after the last runId seen)',
  })
  @ApiOkResponse({ type: [ReportRun] })
  @ApiQuery({ name: 'kind', required: false, enum: REPORT_KINDS })
  @ApiQuery(dateQuery('period', 'The day the period starts on'))
  @ApiPage('runId')
  reportRuns(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('reporting', `/reports/runs${query(req)}`, who);
  }

  @Get('reports/runs/:id')
  @Roles(...READ)
  @ApiOperation({ summary: 'One filed report run: its period, inputs, checksum, version and files' })
  @ApiOkResponse({ type: ReportRunDetail })
  reportRun(@Param('id') id: string, @CurrentOperator() who: Operator) {
    return this.get('reporting', `/reports/runs/${encodeURIComponent(id)}`, who);
  }

  @Get('reports/runs/:id/files/:name')
  @Roles(...READ)
  @ApiOperation({ summary: 'Download a file of a filed report (checksum in x-content-sha256)' })
  @ApiOkResponse({
    description: 'The file as filed, in its own media type (x-content-sha256: its checksum)',
    content: Object.fromEntries(['application/xml', 'application/json', 'application/pdf', 'text/csv', 'text/plain'].map((t) => [t, { schema: BINARY }])),
  })
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
  @ApiExtraModels(ReportsFiled, TestReportRuns)
  @ApiCreatedResponse({
    description: 'The runs filed; with testRun, the runs computed with their files’ bytes, nothing filed',
    schema: { anyOf: [{ $ref: getSchemaPath(ReportsFiled) }, { $ref: getSchemaPath(TestReportRuns) }] },
  })
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
  @ApiOkResponse({ type: ActivityReport })
  @ApiQuery(dateQuery('businessDate', 'The business day (the last closed one by default)'))
  activity(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('reporting', `/activity-report${query(req)}`, who);
  }

  @Get('eod-reports/:date')
  @Roles(...READ)
  @ApiOperation({ summary: 'The end-of-day report reporting kept for a business date' })
  @ApiOkResponse({ type: EodReport })
  eodReport(@Param('date') date: string, @CurrentOperator() who: Operator) {
    return this.get('reporting', `/eod-reports/${encodeURIComponent(date)}`, who);
  }

  @Get('mifir/reports')
  @Roles(...READ)
  @ApiOperation({
    summary:
      'MiFIR transaction reports (auth.016) and their status, oldest first, a page at a time (?status=&tradeRef=&limit=&after=, after the last reportId seen)',
  })
  @ApiOkResponse({ type: [MifirReport] })
  @ApiQuery({ name: 'status', required: false, enum: ['PENDING', 'FILED', 'INVALID', 'NOT_NEEDED'] })
  @ApiQuery({ name: 'tradeRef', required: false, type: String })
  @ApiPage('reportId')
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
  @ApiQuery({ name: 'tradeRef', required: false, type: String })
  @ApiQuery({ name: 'kind', required: false, example: 'AVIS_OPERE' })
  @ApiQuery({ name: 'status', required: false, enum: ['WAITING', 'ROUTED', 'SKIPPED', 'NO_CONTACT'] })
  @ApiPage('noticeId')
  notices(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('notification', `/notices${query(req)}`, who);
  }

  @Get('notifications')
  @Roles(...READ)
  @ApiOperation({
    summary:
      'Deliveries of notices per channel and recipient, newest first (?tradeRef=&status=&channel=&limit=&after=, after = the last notificationId of the page before)',
  })
  @ApiOkResponse({ type: [Delivery] })
  @ApiQuery({ name: 'tradeRef', required: false, type: String })
  @ApiQuery({ name: 'status', required: false, enum: ['PENDING', 'HELD', 'SENT', 'FAILED', 'SKIPPED'] })
  @ApiQuery({ name: 'channel', required: false, enum: ['EMAIL', 'WEBHOOK'] })
  @ApiPage('notificationId')
  notifications(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('notification', `/notifications${query(req)}`, who);
  }

  @Get('notices/:id')
  @Roles(...READ)
  @ApiOperation({ summary: 'One notice: its text as sent and its deliveries' })
  @ApiOkResponse({ type: NoticeDetail })
  notice(@Param('id') id: string, @CurrentOperator() who: Operator) {
    return this.get('notification', `/notices/${encodeURIComponent(id)}`, who);
  }

  @Get('notices/:id/pdf')
  @Roles(...READ)
  @ApiOperation({ summary: 'A notice’s PDF (the avis d’opéré…), the same bytes as the attachment mailed (checksum in x-content-sha256)' })
  @ApiOkResponse({ description: 'The PDF (x-content-sha256: its checksum)', content: { 'application/pdf': { schema: BINARY } } })
  noticePdf(@Param('id') id: string, @Res({ passthrough: true }) res: Reply, @CurrentOperator() who: Operator) {
    return this.file('notification', `/notices/${encodeURIComponent(id)}/pdf`, who, res);
  }

  @Get('notifications/:id')
  @Roles(...READ)
  @ApiOperation({ summary: 'One delivery with its attempts' })
  @ApiOkResponse({ type: DeliveryDetail })
  notification(@Param('id') id: string, @CurrentOperator() who: Operator) {
    return this.get('notification', `/notifications/${encodeURIComponent(id)}`, who);
  }

  @Get('webhook-secrets/:account')
  @Roles(...READ)
  @ApiOperation({ summary: 'Which webhook URLs of an account have a signing secret and since when (never the secret)' })
  @ApiOkResponse({ type: WebhookSecrets })
  webhookSecrets(@Param('account') account: string, @CurrentOperator() who: Operator) {
    return this.get('notification', `/webhook-secrets/${encodeURIComponent(account)}`, who);
  }

  @Post('webhook-secrets/:account/rotate')
  @Roles(...MAKERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'A new signing secret for each webhook URL of the account ({ url } for one); the answer is the only place it is shown' })
  @ApiBody({ type: RotateWebhookSecretBody })
  @ApiOkResponse({ type: RotatedWebhookSecrets })
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
  @ApiOkResponse({ type: [LateAvis] })
  @ApiPage('tradeRef')
  lateAvis(@Req() req: RawRequest, @CurrentOperator() who: Operator) {
    return this.get('notification', `/avis/late${query(req)}`, who);
  }

  @Get('counterparty-contacts/:lei')
  @Roles(...READ)
  @ApiOperation({
    summary:
      'Where a counterparty’s confirmations go: name, language, contacts (a webhook says hasSecret, never the secret); set them with a SET_COUNTERPARTY_CONTACTS proposal',
  })
  @ApiOkResponse({ type: CounterpartyContacts })
  counterpartyContacts(@Param('lei') lei: string, @CurrentOperator() who: Operator) {
    return this.get('notification', `/counterparty-contacts/${encodeURIComponent(lei)}`, who);
  }

  @Post('notifications/:id/resend')
  @Roles(...MAKERS)
  @HttpCode(202)
  @ApiOperation({ summary: 'Resend a delivery that failed' })
  @ApiAcceptedResponse({ type: Delivery, description: 'The delivery, pending again' })
  resend(@Param('id') id: string, @CurrentOperator() who: Operator) {
    return this.audited(who, 'RESEND NOTIFICATION', `notification:${id}`, () =>
      this.up.call('notification', 'POST', `/notifications/${encodeURIComponent(id)}/resend`, { as: who }),
    );
  }
}
