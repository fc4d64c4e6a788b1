import { floorBudget } from './floor-budget.js';

describe('floorBudget: the design ceiling at the floor’s costs', () => {
  // Floor: 20,000 messages produced with 4 s of CPU (200 µs each) and consumed with 1 s (50 µs each);
  // 20,000 rows inserted with 2 s (100 µs each).
  const floor = { messages: 20_000, produceCpuSeconds: 4, consumeCpuSeconds: 1, rows: 20_000, insertCpuSeconds: 2 };

  it('prices the run’s messages and rows per trade at the floor’s costs (worked example)', () => {
    // Per trade: 12 produced × 0.2 ms = 2.4; 30 consumed × 0.05 ms = 1.5; Kafka 3.9 ms.
    // 100 rows × 0.1 ms = 10 ms of Postgres; 13.9 ms in all.
    const b = floorBudget(floor, { trades: 1000, messagesProduced: 12_000, messagesConsumed: 30_000, rowsWritten: 100_000 }, 2);
    expect(b.perTrade).toEqual({ produced: 12, consumed: 30, rowsWritten: 100 });
    expect(b.cpuMsPerTrade).toEqual({ kafka: 3.9, postgres: 10, total: 13.9 });
    // 2 cores = 2,000 ms of CPU a second: 2,000 / 13.9 = 143.88 → 143 trades/s; Kafka alone 2,000 / 3.9 = 512.8 → 512.
    expect(b.ceilingTradesPerSecond).toBe(143);
    expect(b.kafkaAloneCeilingTradesPerSecond).toBe(512);
  });

  it('scales with the cores and not with the number of trades the volume came from', () => {
    const small = floorBudget(floor, { trades: 100, messagesProduced: 1_200, messagesConsumed: 3_000, rowsWritten: 10_000 }, 4);
    const large = floorBudget(floor, { trades: 10_000, messagesProduced: 120_000, messagesConsumed: 300_000, rowsWritten: 1_000_000 }, 4);
    expect(small).toEqual(large);
    // 4,000 / 13.9 = 287.8
    expect(small.ceilingTradesPerSecond).toBe(287);
  });
});
