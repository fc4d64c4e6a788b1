import { describe, expect, it } from '@jest/globals';
import { badTrade, faultSchedule, poisonValue, type ScheduleOptions } from './faults.js';

const options: ScheduleOptions = { seed: 42, windowMs: 60_000, kills: 5, brokerRestarts: 1, postgresRestarts: 1, poisons: 4, badTrades: 2 };

describe('fault schedule', () => {
  it('is a function of its seed: the same options give the same schedule, another seed another one', () => {
    expect(faultSchedule(options)).toEqual(faultSchedule(options));
    expect(faultSchedule({ ...options, seed: 43 })).not.toEqual(faultSchedule(options));
  });

  it('holds every fault asked for, in time order, inside the window', () => {
    const s = faultSchedule(options);
    expect(s.filter((f) => f.kind === 'kill')).toHaveLength(5);
    expect(s.filter((f) => f.kind === 'broker-restart')).toHaveLength(1);
    expect(s.filter((f) => f.kind === 'postgres-restart')).toHaveLength(1);
    expect(s.filter((f) => f.kind === 'poison')).toHaveLength(4);
    expect(s.filter((f) => f.kind === 'bad-trade')).toHaveLength(2);
    expect(s.map((f) => f.atMs)).toEqual([...s.map((f) => f.atMs)].sort((a, b) => a - b));
    for (const f of s) {
      expect(f.atMs).toBeGreaterThanOrEqual(3_000);
      expect(f.atMs).toBeLessThan(60_000);
    }
  });

  it('kills the services named first, then draws among the killable ones', () => {
    const kills = faultSchedule({ ...options, killFirst: ['capture', 'accounting'], killable: ['notification'] }).filter((f) => f.kind === 'kill');
    expect(kills.map((k) => (k.kind === 'kill' ? k.service : '')).sort()).toEqual(['accounting', 'capture', 'notification', 'notification', 'notification']);
  });
});

describe('poison and malformed messages', () => {
  it('are unique per run and number, and are what they claim to be', () => {
    expect(() => JSON.parse(poisonValue('r1', { variant: 'not-json', n: 1 }))).toThrow();
    expect(JSON.parse(poisonValue('r1', { variant: 'not-an-envelope', n: 2 }))).not.toHaveProperty('eventId');
    expect(poisonValue('r1', { variant: 'not-json', n: 1 })).not.toEqual(poisonValue('r2', { variant: 'not-json', n: 1 }));
    expect(() => JSON.parse(badTrade('r1', '2026-11-26', { variant: 'not-json', n: 1 }).value)).toThrow();
    expect(JSON.parse(badTrade('r1', '2026-11-26', { variant: 'bad-isin', n: 2 }).value).isin).toBe('FR0000120272');
  });
});
