import { poissonSchedule } from './open-loop.js';

describe('poissonSchedule: the arrivals of an open-loop benchmark', () => {
  it('is the same for the same seed, increasing, and starts after zero', () => {
    const a = poissonSchedule(1000, 500, 7);
    expect(poissonSchedule(1000, 500, 7)).toEqual(a);
    expect(a[0]).toBeGreaterThan(0);
    for (let i = 1; i < a.length; i++) expect(a[i]).toBeGreaterThanOrEqual(a[i - 1]!);
  });

  it('keeps the asked rate: 20,000 arrivals at 1,000/s last 20 s within 2 %', () => {
    const a = poissonSchedule(20_000, 1000, 11);
    const lastMs = a[a.length - 1]!;
    expect(lastMs).toBeGreaterThan(19_600);
    expect(lastMs).toBeLessThan(20_400);
  });

  it('has exponential gaps: about 1/e of them (36.8 %) are longer than the mean gap', () => {
    const a = poissonSchedule(20_000, 1000, 3);
    const gaps = a.map((t, i) => t - (i === 0 ? 0 : a[i - 1]!));
    const longer = gaps.filter((g) => g > 1).length / gaps.length;
    expect(longer).toBeGreaterThan(0.35);
    expect(longer).toBeLessThan(0.385);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => poissonSchedule(10, 0)).toThrow('rate must be positive');
  });
});
