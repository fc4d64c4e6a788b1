import { CURRENCY_MINOR_UNITS, parseDecimalString } from '@postera/kernel';

export type Language = 'fr' | 'en';

/** U+202F NARROW NO-BREAK SPACE: the French digit-group separator (CLDR fr). */
export const NNBSP = '\u202f';
/** U+00A0 NO-BREAK SPACE: between a figure and its unit, so that a line never breaks inside an amount. */
export const NBSP = '\u00a0';

const SEPARATORS: Record<Language, { group: string; decimal: string }> = {
  fr: { group: NNBSP, decimal: ',' },
  en: { group: ',', decimal: '.' },
};

/**
 * A decimal string written for a reader of the language: digits grouped by three, the language's
 * decimal mark, at least fractionDigitsMin decimals. Works on the digits of the string — the value
 * never goes through a JS number — and never rounds: every digit of the input is shown.
 */
export function formatDecimal(value: string, language: Language, fractionDigitsMin = 0): string {
  const parsed = parseDecimalString(value);
  if (!parsed.ok) throw new Error(`cannot format ${JSON.stringify(value)}: ${parsed.problem}`);
  const negative = parsed.value.isNegative() && !parsed.value.isZero();
  const [integer = '0', fraction = ''] = parsed.value.abs().toFixed().split('.');
  const { group, decimal } = SEPARATORS[language];
  const grouped = integer.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const decimals = fraction.padEnd(fractionDigitsMin, '0');
  return `${negative ? '-' : ''}${grouped}${decimals ? decimal + decimals : ''}`;
}

/**
 * An amount with its currency code: shown with at least the currency's minor units (ISO 4217),
 * so 100 EUR reads 100,00 EUR; more decimals than that are kept, never rounded away.
 */
export function formatAmount(value: string, currency: string, language: Language): string {
  const minor = CURRENCY_MINOR_UNITS[currency] ?? 0;
  return `${formatDecimal(value, language, minor)}${NBSP}${currency}`;
}
