import { Decimal } from 'decimal.js';
import { Dec } from './decimal.js';

/**
 * ISO 4217 minor units of the currencies Postera books. A currency missing here is refused at
 * capture rather than guessed: an amount rounded to the wrong number of decimals is a wrong amount.
 */
export const CURRENCY_MINOR_UNITS: Readonly<Record<string, number>> = Object.freeze({
  EUR: 2,
  USD: 2,
  GBP: 2,
  CHF: 2,
  JPY: 0,
  SEK: 2,
  NOK: 2,
  DKK: 2,
  PLN: 2,
  CZK: 2,
  HUF: 2,
  CAD: 2,
  AUD: 2,
  NZD: 2,
  HKD: 2,
  SGD: 2,
  CNY: 2,
  KRW: 0,
  ZAR: 2,
  BHD: 3,
  KWD: 3,
  TND: 3,
  ISK: 0,
});

export function isKnownCurrency(code: unknown): code is string {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(CURRENCY_MINOR_UNITS, code);
}

export function minorUnits(currency: string): number {
  const units = CURRENCY_MINOR_UNITS[currency];
  if (units === undefined) throw new Error(`unknown currency ${currency}: add it to CURRENCY_MINOR_UNITS`);
  return units;
}

export type RoundingMode = 'HALF_UP' | 'HALF_EVEN' | 'DOWN';

const MODES: Record<RoundingMode, Decimal.Rounding> = {
  HALF_UP: Decimal.ROUND_HALF_UP,
  HALF_EVEN: Decimal.ROUND_HALF_EVEN,
  DOWN: Decimal.ROUND_DOWN,
};

/** Rounds an amount to the currency's minor unit with the mode the calling rule names. */
export function roundToMinor(amount: Decimal, currency: string, mode: RoundingMode): Decimal {
  return new Dec(amount).toDecimalPlaces(minorUnits(currency), MODES[mode]);
}

/**
 * Gross settlement amount of a trade.
 * UNIT: quantity × price. PERCENT (bonds): nominal × price / 100.
 * Rounded to the currency's minor unit, half-up (market convention for consideration).
 */
export function grossAmount(quantity: Decimal, price: Decimal, priceType: 'UNIT' | 'PERCENT', currency: string): Decimal {
  const raw = priceType === 'PERCENT' ? quantity.mul(price).div(100) : quantity.mul(price);
  return roundToMinor(raw, currency, 'HALF_UP');
}

/**
 * An amount written with at least its currency's minor units, never rounded ("8.5" EUR → "8.50",
 * "8.785" EUR → "8.785"): for an amount as a message gave it, which may be finer than the minor unit
 * (a fee received before capture refused those, a confirmation's figure), where amountText would refuse it.
 */
export function amountAtLeastMinorUnits(amount: Decimal | string, currency: string): string {
  const value = new Dec(amount);
  return value.toFixed(Math.max(minorUnits(currency), value.decimalPlaces()));
}

/**
 * An amount in its one written form: exactly the currency's minor units of decimals ("8775" EUR →
 * "8775.00", "-12.5" EUR → "-12.50", "100" JPY → "100"), as the API, the files and the messages
 * write it. It never rounds: an amount finer than its currency's minor unit ("1.005" EUR) is a
 * wrong amount upstream, and it is refused (thrown) here rather than written as another amount.
 * Prices, rates and quantities are not amounts and do not go through it.
 */
export function amountText(amount: Decimal | string, currency: string): string {
  const units = minorUnits(currency);
  const value = new Dec(amount);
  if (!value.isFinite()) throw new Error(`${String(amount)} ${currency} is not an amount`);
  if (value.decimalPlaces() > units)
    throw new Error(`${value.toFixed()} ${currency} has more decimals than the ${units} of ${currency}: not written (an amount is never rounded silently)`);
  // A zero is written unsigned: "-0.00" is not a form of nothing.
  return (value.isZero() ? value.abs() : value).toFixed(units);
}
