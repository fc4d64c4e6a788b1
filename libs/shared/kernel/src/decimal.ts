import { Decimal } from 'decimal.js';

/**
 * One Decimal constructor for the whole project. 34 significant digits (IEEE 754 decimal128) is
 * far beyond any nominal times price we carry, so intermediate products never lose a cent.
 * The default rounding here only applies to division results; every money rounding names its
 * own mode at the rule (see roundToMinor).
 */
export const Dec = Decimal.clone({ precision: 34, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -40, toExpPos: 40 });
export type Dec = Decimal;

/** A decimal string on the wire: optional minus, digits, optional fraction. No exponent, no plus sign, no spaces. */
const DECIMAL_STRING = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

export const DECIMAL_SCALE_MAX = 12;
export const DECIMAL_INTEGER_DIGITS_MAX = 18;

export type DecimalProblem = 'not-a-string' | 'not-a-decimal-string' | 'scale-too-large' | 'too-large';

/** Parses a wire decimal string strictly; returns the problem instead of throwing (an expected refusal is a value). */
export function parseDecimalString(value: unknown): { ok: true; value: Decimal } | { ok: false; problem: DecimalProblem } {
  if (typeof value !== 'string') return { ok: false, problem: 'not-a-string' };
  if (!DECIMAL_STRING.test(value)) return { ok: false, problem: 'not-a-decimal-string' };
  const [integer = '', fraction = ''] = value.replace('-', '').split('.');
  if (fraction.length > DECIMAL_SCALE_MAX) return { ok: false, problem: 'scale-too-large' };
  if (integer.length > DECIMAL_INTEGER_DIGITS_MAX) return { ok: false, problem: 'too-large' };
  return { ok: true, value: new Dec(value) };
}

/** Decimal to its wire form: plain notation, no exponent, trailing zeros kept as the scale says. */
export function toDecimalString(value: Decimal, scale?: number): string {
  return scale === undefined ? value.toFixed() : value.toFixed(scale);
}

export function dec(value: string | Decimal): Decimal {
  return new Dec(value);
}
