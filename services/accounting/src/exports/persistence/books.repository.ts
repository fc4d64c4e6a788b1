import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { fecRows, fecText, RATE_AGE_DAYS_MAX, rateBook, toLatin9, type EurBalance, type FecLine, type FecResult, type OpeningInput } from '../domain/fec.js';
import type { FiscalYear } from '../domain/fiscal-year.js';
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

/** Per account, book and currency: the opening balance, the movements over the range and the closing balance. */
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

/** The hash of a trial balance as GET /exports/trial-balance serves it (JSON, as the HTTP layer writes it). */
export const trialBalanceSha256 = (rows: readonly TrialBalanceRow[]) => sha256Hex(JSON.stringify(rows));

/** The journal lines as the FEC reads them; callers add the WHERE and ORDER BY. */
const FEC_LINES = `SELECT e.posted_seq::text AS "entrySeq", e.kind, to_char(e.accounting_date, 'YYYY-MM-DD') AS "accountingDate", e.trade_ref AS "tradeRef",
       to_char(e.piece_date, 'YYYY-MM-DD') AS "pieceDate", e.booking_note AS "bookingNote",
       to_char(e.posted_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD') AS "validDate", l.account_code AS "accountCode", a.name AS "accountName", l.aux_account AS aux, l.currency,
       l.debit::text AS debit, l.credit::text AS credit
FROM accounting.journal_entries e JOIN accounting.journal_lines l USING (entry_id) JOIN accounting.ledger_accounts a ON a.code = l.account_code`;

/**
 * The FEC rows of a period inside fiscal year `fy` (exports/domain/fec.ts). Read in one snapshot
 * by the caller (REPEATABLE READ, or under the closings' lock) so the à-nouveaux and the period's
 * entries come from the same journal state.
 */
export async function fecOf(tx: Query, period: { fy: FiscalYear; from: string; to: string }): Promise<FecResult> {
  const { fy } = period;
  const lines = (await tx.query(`${FEC_LINES} WHERE e.accounting_date BETWEEN $1 AND $2 ORDER BY e.posted_seq, l.line_no`, [period.from, period.to])) as FecLine[];
  // The à-nouveaux are dated the fiscal year's first day: in the file when the period starts then.
  const opening: OpeningInput | null =
    period.from === fy.start
      ? {
          eurBalances: (await tx.query(
            `SELECT l.account_code AS "accountCode", a.name AS "accountName", l.aux_account AS aux, sum(l.debit - l.credit)::text AS balance,
                    to_char(max(e.posted_at) AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD') AS "validDate"
             FROM accounting.journal_entries e JOIN accounting.journal_lines l USING (entry_id) JOIN accounting.ledger_accounts a ON a.code = l.account_code
             WHERE e.accounting_date < $1 AND l.currency = 'EUR' GROUP BY l.account_code, a.name, l.aux_account`,
            [fy.start],
          )) as EurBalance[],
          foreignLines: (await tx.query(`${FEC_LINES} WHERE e.accounting_date < $1 AND l.currency <> 'EUR' ORDER BY e.posted_seq, l.line_no`, [fy.start])) as FecLine[],
        }
      : null;
  // One query for every rate the file can use: the currencies of its foreign lines, from the
  // oldest of their dates (less the days a rate may be older) to the newest; looked up in memory.
  const foreign = [...lines, ...(opening?.foreignLines ?? [])].filter((l) => l.currency !== 'EUR');
  const rates = foreign.length === 0 ? [] : await ratesFor(tx, foreign);
  const auxCodes = [...lines, ...(opening?.foreignLines ?? []), ...(opening?.eurBalances ?? [])].flatMap((l) => (l.aux ? [l.aux] : []));
  return fecRows({ fy, lines, opening, rateOn: rateBook(rates), names: await auxNames(tx, auxCodes) });
}

/** The ECB rates of the currencies of `lines`, over the span of their dates (the oldest less RATE_AGE_DAYS_MAX days). */
async function ratesFor(tx: Query, lines: readonly FecLine[]): Promise<Array<{ currency: string; date: string; unitsPerEur: string }>> {
  let first = lines[0]!.accountingDate;
  let last = first;
  for (const l of lines) {
    if (l.accountingDate < first) first = l.accountingDate;
    if (l.accountingDate > last) last = l.accountingDate;
  }
  return (await tx.query(
    `SELECT currency, to_char(rate_date, 'YYYY-MM-DD') AS date, units_per_eur::text AS "unitsPerEur" FROM accounting.fx_rates
     WHERE currency = ANY($1::text[]) AND rate_date BETWEEN $2::date - $4::int AND $3::date`,
    [[...new Set(lines.map((l) => l.currency))], first, last, RATE_AGE_DAYS_MAX],
  )) as Array<{ currency: string; date: string; unitsPerEur: string }>;
}

/** The FEC file's bytes as served by default (`|`, ISO 8859-15), which a closing hashes. */
export const fecDefaultBytes = (rows: readonly string[][]) => toLatin9(fecText(rows, '|'));
