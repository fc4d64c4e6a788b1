import { describe, expect, it } from '@jest/globals';
import { cashDailyRate, lmfpDirection, penaltyAmount, securitiesRate, sefpDirection } from './penalties.js';

describe('CSDR cash penalties', () => {
  it('rates by class: liquid share 1 bp, sovereign 0.10 bp, ETF 0.5 bp; none before CSDR', () => {
    expect(securitiesRate('LIQUID_SHARE', '2026-12-01')).toBe('0.0001');
    expect(securitiesRate('SOVEREIGN_DEBT', '2026-12-01')).toBe('0.00001');
    expect(securitiesRate('OTHER', '2026-12-01')).toBe('0.00005');
    expect(() => securitiesRate('LIQUID_SHARE', '2021-01-01')).toThrow(/no CSDR penalty rate/);
  });
  it('a later effective row takes over from its date only', () => {
    const table = [
      { from: '2022-02-01', rates: { LIQUID_SHARE: '0.0001' } },
      { from: '2027-01-01', rates: { LIQUID_SHARE: '0.0002' } },
    ] as never;
    expect(securitiesRate('LIQUID_SHARE', '2026-12-31', table)).toBe('0.0001');
    expect(securitiesRate('LIQUID_SHARE', '2027-01-01', table)).toBe('0.0002');
  });
  it('150 shares × 58.50 EUR × 1 bp = 0.8775 → 0.88 EUR (half-up)', () => {
    expect(penaltyAmount('150', '58.50', 'UNIT', '0.0001', 'EUR')).toBe('0.88');
  });
  it('a bond: 1,000,000 nominal at 99.50 % × 0.10 bp = 9.95 EUR', () => {
    expect(penaltyAmount('1000000', '99.50', 'PERCENT', '0.00001', 'EUR')).toBe('9.95');
  });
  it('a cash fail: 2.40 % a year → 0.0000657534 a day; on 8,784.53 EUR → 0.58 EUR; a negative rate is floored at 0', () => {
    expect(cashDailyRate('0.024')).toBe('0.0000657534');
    // 8784.53 × 0.0000657534 = 0.57761... → 0.58
    expect(penaltyAmount('8784.53', '1', 'UNIT', cashDailyRate('0.024'), 'EUR')).toBe('0.58');
    expect(cashDailyRate('-0.005')).toBe('0');
  });
  it('direction: LACK/MONY payable, CLAC/CMON receivable; late matching with CMIS receivable', () => {
    expect([sefpDirection('LACK'), sefpDirection('MONY'), sefpDirection('CLAC'), sefpDirection('CMON')]).toEqual([
      'PAYABLE',
      'PAYABLE',
      'RECEIVABLE',
      'RECEIVABLE',
    ]);
    expect([lmfpDirection('CMIS'), lmfpDirection('DMON')]).toEqual(['RECEIVABLE', 'PAYABLE']);
  });
});
