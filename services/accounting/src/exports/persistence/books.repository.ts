import { amountText } from '@postera/kernel';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { fecBuilder, fecHeader, fecLines, fecText, toLatin9, type EurBalance, type FecLine, type FecResult, type MissingName, type MissingRate } from '../domain/fec.js';
import { RATE_AGE_DAYS_MAX, rateBook } from '../../fx/domain/rate-book.js';
import type { FiscalYear } from '../../periods/domain/fiscal-year.js';
import type { TrialBalanceFormat } from '../../periods/domain/period.js';
import { auxNames } from './aux-names.repository.js';

/**
 * The books as the exports produce them, read in the caller's transaction: GET /exports/* serve
 * them, and a closing hashes them (POST /periods/close) so that a later export of a closed period
 * can be proved the same, byte for byte.
 */

type Query = Pick<EntityManager, 'query'>;

export const sha256Hex = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');

export interface TrialBalanceRow {
  account: string;
  name: string;
  book: string;
  currency: string;
  opening: string;
  debit: string;
  credit: string;
  closing: string;
}

/**
 * Per account, book and currency: the opening balance, the movements over the range and the closing
 * balance, as Postgres gives them (`8775`, `0`, `25.0`): the rows trial-balance format 1 writes and
 * every format starts from.
 */
export async function trialBalanceRows(tx: Query, from: string, to: string): Promise<TrialBalanceRow[]> {
  return (await tx.query(
    `SELECT l.account_code AS account, a.name, l.book, l.currency,
            coalesce(sum(l.debit - l.credit) FILTER (WHERE e.accounting_date < $1), 0)::text AS opening,
            coalesce(sum(l.debit) FILTER (WHERE e.accounting_date BETWEEN $1 AND $2), 0)::text AS debit,
            coalesce(sum(l.credit) FILTER (WHERE e.accounting_date BETWEEN $1 AND $2), 0)::text AS credit,
            sum(l.debit - l.credit)::text AS closing
     FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id) JOIN accounting.ledger_accounts a ON a.code = l.account_code
     WHERE e.accounting_date <= $2 GROUP BY l.account_code, a.name, l.book, l.currency ORDER BY 1, 3, 4`,
    [from, to],
  )) as TrialBalanceRow[];
}

/**
 * The forms GET /exports/trial-balance has served, numbered. A closing records the format its hash
 * is of (period_closings.trial_balance_format) and a closed period's export is verified in that
 * format, so a closing made before a change of form still proves its books unchanged. The export
 * is served in TRIAL_BALANCE_FORMAT; a new form is a new number, never a change to an old one.
 */
export const TRIAL_BALANCE_FORMAT: TrialBalanceFormat = 2;

/**
 * Format 1: the rows exactly as Postgres gives them, amounts in whatever form the sum has ("8775",
 * "0", "25.0"). No longer served; it stays, unchanged, because the closings made while it was
 * served hold the hash of these bytes, and they are verified against nothing else.
 */
export const trialBalanceFormat1 = (rows: readonly TrialBalanceRow[]): readonly TrialBalanceRow[] => rows;

/**
 * Format 2: every amount (opening, debit, credit, closing) at its currency's minor units ("8775" EUR →
 * "8775.00"); the journal holds amounts at minor units, so this writes them and never rounds.
 */
export const trialBalanceFormat2 = (rows: readonly TrialBalanceRow[]): TrialBalanceRow[] =>
  rows.map((r) => ({
    ...r,
    opening: amountText(r.opening, r.currency),
    debit: amountText(r.debit, r.currency),
    credit: amountText(r.credit, r.currency),
    closing: amountText(r.closing, r.currency),
  }));

/** The trial balance in a format: the rows as GET /exports/trial-balance serves them in it. */
export const trialBalanceIn = (rows: readonly TrialBalanceRow[], format: TrialBalanceFormat): readonly TrialBalanceRow[] =>
  format === 1 ? trialBalanceFormat1(rows) : trialBalanceFormat2(rows);

/** The hash of a trial balance in a format, as the export serves it (JSON, as the HTTP layer writes it). */
export const trialBalanceSha256 = (rows: readonly TrialBalanceRow[], format: TrialBalanceFormat) => sha256Hex(JSON.stringify(trialBalanceIn(rows, format)));

/** The journal lines as the FEC reads them; callers add the WHERE and ORDER BY. */
const FEC_LINES = `SELECT e.posted_seq::text AS "entrySeq", e.kind, to_char(e.accounting_date, 'YYYY-MM-DD') AS "accountingDate", e.trade_ref AS "tradeRef",
       to_char(e.piece_date, 'YYYY-MM-DD') AS "pieceDate", e.booking_note AS "bookingNote",
       to_char(e.posted_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD') AS "validDate", l.account_code AS "accountCode", a.name AS "accountName", l.aux_account AS aux, l.currency,
       l.debit::text AS debit, l.credit::text AS credit
FROM accounting.journal_entries e JOIN accounting.journal_lines l USING (entry_id) JOIN accounting.ledger_accounts a ON a.code = l.account_code`;

