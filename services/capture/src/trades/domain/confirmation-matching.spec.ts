import { describe, expect, it } from '@jest/globals';
import { confirmationAmount, confirmationDifferences } from './confirmation-matching.js';
import { tradeEconomics } from './trade-economics.js';
import { enrichment, message } from './trade-fixtures.spec-helper.js';

// Our SELL of 40 TotalEnergies at 250.10: gross 10004.00, settling 2026-11-30.
const trade = tradeEconomics(message, enrichment());
const tolerances = { price: '0.0001', amount: '1.00' };
const theirs = {
  confirmationId: 'ALPHA-CONF-1',
  counterparty: '529900COUNTERPTY0129',
  side: 'BUY',
  isin: 'FR0000120271',
  quantity: '40',
  price: '250.10',
  currency: 'EUR',
  tradeDate: '2026-11-26',
  settlementDate: '2026-11-30',
  settlementAmount: '10004.00',
};

describe('confirmation matching (DOMAIN.md §1)', () => {
  it('the confirmed amount is gross + accrued interest: 10004.00 + 0.00', () => {
    expect(confirmationAmount(trade)).toBe('10004.00');
  });

  it('the counterparty confirming the opposite side with the same figures matches', () => {
    expect(confirmationDifferences(trade, theirs, tolerances)).toEqual([]);
  });

  it('price and amount within tolerance match: 250.1000 vs 250.10009, 10004.00 vs 10004.99', () => {
    expect(confirmationDifferences(trade, { ...theirs, price: '250.10009', settlementAmount: '10004.99' }, tolerances)).toEqual([]);
  });

  it('names every differing field with both values at once', () => {
    const diffs = confirmationDifferences(
      trade,
      { ...theirs, side: 'SELL', quantity: '41', price: '250.20', settlementDate: '2026-12-01', settlementAmount: '10258.20' },
      tolerances,
    );
    expect(diffs).toEqual([
      { field: 'side', ours: 'BUY', theirs: 'SELL', rule: 'the counterparty of a SELL confirms a BUY' },
      { field: 'quantity', ours: '40', theirs: '41', rule: 'must be equal' },
      { field: 'price', ours: '250.10', theirs: '250.20', rule: 'differs by 0.1, tolerance 0.0001' },
      { field: 'settlementDate', ours: '2026-11-30', theirs: '2026-12-01', rule: 'must be equal' },
      { field: 'settlementAmount', ours: '10004.00', theirs: '10258.20', rule: 'differs by 254.2, tolerance 1.00' },
    ]);
  });

  it('another confirming party, ISIN, currency or trade date are each named', () => {
    const diffs = confirmationDifferences(
      trade,
      { ...theirs, counterparty: '213800COUNTERPTY0344', isin: 'FR0000131104', currency: 'USD', tradeDate: '2026-11-25' },
      tolerances,
    );
    expect(diffs.map((d) => [d.field, d.ours, d.theirs])).toEqual([
      ['counterparty', '529900COUNTERPTY0129', '213800COUNTERPTY0344'],
      ['isin', 'FR0000120271', 'FR0000131104'],
      ['currency', 'EUR', 'USD'],
      ['tradeDate', '2026-11-26', '2026-11-25'],
    ]);
  });

  it('a price given as a JSON number is a difference, not a crash', () => {
    expect(confirmationDifferences(trade, { ...theirs, price: 250.1 }, tolerances)).toEqual([
      { field: 'price', ours: '250.10', theirs: '250.1', rule: 'decimal string expected (not-a-string)' },
    ]);
  });
});
