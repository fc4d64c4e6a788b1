import { amountText, Dec } from '@postera/kernel';
import type { EntityManager } from 'typeorm';
import { RATE_AGE_DAYS_MAX, rateBook } from '../domain/rate-book.js';
import { fiscalYearOf } from '../../periods/domain/fiscal-year.js';
import { pairKey, periodsOf } from '../persistence/fx-history.repository.js';
import { missingFxRates, splitFxResult, type MissingFxRate } from '../domain/fx-report.js';

type Query = Pick<EntityManager, 'query'>;

/** One book's position in one currency, valued at its currency's last close with a rate on or before the report date. */
export interface FxReportRow {
  book: string;
  currency: string;
  /** The balance-sheet position in the currency at `rateDate` (every line dated on or before it), at the currency's minor units. */
  position: string;
  /** The rate used, units per EUR, its date (a close) and source; null when no close of the currency had a rate. */
  rate: string | null;
  rateDate: string | null;
  rateSource: string | null;
  /** The average rate the position is carried at (units per EUR, 6 decimals half-even, for reading: the figures use the carrying value). */
  carryingRate: string | null;
  /** The EUR value the position is carried at, to the cent half-up. */
  carryingEur: string | null;
  unrealisedEur: string | null;
  realisedEur: string | null;
  /** What the journal holds on 766000 less 666000 for the position, dated on or before the report date. */
  totalEur: string;
  /** The FX result to date recomputed from the journal's lines and the closes' rates; equals totalEur once every line and rate was revalued. */
  recomputedEur: string | null;
  /** The position's movement dated after `rateDate` up to the report date: not revalued yet (the next close with a rate takes it). */
  notRevaluedMovement: string;
}

export interface FxReport {
  asOf: string;
  /** The first day missing rates are looked for (the report date's fiscal year). */
  from: string;
  rows: FxReportRow[];
  totals: { unrealisedEur: string; realisedEur: string; totalEur: string };
  /** Every rate the rows use: each close their movements entered at, and the rate they are valued at. */
  rates: Array<{ date: string; currency: string; unitsPerEur: string; source: string | null }>;
  missingRates: MissingFxRate[];
}

/** Rows of a report are bounded by the books × currencies held; a report beyond this is refused rather than read whole. */
export const FX_REPORT_ROWS_MAX = 10_000;

/**
 * The FX-result report as of a date: per book and currency the position, the rate it is valued at,
 * the carrying rate, the unrealised and realised FX result (fx/domain/fx-report.ts) and what the
 * journal booked; the rates used; the rates missing since the start of the fiscal year, with what each blocks.
 */
