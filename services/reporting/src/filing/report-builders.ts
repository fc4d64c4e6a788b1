import { envelope, Topics, type TradeEconomics } from '@postera/contracts';
import { addBusinessDays, addDays, deterministicId, TARGET } from '@postera/kernel';
import type { OutgoingEvent } from '@postera/platform';
import { readFileSync } from 'node:fs';
import type { EntityManager } from 'typeorm';
import { activityCsv, activityReport, type ActivityFigures } from '../activity/domain/activity-report.js';
import { activityPdf } from '../activity/pdf/activity-pdf.js';
import type { ReportingConfig } from '../config.js';
import { balanceOfPayments, BDF_LAYOUT, bopXml, holdingsAt, holdingsXml, mergeLayout, type BdfInstrument, type BdfSettlement } from '../declarations/domain/bdf.js';
import { auth016Xml, clientOf, traderAsPerson, validateMifirReport, type MifirPerson, type MifirReport, type MifirTrade } from '../declarations/domain/mifir.js';
import { computeTtf, TTF_EXEMPTIONS, type TtfExemption, type TtfExemptionRules, type TtfInstrument, type TtfLine, type TtfSettlement } from '../declarations/domain/ttf.js';
import { ttfCsv, ttfText } from '../declarations/domain/ttf-files.js';
import { fileRun, type ReportFile } from './report-store.js';

/**
 * The TTF payable for accounting, exactly the shape of `TtfAssessedV1` in
 * libs/shared/contracts/src/reporting.v1.ts (owned by accounting), written out here so that this
 * service builds on its own; `settlementDate` is an optional field reporting adds (the day of the
 * transfer of ownership that made the line taxable).
 */
interface TtfAssessedPayload {
  assessmentId: string;
  account: string;
  book: string;
  isin: string;
  tradeDate: string;
  base: string;
  rate: string;
  amount: string;
  currency: 'EUR';
  supersedes?: string | null;
  settlementDate?: string;
}

export interface Filed {
  runId: string;
  events: OutgoingEvent[];
}

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v, null, 2) + '\n', 'utf8');
const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

export function monthBounds(month: string): { start: string; end: string } {
  const start = `${month}-01`;
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return { start, end: addDays(next, -1) };
}

export function ttfRules(c: ReportingConfig): TtfExemptionRules {
  const enabled = c.TTF_EXEMPTIONS.split(',')
    .map((s) => s.trim())
    .filter((s): s is TtfExemption => (TTF_EXEMPTIONS as readonly string[]).includes(s));
  return {
    enabled,
    marketMakingBooks: c.TTF_MARKET_MAKING_BOOKS,
    liquidityContractBooks: c.TTF_LIQUIDITY_CONTRACT_BOOKS,
    primaryMarketSources: c.TTF_PRIMARY_MARKET_SOURCES,
    intragroupLeis: c.TTF_INTRAGROUP_LEIS,
    repoLendingBooks: c.TTF_REPO_LENDING_BOOKS,
    repoLendingSources: c.TTF_REPO_LENDING_SOURCES,
  };
}

interface StepRow {
  trade_ref: string;
  side: 'BUY' | 'SELL';
  isin: string;
  account: string;
  counterparty: string;
  currency: string;
  quantity: string;
  amount: string;
  settlement_date: string;
  economics: TradeEconomics | null;
}

async function steps(tx: EntityManager, from: string | null, to: string): Promise<StepRow[]> {
  return (await tx.query(
    `SELECT s.trade_ref, s.side, s.isin, s.account, s.counterparty, s.currency, s.quantity::text AS quantity, s.amount::text AS amount,
            to_char(s.effective_settlement_date, 'YYYY-MM-DD') AS settlement_date, t.economics
     FROM reporting.settlement_steps s LEFT JOIN reporting.trades t ON t.trade_ref = s.trade_ref
     WHERE ($1::date IS NULL OR s.effective_settlement_date >= $1::date) AND s.effective_settlement_date <= $2::date
     ORDER BY s.effective_settlement_date, s.trade_ref, s.event_id`,
    [from, to],
  )) as StepRow[];
}

async function instruments(tx: EntityManager) {
  const rows = (await tx.query(`SELECT isin, instrument_type, currency, issuer_country, ttf_scope_years FROM reporting.ref_instruments`)) as Array<{
    isin: string;
    instrument_type: string;
    currency: string;
    issuer_country: string;
    ttf_scope_years: number[];
  }>;
  return new Map<string, TtfInstrument & BdfInstrument>(
    rows.map((r) => [r.isin, { isin: r.isin, instrumentType: r.instrument_type, currency: r.currency, issuerCountry: r.issuer_country, ttfScopeYears: r.ttf_scope_years }]),
  );
}

