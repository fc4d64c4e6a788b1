import { describe, expect, it } from '@jest/globals';
import { Dec, TARGET } from '@postera/kernel';
import { isSettlementFailDay, lateMatchingDays, penaltyDaysOfAdvice } from './late-matching.js';
import { penaltyAmount, securitiesRate } from './penalties.js';

// 1,000 TotalEnergies shares (a liquid share: 1 bp a day), intended for Mon 2 Nov 2026. The reference
// price of each day is that day's closing price.
const ISD = '2026-11-02';
const PRICES: Record<string, string> = {
  '2026-11-02': '58.12',
  '2026-11-03': '58.40',
  '2026-11-04': '57.95',
  '2026-11-05': '58.30',
  '2026-11-06': '58.71',
};
const amountOn = (day: string) => penaltyAmount('1000', PRICES[day]!, 'UNIT', securitiesRate('LIQUID_SHARE', day), 'EUR');

describe('late matching (LMFP): from the intended date up to the day before matching', () => {
  it('intended Mon 2 Nov, matched Thu 5 Nov: LMFP for 2, 3 and 4 Nov, each at its own price × 1 bp, 17.45 EUR in all', () => {
    const days = lateMatchingDays(ISD, '2026-11-05', TARGET);
    expect(days).toEqual(['2026-11-02', '2026-11-03', '2026-11-04']);
    // 1,000 × 58.12 × 0.0001 = 5.812 → 5.81; 1,000 × 58.40 × 0.0001 = 5.84; 1,000 × 57.95 × 0.0001 = 5.795 → 5.80 (half-up).
    expect(days.map(amountOn)).toEqual(['5.81', '5.84', '5.80']); // the amount in the currency's minor units
    // 5.81 + 5.84 + 5.80 = 17.45
    expect(days.reduce((s, d) => s.plus(amountOn(d)), new Dec(0)).toFixed(2)).toBe('17.45');
  });

  it('matched on or before the intended date: no LMFP; matched the next business day: the intended date alone', () => {
    expect(lateMatchingDays(ISD, '2026-11-02', TARGET)).toEqual([]);
    expect(lateMatchingDays(ISD, '2026-10-29', TARGET)).toEqual([]);
    expect(lateMatchingDays(ISD, '2026-11-03', TARGET)).toEqual(['2026-11-02']);
  });

  it('across a weekend: intended Fri 6 Nov, matched Tue 10 Nov → Fri 6 and Mon 9 Nov, not Sat 7 or Sun 8', () => {
    expect(lateMatchingDays('2026-11-06', '2026-11-10', TARGET)).toEqual(['2026-11-06', '2026-11-09']);
  });

  it('across Christmas (TARGET closed on 25 and 26 Dec): intended Thu 24 Dec, matched Mon 28 Dec → 24 Dec only; matched Tue 29 Dec → 24 and 28 Dec', () => {
    expect(lateMatchingDays('2026-12-24', '2026-12-28', TARGET)).toEqual(['2026-12-24']);
    expect(lateMatchingDays('2026-12-24', '2026-12-29', TARGET)).toEqual(['2026-12-24', '2026-12-28']);
  });

  it('an intended date on a closing day counts from the next business day: intended Sat 7 Nov, matched Wed 11 Nov → 9 and 10 Nov', () => {
    expect(lateMatchingDays('2026-11-07', '2026-11-11', TARGET)).toEqual(['2026-11-09', '2026-11-10']);
  });
});

describe('one instruction, advice by advice: LMFP before the matching date, SEFP from it, never both for a day', () => {
  it('matched Thu 5 Nov (intended Mon 2 Nov), then failing on 5 and 6 Nov: LMFP 2, 3, 4 Nov (17.45 EUR); SEFP 5 and 6 Nov (5.83 + 5.87 = 11.70 EUR)', () => {
    const unmatched = { intendedSettlementDate: ISD, matchedDate: null };
    const matching = penaltyDaysOfAdvice(unmatched, { matchedOn: '2026-11-05', failedOn: null }, TARGET);
    expect(matching).toEqual({ lmfp: ['2026-11-02', '2026-11-03', '2026-11-04'], sefp: null });

    const matched = { intendedSettlementDate: ISD, matchedDate: '2026-11-05' };
    const fail5 = penaltyDaysOfAdvice(matched, { matchedOn: null, failedOn: '2026-11-05' }, TARGET);
    const fail6 = penaltyDaysOfAdvice(matched, { matchedOn: null, failedOn: '2026-11-06' }, TARGET);
    expect([fail5, fail6]).toEqual([
      { lmfp: [], sefp: '2026-11-05' },
      { lmfp: [], sefp: '2026-11-06' },
    ]);
    // 1,000 × 58.30 × 0.0001 = 5.83; 1,000 × 58.71 × 0.0001 = 5.871 → 5.87.
    expect(['2026-11-05', '2026-11-06'].map(amountOn)).toEqual(['5.83', '5.87']);

    const lmfp = matching.lmfp;
    const sefp = [fail5.sefp!, fail6.sefp!];
    expect(lmfp.filter((d) => sefp.includes(d))).toEqual([]);
    // Five business days charged once each: 17.45 LMFP + 11.70 SEFP = 29.15 EUR.
    expect([...lmfp, ...sefp].reduce((s, d) => s.plus(amountOn(d)), new Dec(0)).toFixed(2)).toBe('29.15');
  });

  it('a re-delivered MACH on an instruction already matched brings no LMFP day again', () => {
    expect(penaltyDaysOfAdvice({ intendedSettlementDate: ISD, matchedDate: '2026-11-05' }, { matchedOn: '2026-11-05', failedOn: null }, TARGET)).toEqual({
      lmfp: [],
      sefp: null,
    });
  });

  it('a fail dated before the matching date (an out-of-order advice) is no SEFP: that day is late matching’s', () => {
    expect(penaltyDaysOfAdvice({ intendedSettlementDate: ISD, matchedDate: '2026-11-05' }, { matchedOn: null, failedOn: '2026-11-04' }, TARGET)).toEqual({
      lmfp: [],
      sefp: null,
    });
  });

  it('one advice matched and failing on Thu 5 Nov (T2S: matched, settlement pending past the date): LMFP 2–4 Nov and SEFP 5 Nov', () => {
    expect(penaltyDaysOfAdvice({ intendedSettlementDate: ISD, matchedDate: null }, { matchedOn: '2026-11-05', failedOn: '2026-11-05' }, TARGET)).toEqual({
      lmfp: ['2026-11-02', '2026-11-03', '2026-11-04'],
      sefp: '2026-11-05',
    });
  });

  it('matched on time: a fail from the intended date on is an SEFP; one before it is none', () => {
    expect(isSettlementFailDay('2026-11-02', ISD, '2026-10-29')).toBe(true);
    expect(isSettlementFailDay('2026-10-30', ISD, '2026-10-29')).toBe(false);
    // No matching date known (matched before settlement kept it): from the intended date on.
    expect(isSettlementFailDay('2026-11-03', ISD, null)).toBe(true);
  });
});