/** Rows a cursor fetches at a time: what an export holds of the journal at once. */
export const EXPORT_BATCH_ROWS = 2_000;

let cursors = 0;

/**
 * The rows of `sql` in batches of `size`, through a cursor of the caller's transaction (so every
 * batch comes from its snapshot): never more than one batch in memory. The cursor is closed when
 * the iteration ends, also early.
 */
export async function* cursorBatches<T>(tx: Query, sql: string, params: unknown[], size = EXPORT_BATCH_ROWS): AsyncGenerator<T[]> {
  const name = `export_${++cursors}`;
  await tx.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params);
  try {
    for (;;) {
      const rows = (await tx.query(`FETCH FORWARD ${size} FROM ${name}`)) as T[];
      if (rows.length > 0) yield rows;
      if (rows.length < size) return;
    }
  } finally {
    await tx.query(`CLOSE ${name}`);
  }
}

/** Lines in posting order, batch by batch, regrouped into whole entries (an entry may straddle two batches). */
async function* entriesOf(batches: AsyncIterable<FecLine[]>): AsyncGenerator<FecLine[]> {
  let entry: FecLine[] = [];
  for await (const batch of batches)
    for (const l of batch) {
      if (entry.length > 0 && entry[0]!.entrySeq !== l.entrySeq) {
        yield entry;
        entry = [];
      }
      entry.push(l);
    }
  if (entry.length > 0) yield entry;
}

type FecPeriod = { fy: FiscalYear; from: string; to: string };

/**
 * The FEC of a period inside fiscal year `fy`, as batches of rows (exports/domain/fec.ts): the
 * à-nouveaux first when the period starts on the fiscal year's first day, then the period's
 * entries in posting order, read through cursors of the caller's snapshot (REPEATABLE READ, or
 * under the closings' lock) so the à-nouveaux and the entries come from the same journal state.
 * The rates and the auxiliary names are read first, in one query each (their sizes are the
 * currencies × days and the auxiliary accounts, not the lines). `missing()` is final once the
 * batches are exhausted: a file with a missing rate or name must not be served, so a caller
 * streaming to a client runs it once to the end first (fecCheck), then again to write it.
 */
export async function fecStream(tx: Query, period: FecPeriod, batchRows = EXPORT_BATCH_ROWS) {
  const { fy } = period;
  const opening = period.from === fy.start;
  // Lines the file reads: the period's, and before the fiscal year (for the à-nouveaux) when it opens the year.
  const scope = `(e.accounting_date BETWEEN $1 AND $2 OR ($3 AND e.accounting_date < $4))`;
  const scopeParams = [period.from, period.to, opening, fy.start];
  // One query for every rate the file can use: the currencies of its foreign lines, from the
  // oldest of their dates (less the days a rate may be older) to the newest; looked up in memory.
  const [span] = (await tx.query(
    `SELECT array_agg(DISTINCT l.currency) AS currencies, to_char(min(e.accounting_date), 'YYYY-MM-DD') AS first, to_char(max(e.accounting_date), 'YYYY-MM-DD') AS last
     FROM accounting.journal_entries e JOIN accounting.journal_lines l USING (entry_id) WHERE l.currency <> 'EUR' AND ${scope}`,
    scopeParams,
  )) as Array<{ currencies: string[] | null; first: string | null; last: string | null }>;
  const rates = span?.currencies?.length ? await ratesFor(tx, span.currencies, span.first!, span.last!) : [];
  const codes = (await tx.query(
    `SELECT DISTINCT l.aux_account AS aux FROM accounting.journal_entries e JOIN accounting.journal_lines l USING (entry_id) WHERE l.aux_account IS NOT NULL AND ${scope}`,
    scopeParams,
  )) as Array<{ aux: string }>;
  const builder = fecBuilder({ fy, rateOn: rateBook(rates), names: await auxNames(tx, codes.map((c) => c.aux)) });

  async function* batches(): AsyncGenerator<string[][]> {
    // The à-nouveaux are dated the fiscal year's first day: in the file when the period starts then.
    if (opening) {
      const acc = builder.opening();
      for await (const balances of cursorBatches<EurBalance>(
        tx,
        `SELECT l.account_code AS "accountCode", a.name AS "accountName", l.aux_account AS aux, sum(l.debit - l.credit)::text AS balance,
                to_char(max(e.posted_at) AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD') AS "validDate"
         FROM accounting.journal_entries e JOIN accounting.journal_lines l USING (entry_id) JOIN accounting.ledger_accounts a ON a.code = l.account_code
         WHERE e.accounting_date < $1 AND l.currency = 'EUR' GROUP BY l.account_code, a.name, l.aux_account`,
        [fy.start],
        batchRows,
      ))
        for (const b of balances) acc.balance(b);
      const foreign = cursorBatches<FecLine>(tx, `${FEC_LINES} WHERE e.accounting_date < $1 AND l.currency <> 'EUR' ORDER BY e.posted_seq, l.line_no`, [fy.start], batchRows);
      for await (const entry of entriesOf(foreign)) acc.entry(entry);
      const rows = acc.rows();
      if (rows.length > 0) yield rows;
    }
    // The period's entries: a batch of rows per batch of lines read (whole entries; the last one of a batch may wait for the next).
    let out: string[][] = [];
    const lines = cursorBatches<FecLine>(tx, `${FEC_LINES} WHERE e.accounting_date BETWEEN $1 AND $2 ORDER BY e.posted_seq, l.line_no`, [period.from, period.to], batchRows);
    for await (const entry of entriesOf(lines)) {
      for (const row of builder.entryRows(entry)) out.push(row);
      if (out.length >= batchRows) {
        yield out;
        out = [];
      }
    }
    if (out.length > 0) yield out;
  }
  return { batches, missing: () => builder.missing() };
}

