import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { dec, parseDecimalString } from './decimal.js';
import { amountAtLeastMinorUnits, amountText, grossAmount, roundToMinor } from './money.js';

describe('gross amount', () => {
  it('shares: 150 × 101.255 EUR = 15188.25 EUR', () => {
    expect(grossAmount(dec('150'), dec('101.255'), 'UNIT', 'EUR').toFixed(2)).toBe('15188.25');
  });
  it('shares: 3 × 33.335 EUR = 100.005, half-up to 100.01', () => {
    expect(grossAmount(dec('3'), dec('33.335'), 'UNIT', 'EUR').toFixed(2)).toBe('100.01');
  });
  it('bonds: nominal 250000 at 99.875% = 249687.50 EUR', () => {
    expect(grossAmount(dec('250000'), dec('99.875'), 'PERCENT', 'EUR').toFixed(2)).toBe('249687.50');
  });
  it('JPY has no minor unit: 100 × 1234.5 = 123450 JPY, 3 × 0.5 = 1.5 → 2 JPY', () => {
    expect(grossAmount(dec('100'), dec('1234.5'), 'UNIT', 'JPY').toFixed()).toBe('123450');
    expect(grossAmount(dec('3'), dec('0.5'), 'UNIT', 'JPY').toFixed()).toBe('2');
  });
  it('0.1 + 0.2 is exactly 0.3 (never a JS number)', () => {
    expect(dec('0.1').plus(dec('0.2')).toFixed()).toBe('0.3');
  });
  it('rounding half-even vs half-up on 2.345 EUR', () => {
    expect(roundToMinor(dec('2.345'), 'EUR', 'HALF_EVEN').toFixed(2)).toBe('2.34');
    expect(roundToMinor(dec('2.345'), 'EUR', 'HALF_UP').toFixed(2)).toBe('2.35');
  });
  it('rounded amount is never more than half a minor unit away (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 15n }), fc.integer({ min: 0, max: 8 }), (units, scale) => {
        const amount = dec(units.toString()).div(dec('10').pow(scale));
        const rounded = roundToMinor(amount, 'EUR', 'HALF_UP');
        expect(rounded.minus(amount).abs().lte('0.005')).toBe(true);
      }),
    );
  });
});

describe('decimal strings on the wire', () => {
  it.each(['1', '0.5', '101.255', '-3.10', '0'])('accepts %s', (s) => {
    expect(parseDecimalString(s).ok).toBe(true);
  });
  it.each([
    [1.5, 'not-a-string'],
    ['1e5', 'not-a-decimal-string'],
    ['+1', 'not-a-decimal-string'],
    [' 1', 'not-a-decimal-string'],
    ['01.5', 'not-a-decimal-string'],
    ['1.', 'not-a-decimal-string'],
    ['0.1234567890123', 'scale-too-large'],
    ['1234567890123456789', 'too-large'],
  ])('refuses %p as %s', (s, problem) => {
    expect(parseDecimalString(s)).toEqual({ ok: false, problem });
  });
});

describe("an amount in its one written form: the currency's minor units, never rounded", () => {
  it.each([
    ['8775', 'EUR', '8775.00'],
    ['0', 'EUR', '0.00'],
    ['-12.5', 'EUR', '-12.50'],
    ['8783.78', 'USD', '8783.78'],
    ['25.0', 'EUR', '25.00'],
    ['-0', 'EUR', '0.00'],
    ['100', 'JPY', '100'],
    ['100.000', 'JPY', '100'],
    ['1.5', 'BHD', '1.500'],
  ])('%s %s is written %s', (amount, currency, written) => {
    expect(amountText(amount, currency)).toBe(written);
  });
  it('takes a Decimal as well: 8775 + 8.78 EUR → 8783.78', () => {
    expect(amountText(dec('8775').plus(dec('8.78')), 'EUR')).toBe('8783.78');
  });
  it('refuses an amount finer than the minor unit rather than rounding it: 1.005 EUR, 100.5 JPY', () => {
    expect(() => amountText('1.005', 'EUR')).toThrow('1.005 EUR has more decimals than the 2 of EUR');
    expect(() => amountText('100.5', 'JPY')).toThrow('100.5 JPY has more decimals than the 0 of JPY');
  });
  it('refuses a currency it does not know', () => {
    expect(() => amountText('1', 'XXX')).toThrow('unknown currency XXX');
  });
});

describe('amountAtLeastMinorUnits: at least the minor units, never rounded', () => {
  it.each([
    ['8.5', 'EUR', '8.50'],
    ['8775', 'EUR', '8775.00'],
    ['8.785', 'EUR', '8.785'],
    ['100', 'JPY', '100'],
    ['100.5', 'JPY', '100.5'],
  ])('%s %s → %s', (amount, currency, written) => {
    expect(amountAtLeastMinorUnits(amount, currency)).toBe(written);
  });
});
