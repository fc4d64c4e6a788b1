import type { EntityManager } from 'typeorm';
import type { FxPeriod } from '../domain/revaluation.js';

/** A position in a foreign currency: a book's, in one currency. */
export const pairKey = (book: string, currency: string) => `${book}|${currency}`;

/**
 * Each target position's movements per period between its currency's closes, up to the target's
 * close. A line dated before the currency's first close counts in the first.
 */
export async function periodsOf(
  tx: Pick<EntityManager, 'query'>,
  targets: ReadonlyArray<{ book: string; currency: string; closeDate: string }>,
): Promise<Map<string, FxPeriod[]>> {
  const rows = (await tx.query(
    `WITH t AS (SELECT * FROM unnest($1::text[], $2::text[], $3::date[]) AS t(book, currency, as_of)),
     daily AS (
       SELECT l.book, l.currency, e.accounting_date AS d, sum(l.debit - l.credit) AS amount
       FROM t JOIN accounting.journal_lines l ON l.currency = t.currency AND l.book = t.book
         JOIN accounting.journal_entries e USING (entry_id) JOIN accounting.ledger_accounts a ON a.code = l.account_code
       WHERE l.currency <> 'EUR' AND a.kind = 'BALANCE' AND e.accounting_date <= t.as_of
       GROUP BY 1, 2, 3)
     SELECT d.book, d.currency, to_char(p.close_date, 'YYYY-MM-DD') AS "closeDate", p.rate::text AS rate, sum(d.amount)::text AS movement
     FROM daily d CROSS JOIN LATERAL (
       SELECT c.close_date, c.rate FROM accounting.fx_closes c WHERE c.currency = d.currency AND c.close_date >= d.d ORDER BY c.close_date LIMIT 1) p
     GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3`,
    [targets.map((t) => t.book), targets.map((t) => t.currency), targets.map((t) => t.closeDate)],
  )) as Array<FxPeriod & { book: string; currency: string }>;
  const byPair = new Map<string, FxPeriod[]>();
  for (const r of rows) {
    const k = pairKey(r.book, r.currency);
    byPair.set(k, [...(byPair.get(k) ?? []), { closeDate: r.closeDate, rate: r.rate, movement: r.movement }]);
  }
  return byPair;
}
