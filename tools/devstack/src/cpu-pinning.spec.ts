import { CpusOptionError, firstCores, parseCpuList, parseCpusOption, scalingSummary } from './cpu-pinning.js';

describe('--cpus: the cores a bench run is pinned to', () => {
  it('reads one count or several, in increasing order; absent is no pinning', () => {
    expect(parseCpusOption(undefined, 2)).toBeNull();
    expect(parseCpusOption('1', 2)).toEqual([1]);
    expect(parseCpusOption('2,1', 4)).toEqual([1, 2]);
    expect(parseCpusOption('1,2,4', 4)).toEqual([1, 2, 4]);
  });

  it.each([
    ['0', 'core counts such as 1 or 1,2 expected'],
    ['', 'core counts such as 1 or 1,2 expected'],
    ['1,', 'core counts such as 1 or 1,2 expected'],
    ['one', 'core counts such as 1 or 1,2 expected'],
    ['1.5', 'core counts such as 1 or 1,2 expected'],
    ['true', 'core counts such as 1 or 1,2 expected'], // `--cpus` without a value
    ['3', 'this machine has 2 cores'],
    ['1,1', '1 given twice'],
  ])('refuses --cpus=%s on 2 cores: %s', (value, message) => {
    expect(() => parseCpusOption(value, 2)).toThrow(CpusOptionError);
    expect(() => parseCpusOption(value, 2)).toThrow(message);
  });

  it('names the first N cores as taskset takes them, and reads the kernel’s lists back', () => {
    expect(firstCores(1)).toBe('0');
    expect(firstCores(2)).toBe('0-1');
    expect(firstCores(8)).toBe('0-7');
    expect(parseCpuList('0')).toEqual([0]);
    expect(parseCpuList('0-1')).toEqual([0, 1]);
    expect(parseCpuList('0-2,5,7-8\n')).toEqual([0, 1, 2, 5, 7, 8]);
  });
});

describe('scalingSummary: runs on more cores against the run on the fewest', () => {
  it('gives the throughput ratio and the CPU-per-trade ratio (worked example)', () => {
    // 1 core: 100 trades/s at 8 ms a trade; 2 cores: 170 trades/s at 8.8 ms a trade.
    // 170 / 100 = 1.7× the throughput; 8.8 / 8 = 1.1× the CPU per trade.
    const s = scalingSummary([
      { cpus: 2, tradesPerSecond: 170, cpuMsPerTrade: 8.8 },
      { cpus: 1, tradesPerSecond: 100, cpuMsPerTrade: 8 },
    ]);
    expect(s.comparisons).toEqual([{ cpus: 2, throughputRatio: 1.7, cpuPerTradeRatio: 1.1 }]);
    expect(s.lines).toEqual([
      '  1 core      100 trades/s, 8.00 ms of CPU per trade',
      '  2 cores     170 trades/s, 8.80 ms of CPU per trade',
      '  2 vs 1: 1.7× the throughput (2× would be linear), 1.1× the CPU per trade (1× would cost nothing more)',
    ]);
  });

  it('compares each run with the first when there are more than two', () => {
    const s = scalingSummary([
      { cpus: 1, tradesPerSecond: 50, cpuMsPerTrade: 10 },
      { cpus: 2, tradesPerSecond: 90, cpuMsPerTrade: 10.5 },
      { cpus: 4, tradesPerSecond: 160, cpuMsPerTrade: 12 },
    ]);
    expect(s.comparisons).toEqual([
      { cpus: 2, throughputRatio: 1.8, cpuPerTradeRatio: 1.05 },
      { cpus: 4, throughputRatio: 3.2, cpuPerTradeRatio: 1.2 },
    ]);
  });

  it('has nothing to compare without runs', () => {
    expect(scalingSummary([])).toEqual({ comparisons: [], lines: [] });
  });
});
