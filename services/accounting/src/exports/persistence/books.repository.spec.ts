import type { EntityManager } from 'typeorm';
import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { fecHeader, fecLines, fecText, type FecLine } from '../domain/fec.js';
import { fecCheck, fecDefaultBytes, fecOf, fecStream, trialBalanceIn, trialBalanceSha256, type TrialBalanceRow } from './books.repository.js';

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
  let cursor: FecLine[] = [];
  const tx = {
    query: async (sql: string, params: unknown[] = []): Promise<unknown> => {
      if (/^(FETCH|CLOSE)/.test(sql)) {
        const n = Number(/^FETCH FORWARD (\d+)/.exec(sql)?.[1] ?? 0);
        return cursor.splice(0, n);
      }
      statements.push(sql);
      if (sql.startsWith('DECLARE')) {
        cursor = sql.includes('WHERE e.accounting_date BETWEEN') ? [...lines] : [];
        return [];
      }
      if (sql.includes('array_agg(DISTINCT l.currency)')) {
        const foreign = lines.filter((l) => l.currency !== 'EUR').map((l) => l.accountingDate).sort();
        return [foreign.length ? { currencies: ['USD'], first: foreign[0], last: foreign.at(-1) } : { currencies: null, first: null, last: null }];
      }
      if (sql.includes('FROM accounting.fx_rates')) {
        const [currencies, first, last, ageDays] = params as [string[], string, string, number];
        const from = new Date(Date.parse(`${first}T00:00:00Z`) - ageDays * 86_400_000).toISOString().slice(0, 10);
        return rates.filter((r) => currencies.includes(r.currency) && r.date >= from && r.date <= last);
      }
      return [];
    },
  };
  // The one method the repository calls, answering as Postgres would (typed as EntityManager's own).
  return { tx: tx as unknown as Pick<EntityManager, 'query'>, statements };
}

describe('the FEC read from the books', () => {
  it('issues one rate query whatever the number of foreign lines, reading only the currencies and days they need', async () => {
    for (const entries of [10, 2_000]) {
      const { tx, statements } = books(entries);
      const result = await fecOf(tx, { fy, from: '2026-02-01', to: '2026-11-30' });
      expect(result.ok).toBe(true);
      expect(statements.filter((s) => s.includes('accounting.fx_rates'))).toHaveLength(1);
      // the rates' span, the rates, the auxiliary codes, the period's cursor
      expect(statements.length).toBeLessThanOrEqual(4);
      if (result.ok) expect(result.rows).toHaveLength(2 * entries);
    }
  });

  it('a file without foreign lines reads no rate', async () => {
    const { tx, statements } = books(0);
    await fecOf(tx, { fy, from: '2026-02-01', to: '2026-11-30' });
    expect(statements.some((s) => s.includes('accounting.fx_rates'))).toBe(false);
  });
});

/**
 * The journal behind a fake transaction that answers the FEC's cursors (DECLARE / FETCH / CLOSE)
 * and counts the lines it has handed out: what the export holds is what was fetched and not yet
 * turned into rows.
 */
function cursorBooks(entries: number) {
  const lines: FecLine[] = [];
  for (let i = 0; i < entries; i++) {
    const day = new Date(Date.UTC(2026, 0, 2 + (i % 300))).toISOString().slice(0, 10);
    const base = { entrySeq: String(i + 1), kind: 'SETTLEMENT', accountingDate: day, tradeRef: `T${i}`, validDate: day, currency: i % 2 ? 'USD' : 'EUR' };
    // Three lines an entry: a batch of 2,000 lines always cuts one entry in two somewhere.
    lines.push({ ...base, accountCode: '512000', accountName: 'Banque', aux: 'SICVFRPPXXX', debit: '300.00', credit: '0' });
    lines.push({ ...base, accountCode: '401000', accountName: 'Fournisseurs', aux: null, debit: '0', credit: '100.00' });
    lines.push({ ...base, accountCode: '401000', accountName: 'Fournisseurs', aux: null, debit: '0', credit: '200.00' });
  }
  const rates = [] as Array<{ currency: string; date: string; unitsPerEur: string }>;
  for (let d = Date.UTC(2025, 11, 20); d <= Date.UTC(2026, 11, 31); d += 86_400_000) rates.push({ currency: 'USD', date: new Date(d).toISOString().slice(0, 10), unitsPerEur: '1.0834' });
  const open = new Map<string, { rows: FecLine[]; at: number }>();
  const counts = { fetched: 0, fetches: 0, largestFetch: 0, wholeQueries: 0 };
  const tx = {
    query: async (sql: string, params: unknown[] = []) => {
      const declared = /^DECLARE (\w+)/.exec(sql);
      if (declared) {
        open.set(declared[1]!, { rows: sql.includes('WHERE e.accounting_date BETWEEN') ? lines : [], at: 0 });
        return [];
      }
      const fetch = /^FETCH FORWARD (\d+) FROM (\w+)/.exec(sql);
      if (fetch) {
        const c = open.get(fetch[2]!)!;
        const rows = c.rows.slice(c.at, c.at + Number(fetch[1]));
        c.at += rows.length;
        counts.fetched += rows.length;
        counts.fetches++;
        counts.largestFetch = Math.max(counts.largestFetch, rows.length);
        return rows;
      }
      if (sql.startsWith('CLOSE')) return [];
      if (sql.includes('array_agg(DISTINCT l.currency)')) return [{ currencies: ['USD'], first: '2026-01-02', last: '2026-10-27' }];
      if (sql.includes('FROM accounting.fx_rates')) return rates.filter((r) => (params[0] as string[]).includes(r.currency));
      if (sql.includes('SELECT DISTINCT l.aux_account')) return [{ aux: 'SICVFRPPXXX' }];
      if (sql.includes('journal_lines')) counts.wholeQueries++; // the journal read other than through a cursor
      return [];
    },
  };
  return { tx: tx as unknown as Pick<EntityManager, 'query'>, counts, lines };
}

