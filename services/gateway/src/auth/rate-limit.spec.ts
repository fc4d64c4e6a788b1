import { describe, expect, it } from '@jest/globals';
import { WindowLimiter } from './rate-limit.js';

describe('the per-key request limit', () => {
  it('lets perMinute requests through in a minute, refuses the next, and opens again a minute after the first', () => {
    let t = 0;
    const limiter = new WindowLimiter(3, 100, () => t);
    expect([limiter.hit('alice'), limiter.hit('alice'), limiter.hit('alice'), limiter.hit('alice'), limiter.hit('bob')]).toEqual([
      true,
      true,
      true,
      false,
      true,
    ]);
    expect(limiter.over('alice')).toBe(true);
    t = 59_999;
    expect(limiter.hit('alice')).toBe(false);
    t = 60_000;
    expect([limiter.hit('alice'), limiter.over('alice')]).toEqual([true, false]);
  });

  it('a flood of new keys never clears the limit of a key being limited', () => {
    let t = 0;
    const limiter = new WindowLimiter(2, 50, () => t);
    limiter.hit('flooder');
    limiter.hit('flooder');
    expect(limiter.hit('flooder')).toBe(false);
    for (let i = 0; i < 200; i++) {
      t += 1;
      limiter.hit(`junk-${i}`);
      // the one being limited keeps asking, and stays limited
      expect(limiter.hit('flooder')).toBe(false);
    }
    expect(limiter.size).toBeLessThanOrEqual(50);
  });

  it('drops the windows already over before any live one', () => {
    let t = 0;
    const limiter = new WindowLimiter(1, 3, () => t);
    limiter.hit('old-1');
    limiter.hit('old-2');
    t = 30_000;
    limiter.hit('live');
    t = 61_000;
    limiter.hit('new');
    // old-1 and old-2 had ended; live is kept, and still over its limit until 90 s
    expect([limiter.size, limiter.hit('live')]).toEqual([2, false]);
  });
});
