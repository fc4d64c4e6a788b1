import { describe, expect, it } from '@jest/globals';
import { parseCamt053, parseSemt002, parseSese024, parseSese025, renderCamt053, renderSemt002, renderSese024, renderSese025 } from '@postera/iso20022';
import { closingPrice } from './prices.js';

describe('what the simulated CSD writes is read back by the code that consumes it', () => {
  it('sese.024: a fail with its reason and day; an unmatched one with DMON; an acceptance without reason', () => {
    expect(parseSese024(renderSese024({ transactionId: 'abc', status: 'PEND', reason: 'CLAC', statusDate: '2026-12-01' }))).toEqual({
      transactionId: 'abc',
      status: 'PEND',
      reason: 'CLAC',
      statusDate: '2026-12-01',
    });
    expect(parseSese024(renderSese024({ transactionId: 'abc', status: 'NMAT', reason: 'DMON', statusDate: null })).reason).toBe('DMON');
    expect(parseSese024(renderSese024({ transactionId: 'abc', status: 'PACK', reason: null, statusDate: null }))).toMatchObject({
      status: 'PACK',
      reason: null,
    });
  });
  it('sese.025: a partial step of 60 of 150, 3,513.81 EUR paid, 90 remaining', () => {
    const c = {
      transactionId: 'abc',
      movement: 'RECE' as const,
      payment: 'APMT' as const,
      isin: 'FR0000120271',
      effectiveSettlementDate: '2026-11-30',
      quantityType: 'UNIT' as const,
      settledQuantity: '60',
      remainingQuantity: '90',
      settledAmount: { amount: '3513.81', currency: 'EUR', creditDebit: 'DBIT' as const },
      partialSettlement: 'PAIN' as const,
    };
    expect(parseSese025(renderSese025(c))).toEqual(c);
  });
  it('semt.002 and camt.053: balances and signed entries survive the round trip (debits negative, "100.00" stays "100.00")', () => {
    const h = {
      statementId: 's1',
      statementDate: '2026-11-30',
      safekeepingAccount: 'EF-10003',
      basis: 'SETT' as const,
      holdings: [{ isin: 'FR0000120271', quantity: '-50' }],
    };
    expect(parseSemt002(renderSemt002(h))).toEqual(h);
    const c = {
      messageId: 'm1',
      statementId: 's2',
      cashAccount: 'CASH-CLI-0003-EUR',
      currency: 'EUR',
      statementDate: '2026-11-30',
      openingBalance: '100.00',
      closingBalance: '-8684.53',
      entries: [{ entryRef: 'e1', amount: '-8784.53', valueDate: '2026-11-30', tradeRef: 'FO-EQ:1' }],
    };
    expect(parseCamt053(renderCamt053(c))).toEqual(c);
  });
  it('closing prices are deterministic for a seed; volatility 0 keeps the base', () => {
    expect(closingPrice('s', 'FR0000120271', '2026-11-30', '58.50', 0.02)).toBe(closingPrice('s', 'FR0000120271', '2026-11-30', '58.50', 0.02));
    expect(closingPrice('s', 'FR0000120271', '2026-11-30', '58.50', 0)).toBe('58.5000');
    const p = Number(closingPrice('s', 'FR0000120271', '2026-12-01', '58.50', 0.02));
    expect(p).toBeGreaterThanOrEqual(58.5 * 0.98);
    expect(p).toBeLessThanOrEqual(58.5 * 1.02);
  });
});