export async function fxReport(q: Query, asOf: string, fiscalYearEnd: string): Promise<FxReport> {
  const from = fiscalYearOf(asOf, fiscalYearEnd).start;
  const pairs = (await q.query(
    `SELECT DISTINCT l.book, l.currency FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id)
     JOIN accounting.ledger_accounts a ON a.code = l.account_code
     WHERE l.currency <> 'EUR' AND a.kind = 'BALANCE' AND e.accounting_date <= $1 ORDER BY 1, 2 LIMIT $2`,
    [asOf, FX_REPORT_ROWS_MAX + 1],
  )) as Array<{ book: string; currency: string }>;
  if (pairs.length > FX_REPORT_ROWS_MAX) throw new Error(`more than ${FX_REPORT_ROWS_MAX} book and currency pairs: the FX report is not built`);
  const currencies = [...new Set(pairs.map((p) => p.currency))];
  const lastCloses = new Map(
    (
      (await q.query(
        `SELECT DISTINCT ON (c.currency) c.currency, to_char(c.close_date, 'YYYY-MM-DD') AS "closeDate", c.rate::text AS rate, r.source
         FROM accounting.fx_closes c LEFT JOIN accounting.fx_rates r ON r.rate_date = c.close_date AND r.currency = c.currency
         WHERE c.currency = ANY($1::text[]) AND c.close_date <= $2 ORDER BY c.currency, c.close_date DESC`,
        [currencies, asOf],
      )) as Array<{ currency: string; closeDate: string; rate: string; source: string | null }>
    ).map((c) => [c.currency, c]),
  );
  const valued = pairs.flatMap((p) => {
    const c = lastCloses.get(p.currency);
    return c ? [{ ...p, closeDate: c.closeDate }] : [];
  });
  const periods = await periodsOf(q, valued);
  const booked = await bookedPerPair(q, asOf, pairs);
  const movements = await movementsAfter(q, asOf, pairs, lastCloses);

  const rows: FxReportRow[] = pairs.map((p) => {
    const k = pairKey(p.book, p.currency);
    const close = lastCloses.get(p.currency);
    const totalEur = new Dec(booked.get(k) ?? '0').toFixed(2);
    const pending = movements.get(k) ?? { atClose: '0', after: '0' };
    if (!close)
      return {
        ...p,
        position: amountText(pending.atClose, p.currency),
        rate: null,
        rateDate: null,
        rateSource: null,
        carryingRate: null,
        carryingEur: null,
        unrealisedEur: null,
        realisedEur: null,
        totalEur,
        recomputedEur: null,
        notRevaluedMovement: amountText(pending.after, p.currency),
      };
    const s = splitFxResult(periods.get(k) ?? [], new Dec(close.rate));
    // Realised is what the journal booked less the unrealised part, so that the two add up to the books
    // to the cent; when the books lag the recomputation (a correction not booked yet), the gap is in
    // recomputedEur − totalEur, never hidden in either part.
    return {
      ...p,
      position: amountText(s.position, p.currency),
      rate: close.rate,
      rateDate: close.closeDate,
      rateSource: close.source,
      carryingRate: s.carryingRate ? s.carryingRate.toDecimalPlaces(6, Dec.ROUND_HALF_EVEN).toFixed(6) : null,
      carryingEur: s.carryingEur.toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2),
      unrealisedEur: s.unrealisedEur.toFixed(2),
      realisedEur: new Dec(totalEur).minus(s.unrealisedEur).toFixed(2),
      totalEur,
      recomputedEur: s.resultToDateEur.toFixed(2),
      notRevaluedMovement: amountText(pending.after, p.currency),
    };
  });
  const sum = (f: (r: FxReportRow) => string | null) => rows.reduce((a, r) => a.plus(f(r) ?? '0'), new Dec(0)).toFixed(2);

  const used = new Map<string, { date: string; currency: string; unitsPerEur: string }>();
  for (const p of valued) {
    for (const per of periods.get(pairKey(p.book, p.currency)) ?? [])
      used.set(`${per.closeDate}|${p.currency}`, { date: per.closeDate, currency: p.currency, unitsPerEur: per.rate });
    const c = lastCloses.get(p.currency)!;
    used.set(`${c.closeDate}|${p.currency}`, { date: c.closeDate, currency: p.currency, unitsPerEur: c.rate });
  }
  const sources = await sourcesOf(q, [...used.values()]);
  const rates = [...used.values()]
    .sort((a, b) => (a.date === b.date ? a.currency.localeCompare(b.currency) : a.date.localeCompare(b.date)))
    .map((r) => ({ ...r, source: sources.get(`${r.date}|${r.currency}`) ?? null }));

  return {
    asOf,
    from,
    rows,
    totals: { unrealisedEur: sum((r) => r.unrealisedEur), realisedEur: sum((r) => r.realisedEur), totalEur: sum((r) => r.totalEur) },
    rates,
    missingRates: await missingRatesBetween(q, from, asOf, fiscalYearEnd),
  };
}

/**
 * Per book and currency, the FX result the journal holds (766000 credit less 666000 debit) dated on or
 * before `asOf`: the revaluation entries of a position carry the trade reference `FX:<book>:<currency>`,
 * looked up by the journal's trade-reference index.
 */
async function bookedPerPair(q: Query, asOf: string, pairs: ReadonlyArray<{ book: string; currency: string }>): Promise<Map<string, string>> {
  const rows = (await q.query(
    `SELECT x.book, x.currency, (-sum(l.debit - l.credit))::text AS eur
     FROM unnest($1::text[], $2::text[]) AS x(book, currency)
     JOIN accounting.journal_entries e ON e.trade_ref = 'FX:' || x.book || ':' || x.currency
     JOIN accounting.journal_lines l USING (entry_id)
     WHERE e.kind = 'FX_REVALUATION' AND l.account_code IN ('766000', '666000') AND e.accounting_date <= $3 GROUP BY 1, 2`,
    [pairs.map((p) => p.book), pairs.map((p) => p.currency), asOf],
  )) as Array<{ book: string; currency: string; eur: string }>;
  return new Map(rows.map((r) => [pairKey(r.book, r.currency), r.eur]));
}

