import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { formatAmount, formatDecimal, NBSP, NNBSP } from './amount-format.js';
import { formatDate, formatTimestampUtc } from './date-format.js';

// Written out so that a reader sees which space is which: U+202F groups French digits, U+00A0
// ties a figure to its currency code.
const fr = (s: string) => s.replaceAll('_', NNBSP).replaceAll('~', NBSP);
const en = (s: string) => s.replaceAll('~', NBSP);

describe('amounts for the reader', () => {
  it('15188.25 EUR → fr 15 188,25 EUR, en 15,188.25 EUR', () => {
    expect(formatAmount('15188.25', 'EUR', 'fr')).toBe(fr('15_188,25~EUR'));
    expect(formatAmount('15188.25', 'EUR', 'en')).toBe(en('15,188.25~EUR'));
  });
  it('123450 JPY has no minor unit: no decimals', () => {
    expect(formatAmount('123450', 'JPY', 'fr')).toBe(fr('123_450~JPY'));
    expect(formatAmount('123450', 'JPY', 'en')).toBe(en('123,450~JPY'));
  });
  it('0.5 EUR is shown with the currency’s two decimals; 0.5 as a plain figure is left as it is', () => {
    expect(formatAmount('0.5', 'EUR', 'fr')).toBe(fr('0,50~EUR'));
    expect(formatAmount('0.5', 'EUR', 'en')).toBe(en('0.50~EUR'));
    expect(formatDecimal('0.5', 'fr')).toBe('0,5');
    expect(formatDecimal('0.5', 'en')).toBe('0.5');
  });
  it('negative amounts keep their sign in front', () => {
    expect(formatAmount('-1234.5', 'EUR', 'fr')).toBe(fr('-1_234,50~EUR'));
    expect(formatAmount('-1234.5', 'EUR', 'en')).toBe(en('-1,234.50~EUR'));
    expect(formatAmount('-0.00', 'EUR', 'en')).toBe(en('0.00~EUR'));
  });
  it('large: 1234567890.12 EUR, every digit kept', () => {
    expect(formatAmount('1234567890.12', 'EUR', 'fr')).toBe(fr('1_234_567_890,12~EUR'));
    expect(formatAmount('1234567890.12', 'EUR', 'en')).toBe(en('1,234,567,890.12~EUR'));
    expect(formatAmount('999999999999999999.99', 'EUR', 'en')).toBe(en('999,999,999,999,999,999.99~EUR'));
  });
  it('never rounds: a unit price with more decimals than the currency keeps them', () => {
    expect(formatAmount('101.255', 'EUR', 'fr')).toBe(fr('101,255~EUR'));
    expect(formatAmount('100', 'EUR', 'en')).toBe(en('100.00~EUR'));
    expect(formatAmount('3.125', 'BHD', 'en')).toBe(en('3.125~BHD'));
  });
  it('up to three digits are not grouped', () => {
    expect(formatDecimal('999', 'fr')).toBe('999');
    expect(formatDecimal('1000', 'fr')).toBe(fr('1_000'));
    expect(formatDecimal('0', 'en')).toBe('0');
  });
  it('refuses what is not a wire decimal string instead of guessing', () => {
    for (const bad of ['1e5', '+1', '1,5', ' 1', '', 'NaN', '01']) expect(() => formatDecimal(bad, 'en')).toThrow(/cannot format/);
  });
  it('agrees with the platform’s ICU on any decimal string (Intl formats strings exactly, no JS number involved)', () => {
    const decimalString = fc
      .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 18n - 1n }), fc.option(fc.stringMatching(/^[0-9]{1,12}$/), { nil: undefined }))
      .map(([neg, int, frac]) => `${neg && (int > 0n || (frac ?? '').replaceAll('0', '') !== '') ? '-' : ''}${int}${frac ? `.${frac}` : ''}`);
    fc.assert(
      fc.property(
        decimalString,
        fc.constantFrom(['fr', 'fr-FR'] as const, ['en', 'en-GB'] as const),
        fc.integer({ min: 0, max: 3 }),
        (value, [lang, locale], min) => {
          const intl = new Intl.NumberFormat(locale, { minimumFractionDigits: min, maximumFractionDigits: 20, useGrouping: true });
          expect(formatDecimal(value, lang, min)).toBe(intl.format(value as unknown as number));
        },
      ),
    );
  });
});

describe('dates for the reader', () => {
  it('fr 26/11/2026, en 26 Nov 2026', () => {
    expect(formatDate('2026-11-26', 'fr')).toBe('26/11/2026');
    expect(formatDate('2026-11-26', 'en')).toBe('26 Nov 2026');
    expect(formatDate('2026-03-05', 'en')).toBe('5 Mar 2026');
  });
  it('execution time is shown in UTC, whatever zone it came in', () => {
    expect(formatTimestampUtc('2026-11-26T10:15:02.123+01:00', 'fr')).toBe('26/11/2026 à 09:15:02 UTC');
    expect(formatTimestampUtc('2026-11-26T00:30:00+01:00', 'en')).toBe('25 Nov 2026 at 23:30:00 UTC');
  });
  it('refuses a date that does not exist', () => {
    expect(() => formatDate('2026-02-30', 'fr')).toThrow(/not an ISO date/);
  });
});
