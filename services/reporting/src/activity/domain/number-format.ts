import { Dec } from '@postera/kernel';

export type ReportLanguage = 'fr' | 'en';

/** U+202F NARROW NO-BREAK SPACE: the French digit-group separator (CLDR fr). */
export const NARROW_NBSP = '\u202f';

const MARKS: Record<ReportLanguage, { group: string; decimal: string }> = {
  fr: { group: NARROW_NBSP, decimal: ',' },
  en: { group: ',', decimal: '.' },
};

/**
 * A decimal string as a reader expects it in the language: digit groups of three and the decimal
 * mark (fr 31 832 303,34 with U+202F; en 31,832,303.34). `scale` digits after the mark, rounded
 * HALF_UP (display only: the figures themselves stay exact strings in the JSON and the CSV).
 */
export function formatDecimal(value: string, lang: ReportLanguage, scale = 2): string {
  const fixed = new Dec(value).toFixed(scale, Dec.ROUND_HALF_UP);
  const negative = fixed.startsWith('-');
  const [int = '0', frac] = (negative ? fixed.slice(1) : fixed).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, MARKS[lang].group);
  return `${negative ? '-' : ''}${grouped}${frac ? MARKS[lang].decimal + frac : ''}`;
}

/** A count with digit groups (no decimals). */
export function formatCount(n: number, lang: ReportLanguage): string {
  return formatDecimal(String(n), lang, 0);
}

/** A rate (decimal string, 0.9800) as a percentage with two decimals (98.00 % / 98,00 %), rounded HALF_UP; "n/a" / "n.d." without one. */
export function formatRate(rate: string | null, lang: ReportLanguage): string {
  if (rate === null) return lang === 'fr' ? 'n.d.' : 'n/a';
  return `${formatDecimal(new Dec(rate).times(100).toFixed(), lang, 2)}${lang === 'fr' ? NARROW_NBSP : ' '}%`;
}

/** A change between two counts with its sign (+3, −2, 0). */
export function formatChange(now: number, before: number | null, lang: ReportLanguage): string {
  if (before === null) return '';
  const d = now - before;
  return d > 0 ? `+${formatCount(d, lang)}` : d < 0 ? `-${formatCount(-d, lang)}` : '0';
}

/** A change between two rates in percentage points (+1.50 pt / +1,50 pt). */
export function formatRateChange(now: string | null, before: string | null, lang: ReportLanguage): string {
  if (now === null || before === null) return '';
  const d = new Dec(now).minus(before).times(100);
  const s = formatDecimal(d.abs().toFixed(), lang, 2);
  return `${d.isPositive() && !d.isZero() ? '+' : d.isNegative() && !d.isZero() ? '-' : ''}${s} pt`;
}