/** The TTF declaration of a month (settlement dates), its files, and one TtfAssessed per taxable line for accounting. */
export async function fileTtf(tx: EntityManager, c: ReportingConfig, month: string, filedBy: string, causationId: string | null): Promise<Filed> {
  const period = monthBounds(month);
  const rows = await steps(tx, period.start, period.end);
  const missing = rows.filter((r) => !r.economics).map((r) => ({ tradeRef: r.trade_ref, isin: r.isin, reason: 'trade economics not received by reporting' }));
  const settlements: TtfSettlement[] = rows
    .filter((r) => r.economics)
    .map((r) => ({
      tradeRef: r.trade_ref,
      sourceSystem: r.economics!.sourceSystem,
      account: r.account,
      payer: r.economics!.clientId,
      isin: r.isin,
      side: r.side,
      quantity: r.quantity,
      price: r.economics!.price,
      currency: r.currency,
      tradeDate: r.economics!.tradeDate,
      settlementDate: r.settlement_date,
      capacity: r.economics!.capacity,
      book: r.economics!.book,
      counterparty: r.counterparty,
    }));
  const d = computeTtf(period, settlements, await instruments(tx), ttfRules(c));
  d.excluded.push(...missing);
  const files: ReportFile[] = [
    { name: `ttf-${month}.csv`, mediaType: 'text/csv; charset=utf-8', content: utf8(ttfCsv(d, c.TTF_MEMBER_CODE)) },
    { name: `ttf-${month}.txt`, mediaType: 'text/plain; charset=utf-8', content: utf8(ttfText(d, { memberCode: c.TTF_MEMBER_CODE, firmName: c.FIRM_NAME })) },
    { name: `ttf-${month}.json`, mediaType: 'application/json', content: json({ memberCode: c.TTF_MEMBER_CODE, ...d }) },
  ];
  const summary = { lines: d.lines.length, taxable: d.lines.filter((l) => !l.exemption).length, total: d.total, totals: d.totals, excluded: d.excluded.length };
  const { run, events } = await fileRun(tx, { kind: 'TTF', periodStart: period.start, periodEnd: period.end, inputsFrom: period.start, inputsTo: period.end, files, summary }, filedBy, causationId);

  // Accounting accrues each taxable line; a correction supersedes the line of the version it replaces
  // (a line gone from the correction is superseded by a zero assessment).
  const previous = run.replaces ? await ttfLinesOf(tx, run.replaces) : new Map<string, TtfLine>();
  const assessment = (runId: string, ref: string) => deterministicId('TtfAssessed', runId, ref);
  const assessed = (l: TtfLine, zero: boolean): OutgoingEvent => {
    const payload: TtfAssessedPayload = {
      assessmentId: assessment(run.runId, l.reference),
      account: l.account,
      book: settlements.find((s) => s.account === l.account && s.isin === l.isin)?.book ?? '',
      isin: l.isin,
      tradeDate: l.tradeDates[l.tradeDates.length - 1]!,
      base: zero ? '0.00' : l.base,
      rate: l.rate,
      amount: zero ? '0.00' : l.tax,
      currency: 'EUR',
      supersedes: previous.has(l.reference) && run.replaces ? assessment(run.replaces, l.reference) : null,
      settlementDate: l.settlementDate,
    };
    return {
      topic: Topics.reportingEvents,
      key: l.account,
      event: envelope({ eventId: payload.assessmentId, type: 'TtfAssessed', producer: 'reporting', correlationId: `TTF:${month}`, causationId, payload }),
    };
  };
  const taxable = d.lines.filter((l) => !l.exemption);
  const gone = [...previous.values()].filter((p) => !p.exemption && !taxable.some((l) => l.reference === p.reference));
  return {
    runId: run.runId,
    events: [...events, ...taxable.map((l) => assessed(l, false)), ...gone.map((l) => ({ ...assessed(l, true) }))].map((e) => e),
  };
}

async function ttfLinesOf(tx: EntityManager, runId: string): Promise<Map<string, TtfLine>> {
  const [f] = (await tx.query(`SELECT content FROM reporting.report_files WHERE run_id = $1 AND name LIKE 'ttf-%.json'`, [runId])) as Array<{ content: Buffer }>;
  if (!f) return new Map();
  const d = JSON.parse(f.content.toString('utf8')) as { lines: TtfLine[] };
  return new Map(d.lines.map((l) => [l.reference, l]));
}

