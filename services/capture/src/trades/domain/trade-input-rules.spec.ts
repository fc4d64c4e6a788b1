import { describe, expect, it } from '@jest/globals';
import { inputProblems } from './trade-input-rules.js';
import { message } from './trade-fixtures.spec-helper.js';

const valid = message as unknown as Record<string, unknown>;
const rulesOf = (m: Record<string, unknown>) => inputProblems(m).map((p) => `${p.field}: ${p.rule}`);

describe('input contract rules (DESIGN.md §4) — one worked example that breaks each', () => {
  it('the valid message breaks none', () => {
    expect(inputProblems(valid)).toEqual([]);
  });

  it.each([
    ['schemaVersion', { schemaVersion: 2 }, 'schemaVersion: only schemaVersion 1 is supported'],
    ['sourceSystem', { sourceSystem: 'fo eq' }, 'sourceSystem: must match [A-Z0-9-]{1,32}'],
    ['tradeId', { tradeId: 'x'.repeat(65) }, 'tradeId: string of 1 to 64 characters'],
    ['version 0', { version: 0 }, 'version: integer from 1 to 2147483647'],
    ['version "2"', { version: '2' }, 'version: integer from 1 to 2147483647'],
    ['version 2^31 (beyond a Postgres integer)', { version: 2147483648 }, 'version: integer from 1 to 2147483647'],
    ['action', { action: 'MODIFY' }, 'action: one of NEW, AMEND, CANCEL'],
    ['executedAt without a zone', { executedAt: '2026-11-26T10:00:00' }, 'executedAt: ISO 8601 timestamp with zone'],
    ['tradeDate 31 Nov', { tradeDate: '2026-11-31' }, 'tradeDate: ISO date YYYY-MM-DD from 2000-01-01 to 2099-12-31'],
    ['tradeDate 9999-12-31', { tradeDate: '9999-12-31', settlementDate: undefined }, 'tradeDate: ISO date YYYY-MM-DD from 2000-01-01 to 2099-12-31'],
    ['executedAt in year 0000', { executedAt: '0000-01-01T00:00:00Z' }, 'executedAt: ISO 8601 timestamp with zone'],
    ['executedAt with a +23:59 zone', { executedAt: '2026-11-26T10:00:00+23:59' }, 'executedAt: ISO 8601 timestamp with zone'],
    ['side', { side: 'SHORT' }, 'side: one of BUY, SELL'],
    ['ISIN check digit FR0000120272', { isin: 'FR0000120272' }, 'isin: ISIN (ISO 6166) with a valid check digit'],
    ['quantity as a JSON number', { quantity: 40 }, 'quantity: decimal string expected (not-a-string)'],
    ['quantity with an exponent', { quantity: '4e1' }, 'quantity: decimal string expected (not-a-decimal-string)'],
    ['quantity 0', { quantity: '0' }, 'quantity: must be greater than 0'],
    ['price negative', { price: '-250.10' }, 'price: must be greater than 0'],
    ['price with 13 decimals', { price: '250.1000000000001' }, 'price: decimal string expected (scale-too-large)'],
    ['price with 19 integer digits', { price: '1234567890123456789' }, 'price: decimal string expected (too-large)'],
    ['priceType', { priceType: 'YIELD' }, 'priceType: one of UNIT, PERCENT'],
    ['currency', { currency: 'EUR1', fees: undefined }, 'currency: ISO 4217 currency known to Postera'],
    ['venue', { venue: 'paris' }, 'venue: ISO 10383 MIC (4 characters, XOFF off venue)'],
    ['LEI check digits 529900COUNTERPTY0128', { counterparty: '529900COUNTERPTY0128' }, 'counterparty: LEI (ISO 17442) with valid check digits'],
    ['capacity', { capacity: 'PRINCIPAL' }, 'capacity: one of AOTC, DEAL, MTCH'],
    ['orderType', { orderType: 'ICEBERG' }, 'orderType: one of MARKET, LIMIT, STOP, OTHER'],
    ['trader', { trader: 't'.repeat(65) }, 'trader: string of at most 64 characters'],
    ['venueTransactionId', { venueTransactionId: 'v'.repeat(53) }, 'venueTransactionId: string of at most 52 characters'],
    ['settlementDate before tradeDate', { settlementDate: '2026-11-25' }, 'settlementDate: must not be before tradeDate 2026-11-26'],
    ['fee in another currency', { fees: [{ type: 'COMMISSION', amount: '3.00', currency: 'USD' }] }, 'fees[0].currency: must be the trade currency EUR'],
    ['fee negative', { fees: [{ type: 'COMMISSION', amount: '-3.00', currency: 'EUR' }] }, 'fees[0].amount: must not be negative'],
    [
      'fee of a fraction of a cent',
      { fees: [{ type: 'COMMISSION', amount: '8.785', currency: 'EUR' }] },
      'fees[0].amount: at most 2 decimals (the minor unit of EUR)',
    ],
    ['fees not an array', { fees: 'COMMISSION 3.00' }, 'fees: array of at most 20 fees'],
  ])('%s', (_label, change, rule) => {
    expect(rulesOf({ ...valid, ...change })).toEqual([rule]);
  });

  it('every required field missing is named', () => {
    expect(rulesOf({})).toEqual(
      [
        'messageId',
        'sourceSystem',
        'tradeId',
        'version',
        'action',
        'executedAt',
        'tradeDate',
        'side',
        'isin',
        'quantity',
        'price',
        'priceType',
        'currency',
        'venue',
        'account',
        'counterparty',
        'capacity',
      ].map((f) => `${f}: required`),
    );
  });

  it('a message breaking six rules gets all six in one exception, with the values received', () => {
    const problems = inputProblems({
      ...valid,
      fees: undefined,
      isin: 'FR0000120272',
      quantity: 40,
      price: '0',
      currency: 'XXX1',
      side: 'B',
      counterparty: 'NOTALEI',
    });
    expect(problems.map((p) => [p.field, p.value])).toEqual([
      ['side', 'B'],
      ['isin', 'FR0000120272'],
      ['quantity', 40],
      ['price', '0'],
      ['currency', 'XXX1'],
      ['counterparty', 'NOTALEI'],
    ]);
  });
});