/** Per pair, the balance-sheet position at its currency's last close (all of it when there is none) and what moved after, up to `asOf`. */
async function movementsAfter(
  q: Query,
  asOf: string,
  pairs: ReadonlyArray<{ book: string; currency: string }>,
  lastCloses: ReadonlyMap<string, { closeDate: string }>,
): Promise<Map<string, { atClose: string; after: string }>> {
  const rows = (await q.query(
    `WITH t AS (SELECT * FROM unnest($1::text[], $2::text[], $3::date[]) AS t(book, currency, close_date))
     SELECT t.book, t.currency,
            coalesce(sum(l.debit - l.credit) FILTER (WHERE t.close_date IS NULL OR e.accounting_date <= t.close_date), 0)::text AS "atClose",
            coalesce(sum(l.debit - l.credit) FILTER (WHERE e.accounting_date > t.close_date), 0)::text AS after
     FROM t JOIN accounting.journal_lines l ON l.book = t.book AND l.currency = t.currency
       JOIN accounting.journal_entries e USING (entry_id) JOIN accounting.ledger_accounts a ON a.code = l.account_code
     WHERE a.kind = 'BALANCE' AND e.accounting_date <= $4 GROUP BY 1, 2`,
    [pairs.map((p) => p.book), pairs.map((p) => p.currency), pairs.map((p) => lastCloses.get(p.currency)?.closeDate ?? null), asOf],
  )) as Array<{ book: string; currency: string; atClose: string; after: string }>;
  return new Map(rows.map((r) => [pairKey(r.book, r.currency), { atClose: r.atClose, after: r.after }]));
}

async function sourcesOf(q: Query, rates: ReadonlyArray<{ date: string; currency: string }>): Promise<Map<string, string>> {
  if (rates.length === 0) return new Map();
  const rows = (await q.query(
    `SELECT to_char(r.rate_date, 'YYYY-MM-DD') AS date, r.currency, r.source FROM accounting.fx_rates r
     JOIN unnest($1::date[], $2::text[]) AS x(d, c) ON r.rate_date = x.d AND r.currency = x.c`,
    [rates.map((r) => r.date), rates.map((r) => r.currency)],
  )) as Array<{ date: string; currency: string; source: string }>;
  return new Map(rows.map((r) => [`${r.date}|${r.currency}`, r.source]));
}

/**
 * The rates missing from `from` to `asOf`: each close processed without a rate for a currency some book
 * held by then (fx_closes has no row: that close revalued nothing in it), and each date of a foreign
 * line the FEC cannot convert (no rate of the date nor of the RATE_AGE_DAYS_MAX days before).
 */
async function missingRatesBetween(q: Query, from: string, asOf: string, fiscalYearEnd: string): Promise<MissingFxRate[]> {
  // Each position's first foreign line, read once; a close on or after it needed the currency's rate.
  const closesWithoutRate = (await q.query(
    `WITH held AS (
       SELECT l.book, l.currency, min(e.accounting_date) AS first_date FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id)
       WHERE l.currency <> 'EUR' AND e.accounting_date <= $2 GROUP BY 1, 2)
     SELECT to_char(d.close_date, 'YYYY-MM-DD') AS date, h.currency, array_agg(h.book ORDER BY h.book) AS books
     FROM accounting.fx_close_days d JOIN held h ON h.first_date <= d.close_date
     WHERE d.close_date BETWEEN $1 AND $2
       AND NOT EXISTS (SELECT 1 FROM accounting.fx_closes c WHERE c.currency = h.currency AND c.close_date = d.close_date)
     GROUP BY 1, 2`,
    [from, asOf],
  )) as Array<{ date: string; currency: string; books: string[] }>;
  const lineDays = (await q.query(
    `SELECT DISTINCT to_char(e.accounting_date, 'YYYY-MM-DD') AS date, l.currency FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id)
     WHERE l.currency <> 'EUR' AND e.accounting_date BETWEEN $1 AND $2`,
    [from, asOf],
  )) as Array<{ date: string; currency: string }>;
  const known = (await q.query(
    `SELECT currency, to_char(rate_date, 'YYYY-MM-DD') AS date, units_per_eur::text AS "unitsPerEur" FROM accounting.fx_rates
     WHERE currency = ANY($1::text[]) AND rate_date BETWEEN $2::date - $4::int AND $3::date`,
    [[...new Set(lineDays.map((d) => d.currency))], from, asOf, RATE_AGE_DAYS_MAX],
  )) as Array<{ currency: string; date: string; unitsPerEur: string }>;
  const rateOn = rateBook(known);
  const fecUnconvertible = lineDays
    .filter((d) => rateOn(d.currency, d.date) === null)
    .map((d) => ({ ...d, fiscalYear: `the fiscal year ending ${fiscalYearOf(d.date, fiscalYearEnd).end}` }));
  return missingFxRates({ closesWithoutRate, fecUnconvertible });
}
