import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  accruedInterest,
  dayCountDays,
  nextCouponDate,
  previousCouponDate,
  type AccrualTerms,
  type CouponFrequency,
  type DayCount,
} from './accrued-interest.js';
import { addDays } from './dates.js';
import { dec } from './decimal.js';
import { roundToMinor } from './money.js';

describe('coupon schedule, stepped back from maturity', () => {
  const annual15Jun = { maturityDate: '2030-06-15', couponFrequency: 1 as const };
  it('annual 15 Jun: previous 15 Jun 2026, next 15 Jun 2027 for 27 Nov 2026', () => {
    expect(previousCouponDate(annual15Jun, '2026-11-27')).toBe('2026-06-15');
    expect(nextCouponDate(annual15Jun, '2026-11-27')).toBe('2027-06-15');
  });
  it('a date on a coupon date is its own previous coupon; the next one is a period later', () => {
    expect(previousCouponDate(annual15Jun, '2026-06-15')).toBe('2026-06-15');
    expect(nextCouponDate(annual15Jun, '2026-06-15')).toBe('2027-06-15');
    expect(previousCouponDate(annual15Jun, '2026-06-14')).toBe('2025-06-15');
  });
  it('a maturity on 31 Aug puts the February coupon on the last day of February: 29 Feb in 2028, 28 Feb in 2027', () => {
    const aug31 = { maturityDate: '2031-08-31', couponFrequency: 2 as const };
    expect(previousCouponDate(aug31, '2028-03-15')).toBe('2028-02-29');
    expect(nextCouponDate(aug31, '2028-03-15')).toBe('2028-08-31');
    expect(previousCouponDate(aug31, '2027-03-15')).toBe('2027-02-28');
  });
  it('end-of-month rule: a maturity on 30 Jun (its last day) pays on 31 Dec, one on 28 Feb 2031 pays on 31 Aug', () => {
    expect(previousCouponDate({ maturityDate: '2030-06-30', couponFrequency: 2 }, '2027-01-15')).toBe('2026-12-31');
    expect(nextCouponDate({ maturityDate: '2031-02-28', couponFrequency: 2 }, '2027-03-15')).toBe('2027-08-31');
    // 28 Feb 2031 is month end; its coupon of 2028 is 29 Feb, the last day of a leap February.
    expect(previousCouponDate({ maturityDate: '2031-02-28', couponFrequency: 2 }, '2028-03-01')).toBe('2028-02-29');
  });
  it('a maturity on the 30th (not month end) is clipped to 28 Feb but not dragged: the next coupon is 30 Aug', () => {
    const day30 = { maturityDate: '2031-08-30', couponFrequency: 2 as const };
    expect(previousCouponDate(day30, '2027-03-01')).toBe('2027-02-28');
    expect(nextCouponDate(day30, '2027-03-01')).toBe('2027-08-30');
  });
  it('monthly and quarterly schedules', () => {
    expect(previousCouponDate({ maturityDate: '2029-03-20', couponFrequency: 4 }, '2026-11-27')).toBe('2026-09-20');
    expect(nextCouponDate({ maturityDate: '2029-03-20', couponFrequency: 4 }, '2026-11-27')).toBe('2026-12-20');
    expect(previousCouponDate({ maturityDate: '2029-01-31', couponFrequency: 12 }, '2026-03-15')).toBe('2026-02-28');
    expect(nextCouponDate({ maturityDate: '2029-01-31', couponFrequency: 12 }, '2026-03-15')).toBe('2026-03-31');
  });
  it('there is no coupon after maturity', () => {
    expect(() => nextCouponDate(annual15Jun, '2030-06-15')).toThrow('no coupon after 2030-06-15');
  });
});

describe('day counts with 31st-of-month dates', () => {
  it('28 Feb → 31 Aug 2026: ACT 184, 30E/360 182 (31 → 30), 30/360 183 (D2 = 31 kept because D1 = 28 < 30)', () => {
    // Actual: Feb 28 → Mar 31 = 31, + Apr 30, May 31, Jun 30, Jul 31, Aug 31 = 184.
    // 30E/360: 360×0 + 30×6 + (30 − 28) = 182. 30/360: 30×6 + (31 − 28) = 183.
    expect(dayCountDays('ACT/360', '2026-02-28', '2026-08-31')).toBe(184);
    expect(dayCountDays('30E/360', '2026-02-28', '2026-08-31')).toBe(182);
    expect(dayCountDays('30/360', '2026-02-28', '2026-08-31')).toBe(183);
  });
  it('31 Jan → 31 Mar 2026: both 30 conventions give 60 (D1 = 31 → 30, then D2 = 31 → 30)', () => {
    expect(dayCountDays('30E/360', '2026-01-31', '2026-03-31')).toBe(60);
    expect(dayCountDays('30/360', '2026-01-31', '2026-03-31')).toBe(60);
    expect(dayCountDays('ACT/365F', '2026-01-31', '2026-03-31')).toBe(59);
  });
});