function bdfLayout(c: ReportingConfig) {
  return c.BDF_LAYOUT_FILE ? mergeLayout(BDF_LAYOUT, JSON.parse(readFileSync(c.BDF_LAYOUT_FILE, 'utf8'))) : BDF_LAYOUT;
}

const bdfSettlement = (r: StepRow): BdfSettlement => ({
  tradeRef: r.trade_ref,
  side: r.side,
  isin: r.isin,
  quantity: r.quantity,
  amount: r.amount,
  currency: r.currency,
  settlementDate: r.settlement_date,
  counterparty: r.counterparty,
});

/** The two Banque de France reports of a month: balance of payments (non-resident settlements) and holdings at month end. */
export async function fileBdf(tx: EntityManager, c: ReportingConfig, month: string, filedBy: string, causationId: string | null): Promise<Filed[]> {
  const period = monthBounds(month);
  const layout = bdfLayout(c);
  const refs = await instruments(tx);
  const parties = new Map(((await tx.query(`SELECT lei, country FROM reporting.ref_parties`)) as Array<{ lei: string; country: string }>).map((p) => [p.lei, p.country]));
  const all = (await steps(tx, null, period.end)).map(bdfSettlement);
  const bop = balanceOfPayments(period, all, parties, refs, c.FIRM_COUNTRY);
  const bopRun = await fileRun(
    tx,
    {
      kind: 'BDF_BOP',
      periodStart: period.start,
      periodEnd: period.end,
      inputsFrom: period.start,
      inputsTo: period.end,
      files: [
        { name: `bdf-bop-${month}.xml`, mediaType: 'application/xml', content: utf8(bopXml(bop, c.BDF_DECLARANT_ID, layout)) },
        { name: `bdf-bop-${month}.json`, mediaType: 'application/json', content: json(bop) },
      ],
      summary: { items: bop.items.length, unclassified: bop.unclassified.length },
    },
    filedBy,
    causationId,
  );
  const holdings = holdingsAt(period.end, all, refs);
  const first = all[0]?.settlementDate ?? period.start;
  const holdingsRun = await fileRun(
    tx,
    {
      kind: 'BDF_HOLDINGS',
      periodStart: period.start,
      periodEnd: period.end,
      inputsFrom: first < period.start ? first : period.start,
      inputsTo: period.end,
      files: [
        { name: `bdf-holdings-${month}.xml`, mediaType: 'application/xml', content: utf8(holdingsXml(period.end, holdings, c.BDF_DECLARANT_ID, layout)) },
        { name: `bdf-holdings-${month}.json`, mediaType: 'application/json', content: json({ date: period.end, holdings }) },
      ],
      summary: { isins: holdings.length },
    },
    filedBy,
    causationId,
  );
  return [
    { runId: bopRun.run.runId, events: bopRun.events },
    { runId: holdingsRun.run.runId, events: holdingsRun.events },
  ];
}

interface MifirRow {
  report_id: string;
  trade_ref: string;
  kind: 'NEW' | 'CANC';
  transaction_reference: string;
  trade_date: string;
  trade: TradeEconomics | null;
  status: string;
}

/**
 * The trade as MiFIR reports it. The venue transaction id and the trader come from the platform's
 * input (trades.executed.v1), passed on by capture with the economics. The client is its
 * LEI when its client id is one, else the natural person the referential has for the account (as
 * it stands at filing); with neither, the report is held back as an exception.
 */
function mifirTrade(t: TradeEconomics, branchCountry: string, person: MifirPerson | null): MifirTrade {
  const trader = t.trader ?? null;
  return {
    tradeRef: t.tradeRef,
    version: t.version,
    side: t.side,
    isin: t.isin,
    quantity: t.quantity,
    price: t.price,
    priceType: t.priceType,
    currency: t.currency,
    executedAt: t.executedAt,
    tradeDate: t.tradeDate,
    venue: t.venue,
    venueTransactionId: t.venueTransactionId ?? null,
    counterparty: t.counterparty,
    capacity: t.capacity,
    accountType: t.accountType,
    clientId: t.clientId,
    instrumentType: t.instrumentType,
    client: clientOf(t.clientId, person),
    execution: traderAsPerson(trader, branchCountry),
    trader,
    sourceSystem: t.sourceSystem,
    origin: t.origin,
  };
}