/**
 * A first pass over the FEC of a period, holding none of its rows: what is missing to produce it
 * (the export's 422), else the sha256 of the file as served by default (`|`, ISO 8859-15), which a
 * closing stores and a closed year's export compares.
 */
export async function fecCheck(tx: Query, period: FecPeriod, batchRows = EXPORT_BATCH_ROWS): Promise<FecCheck> {
  const fec = await fecStream(tx, period, batchRows);
  const hash = createHash('sha256').update(toLatin9(fecHeader('|')));
  for await (const rows of fec.batches()) hash.update(toLatin9(fecLines(rows, '|')));
  const missing = fec.missing();
  return missing ? { ok: false, ...missing } : { ok: true, sha256: hash.digest('hex') };
}

export type FecCheck = { ok: true; sha256: string } | { ok: false; missingRates: MissingRate[]; missingNames: MissingName[] };

/** The FEC rows of a period, all in memory (tests; the export streams them). */
export async function fecOf(tx: Query, period: FecPeriod, batchRows = EXPORT_BATCH_ROWS): Promise<FecResult> {
  const fec = await fecStream(tx, period, batchRows);
  const rows: string[][] = [];
  for await (const batch of fec.batches()) rows.push(...batch);
  const missing = fec.missing();
  return missing ? { ok: false, ...missing } : { ok: true, rows };
}

/** The ECB rates of `currencies` from `first` less RATE_AGE_DAYS_MAX days to `last`. */
async function ratesFor(tx: Query, currencies: string[], first: string, last: string): Promise<Array<{ currency: string; date: string; unitsPerEur: string }>> {
  return (await tx.query(
    `SELECT currency, to_char(rate_date, 'YYYY-MM-DD') AS date, units_per_eur::text AS "unitsPerEur" FROM accounting.fx_rates
     WHERE currency = ANY($1::text[]) AND rate_date BETWEEN $2::date - $4::int AND $3::date`,
    [currencies, first, last, RATE_AGE_DAYS_MAX],
  )) as Array<{ currency: string; date: string; unitsPerEur: string }>;
}

/** The general ledger's lines over a range, by account then date and posting order (GET /exports/general-ledger). */
export const GENERAL_LEDGER_LINES = `SELECT l.account_code AS account, a.name, to_char(e.accounting_date, 'YYYY-MM-DD') AS date, e.posted_seq::text AS "entryNum", e.kind, e.trade_ref AS "tradeRef",
       e.cause_event_id AS "causeEventId", to_char(e.piece_date, 'YYYY-MM-DD') AS "pieceDate", e.booking_note AS "bookingNote", l.book, l.currency, l.aux_account AS aux, l.debit::text AS debit, l.credit::text AS credit
FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id) JOIN accounting.ledger_accounts a ON a.code = l.account_code
WHERE e.accounting_date BETWEEN $1 AND $2 ORDER BY l.account_code, e.accounting_date, e.posted_seq, l.line_no`;

/** The FEC file's bytes as served by default (`|`, ISO 8859-15), which a closing hashes. */
export const fecDefaultBytes = (rows: readonly string[][]) => toLatin9(fecText(rows, '|'));
