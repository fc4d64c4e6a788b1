/**
 * Amounts as the user's locale writes them, from the decimal strings the API sends. Intl.NumberFormat
 * formats a numeric string exactly (ECMA-402 "Intl.NumberFormat v3"): the figures are never turned
 * into a binary floating-point number on the way.
 */
const DECIMAL = /^-?\d+(\.\d+)?$/;

export function formatAmount(amount: string, locale: string, currency?: string): string {
  if (!DECIMAL.test(amount)) return amount;
  const decimals = amount.split('.')[1]?.length ?? 0;
  const f = new Intl.NumberFormat(locale, {
    ...(currency ? { style: 'currency', currency } : {}),
    minimumFractionDigits: currency ? Math.max(2, decimals) : decimals,
    maximumFractionDigits: Math.max(2, decimals),
  });
  // The string overload: exact for any number of digits.
  return f.format(amount as unknown as number);
}

export function formatCount(n: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(n);
}

/** A business date (YYYY-MM-DD) as the locale writes a date, read as a calendar day (no time zone shift). */
export function formatDate(isoDate: string, locale: string): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

/**
 * A moment the API sends (ISO 8601 with its offset) as the locale writes a short date and the time to
 * the second, in the browser's time zone unless one is named; a value that is no timestamp is shown
 * as it came.
 */
export function formatTimestamp(iso: string, locale: string, timeZone?: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium', timeZone }).format(at);
}

/** A rate the API sends as a decimal string of a fraction ("0.9735") as a percentage. */
export function formatRate(fraction: string, locale: string): string {
  if (!DECIMAL.test(fraction)) return fraction;
  return new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(fraction as unknown as number);
}
