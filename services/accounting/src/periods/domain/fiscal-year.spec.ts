import { describe, expect, it } from '@jest/globals';
import { fecFileName, fecPeriod, fiscalYearClosingIn, fiscalYearOf, isSiren, isYearEnd } from './fiscal-year.js';

describe('the SIREN and the fiscal year that name the FEC', () => {
  it('a SIREN is 9 digits passing the Luhn check: 123456782 (1+4+3+8+5+12→3+7+16→7+2 = 40) passes, 123456789 does not', () => {
    expect(isSiren('123456782')).toBe(true);
    expect(isSiren('732829320')).toBe(true);
    expect(isSiren('123456789')).toBe(false);
    expect(isSiren('000000000')).toBe(false);
    expect(isSiren('12345678')).toBe(false);
    expect(isSiren('12345678a')).toBe(false);
  });
  it('the closing day is MM-DD of a day every year has', () => {
    expect(['12-31', '06-30', '02-28'].map(isYearEnd)).toEqual([true, true, true]);
    expect(['02-29', '04-31', '13-01', '00-10', '1231', '12-31x'].map(isYearEnd)).toEqual([false, false, false, false, false, false]);
  });
  it('a fiscal year is named by the year its closing day falls in', () => {
    expect(fiscalYearClosingIn(2026, '12-31')).toEqual({ start: '2026-01-01', end: '2026-12-31' });
    expect(fiscalYearClosingIn(2026, '06-30')).toEqual({ start: '2025-07-01', end: '2026-06-30' });
    expect(fiscalYearClosingIn(2024, '02-28')).toEqual({ start: '2023-03-01', end: '2024-02-28' });
    expect(fiscalYearOf('2026-07-01', '06-30')).toEqual({ start: '2026-07-01', end: '2027-06-30' });
    expect(fiscalYearOf('2026-06-30', '06-30')).toEqual({ start: '2025-07-01', end: '2026-06-30' });
    // A leap day belongs to the year that closes on the next 28 February.
    expect(fiscalYearOf('2024-02-29', '02-28')).toEqual({ start: '2024-02-29', end: '2025-02-28' });
  });
  it('the file is <SIREN>FEC<closing date>.txt, whatever the period asked', () => {
    expect(fecFileName('123456782', fiscalYearClosingIn(2026, '12-31'))).toBe('123456782FEC20261231.txt');
    expect(fecFileName('123456782', fiscalYearClosingIn(2026, '06-30'))).toBe('123456782FEC20260630.txt');
  });
  it('a request covers a fiscal year or a period inside one', () => {
    const fy = { start: '2026-01-01', end: '2026-12-31' };
    expect(fecPeriod({ fiscalYear: '2026' }, '12-31')).toEqual({ ok: true, fy, from: '2026-01-01', to: '2026-12-31' });
    expect(fecPeriod({ fiscalYear: '2026', to: '2026-03-31' }, '12-31')).toEqual({ ok: true, fy, from: '2026-01-01', to: '2026-03-31' });
    expect(fecPeriod({ from: '2026-11-01', to: '2026-11-30' }, '12-31')).toEqual({ ok: true, fy, from: '2026-11-01', to: '2026-11-30' });
    expect(fecPeriod({ from: '2026-11-01', to: '2027-01-31' }, '12-31')).toEqual({ ok: false, error: 'a FEC covers one fiscal year: 2026-11-01 to 2027-01-31 is not inside 2026-01-01 to 2026-12-31' });
    expect(fecPeriod({ fiscalYear: '2026', from: '2025-12-01' }, '12-31').ok).toBe(false);
    expect(fecPeriod({ from: '2026-11-30', to: '2026-11-01' }, '12-31')).toEqual({ ok: false, error: 'from ≤ to' });
    expect(fecPeriod({ to: '2026-11-01' }, '12-31').ok).toBe(false);
    expect(fecPeriod({ fiscalYear: '26' }, '12-31').ok).toBe(false);
  });
});
