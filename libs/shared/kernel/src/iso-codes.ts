/** ISO 6166 ISIN: 2 letters, 9 alphanumerics, 1 check digit (Luhn over the letters expanded to numbers). */
export function isValidIsin(value: unknown): value is string {
  if (typeof value !== 'string' || !/^[A-Z]{2}[A-Z0-9]{9}[0-9]$/.test(value)) return false;
  const digits = value
    .slice(0, 11)
    .split('')
    .map((c) => (c >= 'A' && c <= 'Z' ? String(c.charCodeAt(0) - 55) : c))
    .join('');
  let sum = 0;
  // Luhn from the right, doubling the rightmost digit of the payload (the check digit is not in it).
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let n = Number(digits[i]);
    if (double) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return (10 - (sum % 10)) % 10 === Number(value[11]);
}

/** ISO 17442 LEI: 18 alphanumerics then 2 check digits, valid when the whole code is 1 mod 97 (ISO 7064 MOD 97-10). */
export function isValidLei(value: unknown): value is string {
  if (typeof value !== 'string' || !/^[A-Z0-9]{18}[0-9]{2}$/.test(value)) return false;
  return mod97(value) === 1;
}

function mod97(code: string): number {
  let remainder = 0;
  for (const c of code) {
    const n = c >= 'A' && c <= 'Z' ? c.charCodeAt(0) - 55 : Number(c);
    remainder = (remainder * (n > 9 ? 100 : 10) + n) % 97;
  }
  return remainder;
}

/** Appends the two MOD 97-10 check digits to an 18-character LEI base (for referential builders and tests). */
export function leiWithCheckDigits(base18: string): string {
  const check = 98 - mod97(base18 + '00');
  return base18 + String(check).padStart(2, '0');
}

/** Appends the Luhn check digit to an 11-character ISIN base. */
export function isinWithCheckDigit(base11: string): string {
  for (let d = 0; d <= 9; d++) if (isValidIsin(base11 + d)) return base11 + d;
  throw new Error(`cannot complete ISIN ${base11}`);
}

/** ISO 10383 MIC: four alphanumerics (XOFF = off venue). Format only: the full list is referential. */
export function isMicFormat(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z0-9]{4}$/.test(value);
}
