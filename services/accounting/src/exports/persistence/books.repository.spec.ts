import { describe, expect, it } from '@jest/globals';
import type { FecLine } from '../domain/fec.js';
import { fecOf } from './books.repository.js';

const fy = { start: '2026-01-01', end: '2026-12-31' };

/** The journal in memory: N entries in USD over the year, each of two lines, and one ECB rate a business day. */
function books(entries: number) {
  const lines: FecLine[] = [];
  for (let i = 0; i < entries; i++) {
    const day = new Date(Date.UTC(2026, 0, 2 + (i % 300))).toISOString().slice(0, 10);
    const base = { entrySeq: String(i + 1), kind: 'SETTLEMENT', accountingDate: day, tradeRef: `T${i}`, validDate: day, currency: 'USD' };
    lines.push({ ...base, accountCode: '512000', accountName: 'Banque', aux: null, debit: '100.00', credit: '0' });
    lines.push({ ...base, accountCode: '401000', accountName: 'Fournisseurs', aux: null, debit: '0', credit: '100.00' });
  }
  const rates: Array<{ currency: string; date: string; unitsPerEur: string }> = [];
  for (let d = Date.UTC(2020, 0, 1); d <= Date.UTC(2026, 11, 31); d += 86_400_000)
    for (const currency of ['USD', 'GBP', 'JPY', 'CHF']) rates.push({ currency, date: new Date(d).toISOString().slice(0, 10), unitsPerEur: '1.0834' });
  const statements: string[] = [];
  const tx = {
    query: async (sql: string, params: unknown[] = []) => {
      statements.push(sql);
      if (sql.includes('FROM accounting.fx_rates')) {
        const [currencies, first, last, ageDays] = params as [string[], string, string, number];
        const from = new Date(Date.parse(`${first}T00:00:00Z`) - ageDays * 86_400_000).toISOString().slice(0, 10);
        return rates.filter((r) => currencies.includes(r.currency) && r.date >= from && r.date <= last);
      }
      if (sql.includes('WHERE e.accounting_date BETWEEN')) return lines;
      return [];
    },
  };
  return { tx, statements };
}

describe('the FEC read from the books', () => {
  it('issues one rate query whatever the number of foreign lines, reading only the currencies and days they need', async () => {
    for (const entries of [10, 2_000]) {
      const { tx, statements } = books(entries);
      const result = await fecOf(tx, { fy, from: '2026-02-01', to: '2026-11-30' });
      expect(result.ok).toBe(true);
      expect(statements.filter((s) => s.includes('accounting.fx_rates'))).toHaveLength(1);
      expect(statements.length).toBeLessThanOrEqual(3);
      if (result.ok) expect(result.rows).toHaveLength(2 * entries);
    }
  });

  it('a file without foreign lines reads no rate', async () => {
    const { tx, statements } = books(0);
    await fecOf(tx, { fy, from: '2026-02-01', to: '2026-11-30' });
    expect(statements.some((s) => s.includes('accounting.fx_rates'))).toBe(false);
  });
});