describe('the FEC streamed from the books', () => {
  it('reads the journal through a cursor, 2,000 lines at a time, and hands out each batch of rows before reading far ahead: 30,000 lines never held at once', async () => {
    const { tx, counts, lines } = cursorBooks(10_000);
    const fec = await fecStream(tx, { fy, from: '2026-02-01', to: '2026-11-30' }, 2_000);
    let emitted = 0;
    let heldMost = 0;
    let batches = 0;
    for await (const rows of fec.batches()) {
      emitted += rows.length;
      batches++;
      // What was fetched but not yet handed out: less than a batch, plus the one entry left open by the cut.
      heldMost = Math.max(heldMost, counts.fetched - emitted);
      expect(counts.fetched).toBeLessThan(lines.length + 1);
    }
    expect(fec.missing()).toBeNull();
    expect(emitted).toBe(lines.length);
    expect(batches).toBeGreaterThanOrEqual(14);
    expect(counts.largestFetch).toBe(2_000);
    expect(counts.fetches).toBe(16); // 15 full fetches and the empty one that ends the cursor
    expect(heldMost).toBeLessThan(2_000 + 3);
    expect(counts.wholeQueries).toBe(0);
  });

  it('the first pass (fecCheck) hashes exactly the bytes the whole file has, and the rows streamed in small batches are those of one read', async () => {
    const small = cursorBooks(1_000);
    const whole = await fecOf(small.tx, { fy, from: '2026-02-01', to: '2026-11-30' }, 1_000_000);
    const batched = await fecOf(cursorBooks(1_000).tx, { fy, from: '2026-02-01', to: '2026-11-30' }, 7);
    expect(whole.ok && batched.ok).toBe(true);
    if (!whole.ok || !batched.ok) return;
    expect(batched.rows).toEqual(whole.rows);
    const check = await fecCheck(cursorBooks(1_000).tx, { fy, from: '2026-02-01', to: '2026-11-30' }, 7);
    expect(check).toEqual({ ok: true, sha256: createHash('sha256').update(fecDefaultBytes(whole.rows)).digest('hex') });
    expect(fecHeader('|') + fecLines(whole.rows, '|')).toBe(fecText(whole.rows, '|'));
  });
});

describe('the trial balance in its numbered formats', () => {
  // 150 × 58.50 = 8775 EUR on 312000 over the range, nothing before; a JPY line of 123450.
  const rows: TrialBalanceRow[] = [
    { account: '312000', name: 'Titres clients', book: 'CLIENT-EQ', currency: 'EUR', opening: '0', debit: '8775', credit: '0', closing: '8775' },
    { account: '512000', name: 'Banque', book: 'CLIENT-EQ', currency: 'EUR', opening: '25.0', debit: '0', credit: '8783.78', closing: '-8758.78' },
    { account: '512000', name: 'Banque', book: 'CLIENT-JP', currency: 'JPY', opening: '0', debit: '123450', credit: '0', closing: '123450' },
  ];
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');

  it('format 1: the rows as Postgres gives them, hashed as the export served them then', () => {
    expect(trialBalanceIn(rows, 1)).toEqual(rows);
    expect(trialBalanceSha256(rows, 1)).toBe(sha(JSON.stringify(rows)));
  });

  it('format 2: every amount at its currency\'s minor units (8775 → 8775.00 EUR, 25.0 → 25.00, JPY as it is), hashed as served', () => {
    const served = trialBalanceIn(rows, 2);
    expect(served.map((r) => [r.opening, r.debit, r.credit, r.closing])).toEqual([
      ['0.00', '8775.00', '0.00', '8775.00'],
      ['25.00', '0.00', '8783.78', '-8758.78'],
      ['0', '123450', '0', '123450'],
    ]);
    expect(trialBalanceSha256(rows, 2)).toBe(sha(JSON.stringify(served)));
    expect(trialBalanceSha256(rows, 2)).not.toBe(trialBalanceSha256(rows, 1));
  });

  it('format 2 refuses an amount finer than its currency\'s minor unit rather than rounding it', () => {
    expect(() => trialBalanceIn([{ ...rows[0]!, debit: '8775.005' }], 2)).toThrow('8775.005 EUR has more decimals than the 2 of EUR');
  });
});
