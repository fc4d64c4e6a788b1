import { describe, expect, it } from '@jest/globals';
import { formatAmount, formatDate, formatRate, formatTimestamp } from './format';

// Worked examples, the figures written out. U+202F (narrow no-break space) is how fr-FR groups
// thousands and separates the euro sign.
describe('amounts, dates and rates as the locale writes them, from decimal strings', () => {
  it('an amount past what a binary double holds keeps every digit', () => {
    expect(formatAmount('12345678901234567.89', 'en-GB', 'EUR')).toBe('€12,345,678,901,234,567.89');
    // As a JS number it would have become 12345678901234568.
    expect(formatAmount('9007199254740993.01', 'en-GB')).toBe('9,007,199,254,740,993.01');
  });

  it('French writes 1 234,50 € and keeps the decimals the amount has beyond two', () => {
    expect(formatAmount('1234.5', 'fr-FR', 'EUR')).toBe('1\u202f234,50\u00a0€');
    expect(formatAmount('0.123456', 'fr-FR', 'USD')).toBe('0,123456\u00a0$US');
    expect(formatAmount('-250', 'en-GB', 'USD')).toBe('-US$250.00');
  });

  it('what is not a decimal string is shown as it came', () => {
    expect(formatAmount('n/a', 'en-GB', 'EUR')).toBe('n/a');
  });

  it('a business date is the calendar day whatever the time zone; a fraction is a percentage', () => {
    expect(formatDate('2026-11-26', 'fr-FR')).toBe('26 novembre 2026');
    expect(formatDate('2026-11-26', 'en-GB')).toBe('26 November 2026');
    expect(formatRate('0.9735', 'en-GB')).toBe('97.35%');
    expect(formatRate('0.9735', 'fr-FR')).toBe('97,35\u00a0%');
  });

  it('a moment is the short date and the time to the second where the browser is; what is no timestamp is shown as it came', () => {
    expect(formatTimestamp('2026-12-07T09:15:30.250Z', 'fr-FR', 'Europe/Paris')).toBe('07/12/2026 10:15:30');
    expect(formatTimestamp('2026-07-01T23:59:59+02:00', 'en-GB', 'Europe/London')).toBe('01/07/2026, 22:59:59');
    expect(formatTimestamp('not yet', 'fr-FR')).toBe('not yet');
  });
});
