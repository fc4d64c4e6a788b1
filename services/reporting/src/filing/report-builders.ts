import { envelope, Topics, type TradeEconomics } from '@postera/contracts';
import { addBusinessDays, addDays, deterministicId, type SettlementCalendar } from '@postera/kernel';
import { readCalendar, type OutgoingEvent } from '@postera/platform';
import { readFileSync } from 'node:fs';
import type { EntityManager } from 'typeorm';
import {
  activityCsv,
  activityReport,
  reportWindow,
  type ActivityFigures,
  type AmountRow,
  type AvisRow,
  type DayInstructionCounts,
  type DayTradeCounts,
  type BreakRow,
  type DeadLetterRow,
  type DueRow,
  type ExceptionReasonRow,
  type ExceptionRow,
  type ExecutionRow,
  type FailRow,
  type PenaltyRow,
  type VolumeFigure,
} from '../activity/domain/activity-report.js';
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
  accountType?: 'CLIENT' | 'PROPRIETARY';
  clientId?: string;
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

/**
 * The TARGET calendar as the referential last published it (refdata.calendars.v1, kept in
 * reporting.calendars): read once per close or request, every business-day count of it made on it.
 */
export const reportingCalendar = (tx: Pick<EntityManager, 'query'>): Promise<SettlementCalendar> => readCalendar(tx, 'reporting', 'TARGET');

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
  // Who is charged travels with the assessment, as the line's first settled trade carried it (its
  // book too), so that accounting books it the same whenever it reads the account.
  const holders = new Map<string, TradeEconomics>();
  for (const r of rows) if (r.economics && !holders.has(`${r.account}|${r.isin}`)) holders.set(`${r.account}|${r.isin}`, r.economics);
  const assessed = (l: TtfLine, zero: boolean): OutgoingEvent => {
    const holder = holders.get(`${l.account}|${l.isin}`);
    const payload: TtfAssessedPayload = {
      assessmentId: assessment(run.runId, l.reference),
      account: l.account,
      book: holder?.book ?? '',
      ...(holder ? { accountType: holder.accountType, clientId: holder.clientId } : {}),
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
export async function fileMifir(
  tx: EntityManager,
  c: ReportingConfig,
  calendar: SettlementCalendar,
  date: string,
  filedBy: string,
  causationId: string | null,
  now = new Date(),
): Promise<Filed | null> {
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
  const rejected: Array<{ reportId: string; transactionReference: string; tradeRef: string; kind: string; problems: unknown }> = [];
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
      rejected.push({ reportId: row.report_id, transactionReference: row.transaction_reference, tradeRef: row.trade_ref, kind: row.kind, problems });
      continue;
    }
    included.push({ row, report });
  }
  // One statement for the window's invalid reports, however many (a gap in the referential can make them most of a day's).
  if (rejected.length)
    await tx.query(
      `UPDATE reporting.mifir_reports m SET status = 'INVALID', problems = x.problems
       FROM unnest($1::bigint[], $2::jsonb[]) AS x(report_id, problems) WHERE m.report_id = x.report_id`,
      [rejected.map((r) => r.reportId), rejected.map((r) => JSON.stringify(r.problems))],
    );
  if (notNeeded.length) await tx.query(`UPDATE reporting.mifir_reports SET status = 'NOT_NEEDED' WHERE report_id = ANY($1::bigint[])`, [notNeeded]);
  // A NEW dropped because its CANC came in the same window has no effect; the rest goes out.
  const withdrawn = new Set(notNeeded);
  const out = included.filter((x) => !withdrawn.has(x.row.report_id));
  if (out.length === 0) return null;
  const late = out.filter((x) => x.row.kind === 'NEW' && addBusinessDays(x.row.trade_date, 1, calendar) < date).map((x) => x.row.transaction_reference);
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
        { name: `mifir-${compact}-checks.json`, mediaType: 'application/json', content: json({ filed: out.map((x) => x.row.transaction_reference), rejected: rejected.map(({ reportId: _, ...r }) => r), late }) },
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

/** Each instruction as of $1 (facts dated up to it): its intended date, first date seen, settled / ended / matched dates, cash. */
const INSTRUCTIONS_AS_OF = `i AS (
  SELECT instruction_id, min(trade_ref) AS trade_ref, min(intended_settlement_date) AS isd, min(status_date) AS first_seen,
    min(status_date) FILTER (WHERE status = 'SETTLED') AS settled_on,
    min(status_date) FILTER (WHERE status IN ('CANCELLED', 'REJECTED')) AS ended_on,
    min(status_date) FILTER (WHERE status = 'MATCHED') AS matched_on,
    min(currency) AS currency, max(settlement_amount) AS amount
  FROM reporting.activity_instruction_events WHERE status_date <= $1::date GROUP BY instruction_id)`;

/** Each trade's version in force on $1 whose trade date falls in [$2, $1], and whether it was cancelled by $1. */
const TRADES_AS_OF = `v AS (
  SELECT DISTINCT ON (e.trade_ref) e.trade_ref, e.trade_date, e.isin, e.venue, e.account, e.counterparty, e.currency, e.gross_amount
  FROM reporting.activity_trade_events e
  WHERE e.kind IN ('CAPTURED', 'AMENDED') AND e.event_date <= $1::date
    AND e.trade_ref IN (SELECT trade_ref FROM reporting.activity_trade_events WHERE kind IN ('CAPTURED', 'AMENDED') AND trade_date BETWEEN $2::date AND $1::date)
  ORDER BY e.trade_ref, e.event_date DESC, e.seq DESC),
t AS (
  SELECT v.*, EXISTS (SELECT 1 FROM reporting.activity_trade_events c WHERE c.trade_ref = v.trade_ref AND c.kind = 'CANCELLED' AND c.event_date <= $1::date)
    AS cancelled
  FROM v WHERE v.trade_date BETWEEN $2::date AND $1::date)`;

/**
 * The figures of the activity report of `date`, counted in the database from the dated history
 * (activity_trade_events, activity_instruction_events, penalties, activity_notifications_sent,
 * activity_fx_results, activity_executions_received, activity_exceptions, activity_dead_letters,
 * activity_breaks): every fact dated on or before `date`, per date over the month and the trend
 * window (see activity-report.ts for the definitions).
 */
export async function activityFigures(tx: EntityManager, date: string, calendar: SettlementCalendar): Promise<ActivityFigures> {
  const { from, trendDates, monthStart } = reportWindow(date, calendar);
  const trades = new Map<string, DayTradeCounts>();
  const tradeDay = (d: string) => {
    const row = trades.get(d) ?? { date: d, captured: 0, cancelled: 0, amended: 0, confirmed: 0, validated: 0, straightThrough: 0 };
    trades.set(d, row);
    return row;
  };
  for (const r of (await tx.query(
    `WITH ${TRADES_AS_OF}
     SELECT to_char(trade_date, 'YYYY-MM-DD') AS date, count(*)::int AS captured FROM t GROUP BY 1`,
    [date, from],
  )) as Array<{ date: string; captured: number }>)
    tradeDay(r.date).captured = r.captured;
  for (const r of (await tx.query(
    `SELECT to_char(event_date, 'YYYY-MM-DD') AS date,
            count(DISTINCT trade_ref) FILTER (WHERE kind = 'CANCELLED')::int AS cancelled,
            count(DISTINCT trade_ref) FILTER (WHERE kind = 'AMENDED')::int AS amended,
            count(DISTINCT trade_ref) FILTER (WHERE kind = 'CONFIRMED')::int AS confirmed,
            count(DISTINCT trade_ref) FILTER (WHERE kind = 'VALIDATED')::int AS validated,
            count(DISTINCT trade_ref) FILTER (WHERE kind = 'VALIDATED' AND validated_how = 'STRAIGHT_THROUGH')::int AS "straightThrough"
     FROM reporting.activity_trade_events WHERE kind <> 'CAPTURED' AND event_date BETWEEN $2::date AND $1::date GROUP BY 1`,
    [date, from],
  )) as Array<Omit<DayTradeCounts, 'captured'>>)
    Object.assign(tradeDay(r.date), {
      cancelled: r.cancelled,
      amended: r.amended,
      confirmed: r.confirmed,
      validated: r.validated,
      straightThrough: r.straightThrough,
    });

  const instructions = new Map<string, DayInstructionCounts>();
  const instructionDay = (d: string) => {
    const row = instructions.get(d) ?? { date: d, instructed: 0, matched: 0, settled: 0, partiallySettled: 0, failing: 0 };
    instructions.set(d, row);
    return row;
  };
  for (const r of (await tx.query(
    `WITH ${INSTRUCTIONS_AS_OF}
     SELECT 'instructed' AS what, to_char(first_seen, 'YYYY-MM-DD') AS date, count(*)::int AS n FROM i WHERE first_seen >= $2::date GROUP BY 2
     UNION ALL SELECT 'matched', to_char(matched_on, 'YYYY-MM-DD'), count(*)::int FROM i WHERE matched_on >= $2::date GROUP BY 2
     UNION ALL SELECT 'settled', to_char(settled_on, 'YYYY-MM-DD'), count(*)::int FROM i WHERE settled_on >= $2::date GROUP BY 2
     UNION ALL SELECT 'partiallySettled', to_char(status_date, 'YYYY-MM-DD'), count(DISTINCT instruction_id)::int FROM reporting.activity_instruction_events
       WHERE status = 'PARTIALLY_SETTLED' AND status_date BETWEEN $2::date AND $1::date GROUP BY 2
     UNION ALL SELECT 'failing', to_char(d, 'YYYY-MM-DD'), count(i.instruction_id)::int FROM unnest($3::date[]) AS d
       LEFT JOIN i ON i.isd <= d AND i.first_seen <= d AND (i.settled_on IS NULL OR i.settled_on > d) AND (i.ended_on IS NULL OR i.ended_on > d) GROUP BY 2`,
    [date, from, trendDates],
  )) as Array<{ what: 'instructed' | 'matched' | 'settled' | 'partiallySettled' | 'failing'; date: string; n: number }>)
    instructionDay(r.date)[r.what] = r.n;

  const settledValues = (await tx.query(
    `SELECT to_char(status_date, 'YYYY-MM-DD') AS date, currency, sum(step_amount)::text AS amount FROM reporting.activity_instruction_events
     WHERE status IN ('SETTLED', 'PARTIALLY_SETTLED') AND status_date BETWEEN $2::date AND $1::date GROUP BY 1, 2 ORDER BY 1, 2`,
    [date, from],
  )) as AmountRow[];
  // Due: not cancelled (or rejected) by D — unless it settled all the same.
  const due = (await tx.query(
    `WITH ${INSTRUCTIONS_AS_OF}
     SELECT to_char(isd, 'YYYY-MM-DD') AS date, currency, count(*)::int AS due, count(*) FILTER (WHERE settled_on <= isd)::int AS "settledOnTime",
            sum(amount)::text AS "dueAmount", coalesce(sum(amount) FILTER (WHERE settled_on <= isd), 0)::text AS "settledOnTimeAmount"
     FROM i WHERE isd BETWEEN $2::date AND $1::date AND (ended_on IS NULL OR settled_on IS NOT NULL) GROUP BY 1, 2 ORDER BY 1, 2`,
    [date, from],
  )) as DueRow[];
  const penalties = (await tx.query(
    `SELECT to_char(penalty_date, 'YYYY-MM-DD') AS date, direction, currency, count(*)::int AS count, sum(amount)::text AS amount
     FROM reporting.penalties WHERE penalty_date BETWEEN $2::date AND $1::date GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [date, from],
  )) as PenaltyRow[];
  // Each trade's avis counts once, on the day its first AVIS_OPERE notification was sent (as of D),
  // with the trade date of the version in force on D.
  const avis = (await tx.query(
    `WITH first AS (SELECT trade_ref, min(sent_date) AS sent_date FROM reporting.activity_notifications_sent
                    WHERE kind = 'AVIS_OPERE' AND sent_date <= $1::date GROUP BY trade_ref)
     SELECT to_char(f.sent_date, 'YYYY-MM-DD') AS date, to_char(v.trade_date, 'YYYY-MM-DD') AS "tradeDate", count(*)::int AS sent
     FROM first f
     LEFT JOIN LATERAL (SELECT e.trade_date FROM reporting.activity_trade_events e
                        WHERE e.trade_ref = f.trade_ref AND e.kind IN ('CAPTURED', 'AMENDED') AND e.event_date <= $1::date
                        ORDER BY e.event_date DESC, e.seq DESC LIMIT 1) v ON true
     WHERE f.sent_date >= $2::date GROUP BY 1, 2 ORDER BY 1, 2`,
    [date, from],
  )) as AvisRow[];
  const fxResults = (await tx.query(
    `SELECT to_char(accounting_date, 'YYYY-MM-DD') AS date, currency, sum(result)::text AS amount FROM reporting.activity_fx_results
     WHERE accounting_date BETWEEN $2::date AND $1::date GROUP BY 1, 2 ORDER BY 1, 2`,
    [date, from],
  )) as AmountRow[];
  const fails = (await tx.query(
    `WITH ${INSTRUCTIONS_AS_OF},
     last AS (SELECT DISTINCT ON (instruction_id) instruction_id, settled_amount FROM reporting.activity_instruction_events
              WHERE status_date <= $1::date ORDER BY instruction_id, status_date DESC, seq DESC),
     reason AS (SELECT DISTINCT ON (instruction_id) instruction_id, reason FROM reporting.activity_instruction_events
                WHERE status = 'FAILING' AND status_date <= $1::date ORDER BY instruction_id, status_date DESC, seq DESC)
     SELECT i.trade_ref AS "tradeRef", coalesce(r.reason, 'NONE') AS reason, to_char(i.isd, 'YYYY-MM-DD') AS "intendedSettlementDate", i.currency,
            (i.amount - coalesce(l.settled_amount, 0))::text AS amount
     FROM i LEFT JOIN reason r USING (instruction_id) LEFT JOIN last l USING (instruction_id)
     WHERE i.isd <= $1::date AND i.settled_on IS NULL AND i.ended_on IS NULL ORDER BY i.isd, i.trade_ref`,
    [date],
  )) as FailRow[];
  const volumes = (await tx.query(
    `WITH ${TRADES_AS_OF}, live AS (SELECT * FROM t WHERE NOT cancelled),
     keyed AS (
       SELECT 'instrument' AS dimension, l.isin AS key, ri.name, l.* FROM live l LEFT JOIN reporting.ref_instruments ri ON ri.isin = l.isin
       UNION ALL SELECT 'venue', l.venue, NULL, l.* FROM live l
       UNION ALL SELECT 'account', l.account, NULL, l.* FROM live l
       UNION ALL SELECT 'counterparty', l.counterparty, rp.name, l.* FROM live l LEFT JOIN reporting.ref_parties rp ON rp.lei = l.counterparty)
     SELECT dimension, key, min(name) AS name, currency,
            count(*) FILTER (WHERE trade_date = $1::date)::int AS "dayTrades", coalesce(sum(gross_amount) FILTER (WHERE trade_date = $1::date), 0)::text AS "dayGrossAmount",
            count(*)::int AS "monthTrades", coalesce(sum(gross_amount), 0)::text AS "monthGrossAmount"
     FROM keyed GROUP BY dimension, key, currency ORDER BY dimension, key, currency`,
    [date, monthStart],
  )) as VolumeFigure[];
  // One row per capture batch, its records counted by outcome: summed per day and outcome.
  const executions = (await tx.query(
    `SELECT to_char(x.received_date, 'YYYY-MM-DD') AS date, o.outcome, sum(o.n)::int AS count
     FROM reporting.activity_executions_received x
     CROSS JOIN LATERAL (VALUES ('CAPTURED', x.captured), ('AMENDED', x.amended), ('CANCELLED', x.cancelled), ('STALE', x.stale),
                                ('EXCEPTION', x.exceptions), ('DUPLICATE', x.duplicates)) AS o(outcome, n)
     WHERE x.received_date BETWEEN $2::date AND $1::date GROUP BY 1, 2 HAVING sum(o.n) > 0 ORDER BY 1, 2`,
    [date, from],
  )) as ExecutionRow[];
  const exceptions = (await tx.query(
    `SELECT to_char(raised_date, 'YYYY-MM-DD') AS date, kind, count(*)::int AS count FROM reporting.activity_exceptions
     WHERE raised_date BETWEEN $2::date AND $1::date GROUP BY 1, 2 ORDER BY 1, 2`,
    [date, from],
  )) as ExceptionRow[];
  // Each reason of each exception once.
  const exceptionReasons = (await tx.query(
    `SELECT to_char(x.raised_date, 'YYYY-MM-DD') AS date, x.kind, coalesce(r.value ->> 'field', '') AS field, coalesce(r.value ->> 'rule', '') AS rule,
            count(*)::int AS count
     FROM reporting.activity_exceptions x CROSS JOIN LATERAL jsonb_array_elements(x.reasons) AS r(value)
     WHERE x.raised_date BETWEEN $2::date AND $1::date GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    [date, from],
  )) as ExceptionReasonRow[];
  const deadLetters = (await tx.query(
    `SELECT to_char(dead_date, 'YYYY-MM-DD') AS date, source_topic AS topic, count(*)::int AS count FROM reporting.activity_dead_letters
     WHERE dead_date BETWEEN $2::date AND $1::date GROUP BY 1, 2 ORDER BY 1, 2`,
    [date, from],
  )) as DeadLetterRow[];
  // As of D: a closing dated after D leaves the break open on D; breaks closed before the window count nowhere.
  const breaks = (await tx.query(
    `SELECT kind, to_char(opened_on, 'YYYY-MM-DD') AS "openedOn", CASE WHEN closed_on <= $1::date THEN to_char(closed_on, 'YYYY-MM-DD') END AS "closedOn",
            count(*)::int AS count
     FROM reporting.activity_breaks WHERE opened_on <= $1::date AND (closed_on IS NULL OR closed_on >= $2::date) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 NULLS FIRST`,
    [date, from],
  )) as BreakRow[];
  return {
    businessDate: date,
    trades: [...trades.values()].sort((a, b) => (a.date < b.date ? -1 : 1)),
    instructions: [...instructions.values()].sort((a, b) => (a.date < b.date ? -1 : 1)),
    settledValues,
    due,
    penalties,
    avis,
    fxResults,
    fails,
    volumes,
    executions,
    exceptions,
    exceptionReasons,
    deadLetters,
    breaks,
  };
}

/**
 * The activity report of `date` as filed: JSON (every figure), CSV, and the PDF in French and in
 * English. The files depend on the figures only (the PDF's creation date is the business date), so
 * the same figures give the same bytes.
 */
export async function fileActivity(
  tx: EntityManager,
  c: ReportingConfig,
  calendar: SettlementCalendar,
  date: string,
  filedBy: string,
  causationId: string | null,
): Promise<Filed> {
  const report = activityReport(await activityFigures(tx, date, calendar), calendar);
  const pdf = (language: 'fr' | 'en') => activityPdf(report, { firmName: c.FIRM_NAME, language });
  const { run, events } = await fileRun(
    tx,
    {
      kind: 'ACTIVITY',
      periodStart: date,
      periodEnd: date,
      inputsFrom: reportWindow(date, calendar).from,
      inputsTo: date,
      files: [
        { name: `activity-${date}.json`, mediaType: 'application/json', content: json(report) },
        { name: `activity-${date}.csv`, mediaType: 'text/csv; charset=utf-8', content: utf8(activityCsv(report)) },
        { name: `activity-${date}.fr.pdf`, mediaType: 'application/pdf', content: await pdf('fr') },
        { name: `activity-${date}.en.pdf`, mediaType: 'application/pdf', content: await pdf('en') },
      ],
      summary: {
        captured: report.day.captured,
        stpRate: report.day.stpRate,
        settled: report.day.settled,
        settlementEfficiency: report.day.settlementEfficiency.rate,
        failing: report.fails.total,
      },
    },
    filedBy,
    causationId,
  );
  return { runId: run.runId, events };
}
