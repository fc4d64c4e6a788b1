import type { PageRequest } from '@postera/platform';
import type { EntityManager } from 'typeorm';

// Our side of each reconciliation, read from the trades, the settlement steps and the journal.

/**
 * Our holdings of an account on a date, per ISIN, in the view the statement's basis names: SETT
 * settled, CONT contractual settlement date, TRAD trade date. With `page`, only the ISINs after its
 * cursor, the first `limit` of them in ISIN order (a page of the positions).
 */
export async function holdingsView(
  tx: EntityManager,
  account: string,
  asOf: string,
  basis: 'CONT' | 'SETT' | 'TRAD',
  page?: PageRequest,
): Promise<Map<string, string>> {
  const paged = page ? `AND ($3::text IS NULL OR isin > $3)` : '';
  const limit = page ? `ORDER BY isin LIMIT $4` : '';
  const params = page ? [account, asOf, page.after, page.limit] : [account, asOf];
  const rows = (
    basis === 'SETT'
      ? await tx.query(
          `SELECT isin, sum(quantity)::text AS q FROM accounting.settlement_steps WHERE account = $1 AND settlement_date <= $2 ${paged}
           GROUP BY isin HAVING sum(quantity) <> 0 ${limit}`,
          params,
        )
      : await tx.query(
          `SELECT isin, sum(CASE side WHEN 'BUY' THEN quantity ELSE -quantity END)::text AS q FROM accounting.trades
           WHERE account = $1 AND status <> 'CANCELLED' AND ${basis === 'TRAD' ? 'trade_date' : 'settlement_date'} <= $2 ${paged} GROUP BY isin
           HAVING sum(CASE side WHEN 'BUY' THEN quantity ELSE -quantity END) <> 0 ${limit}`,
          params,
        )
  ) as Array<{ isin: string; q: string }>;
  return new Map(rows.map((r) => [r.isin, r.q]));
}

/** Our cash of an account in a currency: its nostro (512000) lines up to the date, and each trade's movement on the date. */
export async function cashView(
  tx: EntityManager,
  account: string,
  currency: string,
  asOf: string,
): Promise<{ closingBalance: string; movements: Map<string, string> }> {
  const [closing] = (await tx.query(
    `SELECT coalesce(sum(l.debit - l.credit), 0)::text AS b FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id)
     JOIN accounting.trades t ON t.trade_ref = e.trade_ref WHERE t.account = $1 AND l.currency = $2 AND l.account_code = '512000' AND e.accounting_date <= $3`,
    [account, currency, asOf],
  )) as Array<{ b: string }>;
  const moves = (await tx.query(
    `SELECT e.trade_ref AS ref, sum(l.debit - l.credit)::text AS m FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id)
     JOIN accounting.trades t ON t.trade_ref = e.trade_ref WHERE t.account = $1 AND l.currency = $2 AND l.account_code = '512000' AND e.accounting_date = $3
     GROUP BY e.trade_ref HAVING sum(l.debit - l.credit) <> 0`,
    [account, currency, asOf],
  )) as Array<{ ref: string; m: string }>;
  return { closingBalance: closing?.b ?? '0', movements: new Map(moves.map((m) => [m.ref, m.m])) };
}

/** The accounting P&L of each book and currency on a day: income minus expense of the day's entries (PNL accounts). */
export async function accountingPnl(tx: EntityManager, date: string): Promise<Map<string, string>> {
  const rows = (await tx.query(
    `SELECT l.book, l.currency, sum(l.credit - l.debit)::text AS pnl FROM accounting.journal_lines l JOIN accounting.journal_entries e USING (entry_id)
     JOIN accounting.ledger_accounts a ON a.code = l.account_code WHERE a.kind = 'PNL' AND e.accounting_date = $1 GROUP BY l.book, l.currency`,
    [date],
  )) as Array<{ book: string; currency: string; pnl: string }>;
  return new Map(rows.map((r) => [`${r.book}|${r.currency}`, r.pnl]));
}