describe('accrued interest, worked examples', () => {
  const eur35Annual: AccrualTerms = {
    nominal: '100000',
    couponRate: '3.5',
    couponFrequency: 1,
    dayCount: 'ACT/ACT-ICMA',
    maturityDate: '2030-06-15',
    currency: 'EUR',
  };

  it('100000 EUR 3.5 % annual ACT/ACT-ICMA, settlement 27 Nov 2026: 165/365 of the coupon = 1582.19 EUR', () => {
    // Days 15 Jun → 27 Nov 2026: 15 (June) + 31 + 31 + 30 + 31 + 27 = 165; period 15 Jun 2026 → 15 Jun 2027 = 365.
    // 100000 × 0.035 × 165 / (1 × 365) = 577500 / 365 = 1582.19178082… → 1582.19.
    const ai = accruedInterest(eur35Annual, '2026-11-27');
    expect(ai.previousCoupon).toBe('2026-06-15');
    expect(ai.nextCoupon).toBe('2027-06-15');
    expect(ai.days).toBe(165);
    expect(ai.fraction.toFixed(12)).toBe('0.452054794521'); // 165/365 = 33/73 = 0.45205479452054…
    expect(ai.fraction.eq(dec('33').div(73))).toBe(true); // full precision kept, not rounded to the cent
    expect(ai.amount.toFixed(2)).toBe('1582.19');
  });

  it('settlement on a coupon date accrues 0.00', () => {
    const ai = accruedInterest(eur35Annual, '2026-06-15');
    expect(ai.days).toBe(0);
    expect(ai.amount.toFixed(2)).toBe('0.00');
    expect(ai.nextCoupon).toBe('2027-06-15');
  });

  const usd4Annual15May = { nominal: '1000000', couponRate: '4', couponFrequency: 1 as const, maturityDate: '2030-05-15', currency: 'USD' };
  it('30E/360 vs 30/360, 1 000 000 USD 4 % annual from 15 May to 31 Aug 2026: 105 days 11666.67 vs 106 days 11777.78', () => {
    // 30E/360: 30×3 + (30 − 15) = 105; 1000000 × 0.04 × 105/360 = 4200000/360 = 11666.666… → 11666.67.
    // 30/360:  30×3 + (31 − 15) = 106 (D1 = 15 < 30, so the 31st stays); 4240000/360 = 11777.777… → 11777.78.
    const e = accruedInterest({ ...usd4Annual15May, dayCount: '30E/360' }, '2026-08-31');
    const us = accruedInterest({ ...usd4Annual15May, dayCount: '30/360' }, '2026-08-31');
    expect([e.days, e.amount.toFixed(2)]).toEqual([105, '11666.67']);
    expect([us.days, us.amount.toFixed(2)]).toEqual([106, '11777.78']);
    // Actual days for comparison: 16 (May) + 30 + 31 + 31 = 108.
    expect(accruedInterest({ ...usd4Annual15May, dayCount: 'ACT/360' }, '2026-08-31').days).toBe(108);
  });

  const usd5Quarterly = { nominal: '5000000', couponRate: '5', couponFrequency: 4 as const, maturityDate: '2029-03-20', currency: 'USD' };
  it('ACT/360, 5 000 000 USD 5 % quarterly, settlement 27 Nov 2026: 68 days from 20 Sep = 47222.22 USD', () => {
    // 20 Sep → 27 Nov: 10 + 31 + 27 = 68; 5000000 × 0.05 × 68/360 = 17000000/360 = 47222.222… → 47222.22.
    const ai = accruedInterest({ ...usd5Quarterly, dayCount: 'ACT/360' }, '2026-11-27');
    expect([ai.previousCoupon, ai.nextCoupon, ai.days]).toEqual(['2026-09-20', '2026-12-20', 68]);
    expect(ai.amount.toFixed(2)).toBe('47222.22');
    expect(ai.fraction.toFixed(10)).toBe('0.1888888889');
  });
  it('ACT/365F, same bond and date: 17000000/365 = 46575.3424… → 46575.34 USD', () => {
    expect(accruedInterest({ ...usd5Quarterly, dayCount: 'ACT/365F' }, '2026-11-27').amount.toFixed(2)).toBe('46575.34');
  });
  it('rounds half-up: 1000 USD 0.9 % ACT/360 for 1 day is exactly 0.025, which gives 0.03 (half-even would give 0.02)', () => {
    // 1000 × 0.009 × 1/360 = 9/360 = 0.025.
    const ai = accruedInterest({ ...usd5Quarterly, nominal: '1000', couponRate: '0.9', dayCount: 'ACT/360' }, '2026-09-21');
    expect(ai.days).toBe(1);
    expect(ai.amount.toFixed(2)).toBe('0.03');
  });

  it('semi-annual ACT/ACT-ICMA, 1 000 000 USD 4.25 % maturing 15 Nov 2034, settlement 1 Dec 2026: 16/(2 × 181) → 1878.45 USD', () => {
    // Period 15 Nov 2026 → 15 May 2027: 15 + 31 + 31 + 28 + 31 + 30 + 15 = 181 days; 16 days accrued.
    // 1000000 × 0.0425 × 16 / 362 = 680000/362 = 1878.4530… → 1878.45.
    const ai = accruedInterest(
      { nominal: '1000000', couponRate: '4.25', couponFrequency: 2, dayCount: 'ACT/ACT-ICMA', maturityDate: '2034-11-15', currency: 'USD' },
      '2026-12-01',
    );
    expect([ai.previousCoupon, ai.nextCoupon, ai.days]).toEqual(['2026-11-15', '2027-05-15', 16]);
    expect(ai.fraction.toFixed(12)).toBe('0.044198895028'); // 16/362 = 8/181
    expect(ai.amount.toFixed(2)).toBe('1878.45');
  });

  it('JPY has no minor unit: 10 000 000 JPY 0.8 % semi-annual ACT/365F, 68 days from 20 Sep 2026 → 14904 JPY', () => {
    // 10000000 × 0.008 × 68/365 = 5440000/365 = 14904.1095… → 14904.
    const ai = accruedInterest(
      { nominal: '10000000', couponRate: '0.8', couponFrequency: 2, dayCount: 'ACT/365F', maturityDate: '2035-03-20', currency: 'JPY' },
      '2026-11-27',
    );
    expect(ai.days).toBe(68);
    expect(ai.amount.toFixed()).toBe('14904');
  });

  it('refuses what it cannot compute', () => {
    expect(() => accruedInterest(eur35Annual, '2030-06-15')).toThrow('on or after maturity');
    expect(() => accruedInterest({ ...eur35Annual, currency: 'XYZ' }, '2026-11-27')).toThrow('unknown currency XYZ');
    expect(() => accruedInterest({ ...eur35Annual, nominal: '-100' }, '2026-11-27')).toThrow('must not be negative');
    expect(() => accruedInterest({ ...eur35Annual, couponRate: '3,5' }, '2026-11-27')).toThrow('not-a-decimal-string');
    expect(() => accruedInterest({ ...eur35Annual, couponFrequency: 3 as CouponFrequency }, '2026-11-27')).toThrow('coupon frequency');
  });
});