/**
 * The MiFIR reports due at the close of `date` (D+1 at the latest): every pending or invalid
 * report of a trade dated up to that day, checked; the valid ones are filed in one auth.016
 * document, the invalid ones stay INVALID with their problems. A CANC whose NEW never went out is
 * not needed. Nothing to file: no run.
 */
export async function fileMifir(tx: EntityManager, c: ReportingConfig, date: string, filedBy: string, causationId: string | null, now = new Date()): Promise<Filed | null> {
  const rows = (await tx.query(
    `SELECT report_id::text, trade_ref, kind, transaction_reference, to_char(trade_date, 'YYYY-MM-DD') AS trade_date, trade, status
     FROM reporting.mifir_reports m WHERE status IN ('PENDING', 'INVALID') AND trade_date <= $1 ORDER BY m.report_id`,
    [date],
  )) as MifirRow[];
  const firm = { lei: c.FIRM_LEI, branchCountry: c.FIRM_COUNTRY };
  // The natural persons of the accounts concerned, as the referential has them now.
  const accounts = [...new Set(rows.flatMap((r) => (r.trade ? [r.trade.account] : [])))];
  const personRows = (await tx.query(`SELECT account, natural_person FROM reporting.ref_accounts WHERE account = ANY($1) AND natural_person IS NOT NULL`, [
    accounts,
  ])) as Array<{ account: string; natural_person: MifirPerson }>;
  const persons = new Map(personRows.map((a) => [a.account, a.natural_person]));
  const filedNew = new Set(
    ((await tx.query(`SELECT transaction_reference FROM reporting.mifir_reports WHERE kind = 'NEW' AND status = 'FILED'`)) as Array<{ transaction_reference: string }>).map(
      (r) => r.transaction_reference,
    ),
  );
  const included: Array<{ row: MifirRow; report: MifirReport }> = [];
  const rejected: Array<{ transactionReference: string; tradeRef: string; kind: string; problems: unknown }> = [];
  const notNeeded: string[] = [];
  for (const row of rows) {
    const report: MifirReport =
      row.kind === 'NEW'
        ? { kind: 'NEW', transactionReference: row.transaction_reference, trade: mifirTrade(row.trade!, c.FIRM_COUNTRY, persons.get(row.trade!.account) ?? null) }
        : { kind: 'CANC', transactionReference: row.transaction_reference, originalTradeRef: row.trade_ref };
    if (report.kind === 'CANC' && !filedNew.has(row.transaction_reference)) {
      notNeeded.push(row.report_id);
      // The NEW it cancels is no longer needed either, if it is still waiting.
      const i = included.findIndex((x) => x.report.kind === 'NEW' && x.report.transactionReference === row.transaction_reference);
      if (i >= 0) notNeeded.push(included.splice(i, 1)[0]!.row.report_id);
      continue;
    }
    const problems = validateMifirReport(report, firm, now);
    if (problems.length > 0) {
      rejected.push({ transactionReference: row.transaction_reference, tradeRef: row.trade_ref, kind: row.kind, problems });
      await tx.query(`UPDATE reporting.mifir_reports SET status = 'INVALID', problems = $2 WHERE report_id = $1`, [row.report_id, JSON.stringify(problems)]);
      continue;
    }
    included.push({ row, report });
  }
  if (notNeeded.length) await tx.query(`UPDATE reporting.mifir_reports SET status = 'NOT_NEEDED' WHERE report_id = ANY($1::bigint[])`, [notNeeded]);
  // A NEW dropped because its CANC came in the same window has no effect; the rest goes out.
  const withdrawn = new Set(notNeeded);
  const out = included.filter((x) => !withdrawn.has(x.row.report_id));
  if (out.length === 0) return null;
  const late = out.filter((x) => x.row.kind === 'NEW' && addBusinessDays(x.row.trade_date, 1, TARGET) < date).map((x) => x.row.transaction_reference);
  const compact = date.replaceAll('-', '');
  const { run, events } = await fileRun(
    tx,
    {
      kind: 'MIFIR',
      periodStart: date,
      periodEnd: date,
      inputsFrom: out.reduce((a, x) => (x.row.trade_date < a ? x.row.trade_date : a), date),
      inputsTo: date,
      files: [
        { name: `auth016-${compact}.xml`, mediaType: 'application/xml', content: utf8(auth016Xml(out.map((x) => x.report), firm)) },
        { name: `mifir-${compact}-checks.json`, mediaType: 'application/json', content: json({ filed: out.map((x) => x.row.transaction_reference), rejected, late }) },
      ],
      summary: { new: out.filter((x) => x.row.kind === 'NEW').length, cancel: out.filter((x) => x.row.kind === 'CANC').length, rejected: rejected.length, late: late.length },
    },
    filedBy,
    causationId,
  );
  await tx.query(`UPDATE reporting.mifir_reports SET status = 'FILED', problems = NULL, filed_run_id = $2 WHERE report_id = ANY($1::bigint[])`, [
    out.map((x) => x.row.report_id),
    run.runId,
  ]);
  return { runId: run.runId, events };
}

