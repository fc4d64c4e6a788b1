import { describe, expect, it } from '@jest/globals';
import { Lanes } from './lanes.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('Lanes: the sends in flight of every pass of a process', () => {
  it('grants at most `count` lanes at once, the next waiting one as soon as one is given back, in order', async () => {
    const lanes = new Lanes(2);
    const granted: string[] = [];
    const take = (name: string) => lanes.acquire().then((release) => (granted.push(name), release));
    const a = take('a');
    const b = take('b');
    const c = take('c');
    const d = take('d');
    await tick();
    expect(granted).toEqual(['a', 'b']);
    expect(lanes.available).toBe(0);
    (await a)();
    await tick();
    expect(granted).toEqual(['a', 'b', 'c']);
    // Giving a lane back twice frees it once.
    (await b)();
    (await b)();
    await tick();
    expect(granted).toEqual(['a', 'b', 'c', 'd']);
    expect(lanes.available).toBe(0);
    (await c)();
    (await d)();
    expect(lanes.available).toBe(2);
  });

  it('keeps two passes sharing 3 lanes to 3 sends in flight, however their batches interleave', async () => {
    const lanes = new Lanes(3);
    let inFlight = 0;
    let most = 0;
    const send = async (ms: number) => {
      const release = await lanes.acquire();
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      release();
    };
    const pass = (n: number, ms: number) => Promise.all(Array.from({ length: n }, () => send(ms)));
    await Promise.all([pass(7, 3), pass(5, 1)]);
    expect(most).toBe(3);
    expect(inFlight).toBe(0);
    expect(lanes.available).toBe(3);
  });

  it('refuses a count below one', () => {
    expect(() => new Lanes(0)).toThrow('lanes: 0 is not a positive count');
  });
});
