import { isIsoDate } from '@postera/kernel';

/** One ECB euro reference rate: units of `currency` per 1 EUR on `rateDate`. */
export interface EcbRate {
  rateDate: string;
  currency: string;
  unitsPerEur: string;
}

export interface EcbParse {
  rates: EcbRate[];
  problems: Array<{ line: number; problem: string }>;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
export const ECB_LINES_MAX = 20_000;

function ecbDate(v: string): string | null {
  if (isIsoDate(v)) return v;
  const m = /^(\d{1,2}) ([A-Za-z]+) (\d{4})$/.exec(v);
  if (!m) return null;
  const month = MONTHS.indexOf(m[2]!.toLowerCase());
  if (month < 0) return null;
  const iso = `${m[3]}-${String(month + 1).padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : null;
}

/**
 * The ECB's own CSV files (eurofxref.csv, eurofxref-hist.csv): a header `Date, USD, JPY, …` and
 * one line per day — the daily file writes `25 November 2026, 1.0512, 160.12, …` (spaces after the
 * commas, a trailing comma), the history file ISO dates and `N/A` where a currency had no rate.
 * Spaces are trimmed and the empty last field dropped; `N/A` and empty values are skipped; a bad
 * date or a rate that is not a positive decimal is a problem of that line, the others still count.
 */
export function parseEcbCsv(csv: string): EcbParse {
  const lines = csv.replace(/^\ufeff/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  const out: EcbParse = { rates: [], problems: [] };
  if (lines.length === 0) return { rates: [], problems: [{ line: 1, problem: 'empty file' }] };
  if (lines.length > ECB_LINES_MAX + 1) return { rates: [], problems: [{ line: ECB_LINES_MAX + 2, problem: `more than ${ECB_LINES_MAX} lines` }] };
  const fields = (l: string) => {
    const f = l.split(',').map((x) => x.trim());
    if (f.length > 1 && f[f.length - 1] === '') f.pop();
    return f;
  };
  const header = fields(lines[0]!);
  if (header[0]?.toLowerCase() !== 'date') return { rates: [], problems: [{ line: 1, problem: `header starts with "${header[0]}", not "Date"` }] };
  const currencies = header.slice(1);
  const bad = currencies.filter((c) => !/^[A-Z]{3}$/.test(c));
  if (bad.length > 0) return { rates: [], problems: [{ line: 1, problem: `not currency codes: ${bad.join(', ')}` }] };
  for (let i = 1; i < lines.length; i++) {
    const f = fields(lines[i]!);
    const d = ecbDate(f[0] ?? '');
    if (!d) {
      out.problems.push({ line: i + 1, problem: `date "${f[0]}" is neither ISO nor "25 November 2026"` });
      continue;
    }
    if (f.length - 1 > currencies.length) {
      out.problems.push({ line: i + 1, problem: `${f.length - 1} values for ${currencies.length} currencies` });
      continue;
    }
    currencies.forEach((c, j) => {
      const v = f[j + 1] ?? '';
      if (v === '' || v === 'N/A') return;
      if (!/^\d{1,12}(\.\d{1,12})?$/.test(v) || /^0+(\.0+)?$/.test(v)) out.problems.push({ line: i + 1, problem: `${c}: "${v}" is not a positive decimal` });
      else out.rates.push({ rateDate: d, currency: c, unitsPerEur: v });
    });
  }
  return out;
}