/** The figures of one business day, counted in the database (see activity-report.ts for the definitions). */
export async function activityFigures(tx: EntityManager, date: string): Promise<ActivityFigures> {
  const day = `a.trade_date = $1::date AND a.captured_at IS NOT NULL AND a.trade_status IS DISTINCT FROM 'CANCELLED'`;
  const volume = async (col: string) =>
    ((await tx.query(
      `SELECT ${col} AS key, currency, count(*)::int AS trades, sum(gross_amount)::text AS "grossAmount" FROM reporting.trade_activity a WHERE ${day}
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [date],
    )) as ActivityFigures['volumes']['byInstrument']).map((v) => ({ ...v, grossAmount: Number.isNaN(Number(v.grossAmount)) ? '0' : v.grossAmount }));
  const [counts] = (await tx.query(
    `SELECT count(*)::int AS trades, count(*) FILTER (WHERE t.validated_how = 'STRAIGHT_THROUGH')::int AS stp,
            count(*) FILTER (WHERE a.confirmed_at IS NOT NULL)::int AS confirmed
     FROM reporting.trade_activity a LEFT JOIN reporting.trades t ON t.trade_ref = a.trade_ref WHERE ${day}`,
    [date],
  )) as [{ trades: number; stp: number; confirmed: number }];
  const [settle] = (await tx.query(
    `SELECT count(*)::int AS due,
            count(*) FILTER (WHERE instruction_status = 'SETTLED' AND effective_settlement_date <= intended_settlement_date)::int AS on_time
     FROM reporting.trade_activity WHERE intended_settlement_date = $1::date AND trade_status IS DISTINCT FROM 'CANCELLED'`,
    [date],
  )) as [{ due: number; on_time: number }];
  const fails = (await tx.query(
    `SELECT coalesce(fail_reason, 'UNKNOWN') AS reason, greatest(0, $1::date - intended_settlement_date)::int AS "ageDays"
     FROM reporting.trade_activity WHERE instruction_status = 'FAILING' ORDER BY trade_ref`,
    [date],
  )) as ActivityFigures['fails'];
  const penalties = (await tx.query(
    `SELECT direction, currency, count(*)::int AS count, sum(amount)::text AS amount FROM reporting.penalties WHERE penalty_date = $1::date
     GROUP BY 1, 2 ORDER BY 1, 2`,
    [date],
  )) as ActivityFigures['penalties'];
  return {
    businessDate: date,
    volumes: { byInstrument: await volume('isin'), byVenue: await volume('venue'), byAccount: await volume('account') },
    trades: counts.trades,
    straightThrough: counts.stp,
    confirmed: counts.confirmed,
    due: settle.due,
    settledOnTime: settle.on_time,
    fails,
    penalties,
  };
}

export async function fileActivity(tx: EntityManager, c: ReportingConfig, date: string, filedBy: string, causationId: string | null): Promise<Filed> {
  const report = activityReport(await activityFigures(tx, date));
  const pdf = await activityPdf(report, { firmName: c.FIRM_NAME, producedAt: `${date}T00:00:00Z` });
  const { run, events } = await fileRun(
    tx,
    {
      kind: 'ACTIVITY',
      periodStart: date,
      periodEnd: date,
      inputsFrom: date,
      inputsTo: date,
      files: [
        { name: `activity-${date}.json`, mediaType: 'application/json', content: json(report) },
        { name: `activity-${date}.csv`, mediaType: 'text/csv; charset=utf-8', content: utf8(activityCsv(report)) },
        { name: `activity-${date}.pdf`, mediaType: 'application/pdf', content: pdf },
      ],
      summary: { trades: report.stp.trades, stpRate: report.stp.rate, settlementEfficiency: report.settlementEfficiency.rate, fails: report.fails.total },
    },
    filedBy,
    causationId,
  );
  return { runId: run.runId, events };
}