describe('accrued interest (properties)', () => {
  const dayCounts: DayCount[] = ['ACT/ACT-ICMA', 'ACT/360', 'ACT/365F', '30E/360', '30/360'];
  // Maturities 2027-01-01 … 2060-12-31, settlements 2020-01-01 … the day before maturity.
  const bondAndSettlement = fc
    .record({
      maturityOffset: fc.integer({ min: 0, max: 12418 }),
      couponFrequency: fc.constantFrom<CouponFrequency>(1, 2, 4, 12),
      dayCount: fc.constantFrom(...dayCounts),
      nominal: fc.integer({ min: 1, max: 1_000_000_000 }),
      rateThousandths: fc.integer({ min: 0, max: 15_000 }),
      currency: fc.constantFrom('EUR', 'USD', 'JPY', 'BHD'),
      settlementSeed: fc.nat(),
    })
    .map((r) => {
      const maturityDate = addDays('2027-01-01', r.maturityOffset);
      const spanDays = 2557 + r.maturityOffset; // 2020-01-01 → 2027-01-01 is 2557 days
      const settlementDate = addDays('2020-01-01', r.settlementSeed % spanDays);
      const terms: AccrualTerms = {
        nominal: String(r.nominal),
        couponRate: dec(String(r.rateThousandths)).div(1000).toFixed(),
        couponFrequency: r.couponFrequency,
        dayCount: r.dayCount,
        maturityDate,
        currency: r.currency,
      };
      return { terms, settlementDate };
    });

  it('is never negative and never more than the whole period accrued with the same day count', () => {
    fc.assert(
      fc.property(bondAndSettlement, ({ terms, settlementDate }) => {
        const ai = accruedInterest(terms, settlementDate);
        const periodDays = dayCountDays(terms.dayCount, ai.previousCoupon, ai.nextCoupon);
        const fullFraction =
          terms.dayCount === 'ACT/ACT-ICMA' ? dec('1').div(terms.couponFrequency) : dec(String(periodDays)).div(terms.dayCount === 'ACT/365F' ? 365 : 360);
        // ACT counts grow every day, so strictly below; a 30 count can reach the full period the day
        // before a 31st (30 Dec and 31 Dec both count as 30), so at most equal.
        const belowFull = terms.dayCount.startsWith('ACT') ? ai.fraction.lt(fullFraction) : ai.fraction.lte(fullFraction);
        const fullCoupon = dec(terms.nominal).mul(terms.couponRate).div(100).mul(fullFraction);
        return (
          ai.previousCoupon <= settlementDate &&
          settlementDate < ai.nextCoupon &&
          ai.fraction.gte(0) &&
          belowFull &&
          !ai.amount.isNegative() &&
          ai.amount.lte(roundToMinor(fullCoupon, terms.currency, 'HALF_UP')) // half-up rounding is monotone
        );
      }),
      { numRuns: 2000 },
    );
  });
});
