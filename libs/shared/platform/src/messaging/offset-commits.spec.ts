import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { OffsetCommits, type PartitionOffset } from './offset-commits.js';

/** A broker's side of the commits: what each call sent, and whether it confirmed them. */
function broker(o: { confirms: (call: number) => boolean; fails?: (call: number) => Error | null }) {
  const calls: PartitionOffset[][] = [];
  const membership = new Error('REBALANCE_IN_PROGRESS');
  const commits: OffsetCommits = new OffsetCommits({
    commit: async (offsets) => {
      calls.push(offsets.map((x) => ({ ...x })));
      const n = calls.length;
      const failure = o.fails?.(n) ?? null;
      if (failure) throw failure;
      // kafkajs emits COMMIT_OFFSETS before its commitOffsets returns, only when the broker took the commit.
      if (o.confirms(n)) commits.confirmed([{ topic: 't', partitions: offsets.map((x) => ({ partition: x.partition, offset: x.offset })) }]);
    },
    intervalMs: 100,
    retryMs: 1_000,
    isMembershipError: (e) => e === membership,
    onDeferredFailure: () => undefined,
  });
  return { calls, commits, membership };
}

const at = (partition: number, offset: string): PartitionOffset => ({ topic: 't', partition, offset });

describe('offset commits owed to the broker until it confirms them', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('commits the processed offsets once, after the interval, and owes nothing once confirmed', async () => {
    const b = broker({ confirms: () => true });
    b.commits.processed(at(3, '11978'));
    b.commits.processed(at(3, '13263'));
    b.commits.schedule();
    await jest.advanceTimersByTimeAsync(99);
    expect(b.calls).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(b.calls).toEqual([[at(3, '13263')]]);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(b.calls).toHaveLength(1);
    expect(b.commits.owed()).toEqual([]);
  });

  it('a commit that returned without the broker taking it (kafkajs skips one while its runner is stopped) is made again', async () => {
    const b = broker({ confirms: (n) => n >= 3 });
    b.commits.processed(at(3, '13263'));
    b.commits.schedule();
    await jest.advanceTimersByTimeAsync(100);
    expect(b.calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(b.calls).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(b.calls).toEqual([[at(3, '13263')], [at(3, '13263')], [at(3, '13263')]]);
    expect(b.commits.owed()).toEqual([]);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(b.calls).toHaveLength(3);
  });

  it('a new generation keeps what is owed for the partitions this member still owns, and commits it; the others are dropped', async () => {
    const b = broker({ confirms: (n) => n >= 2 });
    b.commits.processed(at(3, '13263'));
    b.commits.processed(at(4, '500'));
    // A rebalance before the commit: partition 4 went to another member.
    b.commits.joined({ t: [3, 5] });
    await jest.advanceTimersByTimeAsync(100);
    expect(b.calls).toEqual([[at(3, '13263')]]);
  });

  it('after a commit refused because the group moved on, nothing is sent until the member has rejoined', async () => {
    const b = broker({ confirms: () => true, fails: (n) => (n === 1 ? b.membership : null) });
    b.commits.processed(at(3, '13263'));
    await expect(b.commits.flush()).rejects.toBe(b.membership);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(b.calls).toHaveLength(1);
    b.commits.joined({ t: [3] });
    await jest.advanceTimersByTimeAsync(100);
    expect(b.calls).toEqual([[at(3, '13263')], [at(3, '13263')]]);
    expect(b.commits.owed()).toEqual([]);
  });

  it('any other failure is tried again after the retry delay', async () => {
    const b = broker({ confirms: () => true, fails: (n) => (n === 1 ? new Error('broker down') : null) });
    b.commits.processed(at(0, '7'));
    await expect(b.commits.flush()).rejects.toThrow('broker down');
    await jest.advanceTimersByTimeAsync(999);
    expect(b.calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(b.calls).toHaveLength(2);
    expect(b.commits.owed()).toEqual([]);
  });

  it('records reprocessed after a rejoin never move a partition back, and a stopped member sends nothing more', async () => {
    const b = broker({ confirms: () => false });
    b.commits.processed(at(3, '13263'));
    b.commits.processed(at(3, '12000'));
    await b.commits.flush();
    expect(b.calls).toEqual([[at(3, '13263')]]);
    b.commits.stop();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(b.calls).toHaveLength(1);
  });
});

describe('offset commits in order', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('never has two commits in flight: the second waits for the first', async () => {
    const calls: string[] = [];
    let release!: () => void;
    const commits: OffsetCommits = new OffsetCommits({
      commit: async (offsets) => {
        calls.push(`start ${offsets.map((x) => x.offset).join()}`);
        if (calls.length === 1) await new Promise<void>((r) => (release = r));
        commits.confirmed([{ topic: 't', partitions: offsets.map((x) => ({ partition: x.partition, offset: x.offset })) }]);
        calls.push(`end ${offsets.map((x) => x.offset).join()}`);
      },
      intervalMs: 0,
      retryMs: 1_000,
      isMembershipError: () => false,
      onDeferredFailure: () => undefined,
    });
    commits.processed(at(3, '11978'));
    const first = commits.flush();
    await jest.advanceTimersByTimeAsync(0);
    commits.processed(at(3, '13263'));
    const second = commits.flush();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(calls).toEqual(['start 11978']);
    release();
    await Promise.all([first, second]);
    expect(calls).toEqual(['start 11978', 'end 11978', 'start 13263', 'end 13263']);
    expect(commits.owed()).toEqual([]);
  });

  it('an older commit the broker took last (a client retry landing after a newer one) makes the newer one owed again', async () => {
    const b = broker({ confirms: () => true });
    b.commits.processed(at(3, '13263'));
    await b.commits.flush();
    expect(b.commits.owed()).toEqual([]);
    // The group's offset as the broker now holds it: moved back by the late one.
    b.commits.confirmed([{ topic: 't', partitions: [{ partition: 3, offset: '11978' }] }]);
    expect(b.commits.owed()).toEqual([at(3, '13263')]);
    b.commits.schedule();
    await jest.advanceTimersByTimeAsync(100);
    expect(b.calls).toEqual([[at(3, '13263')], [at(3, '13263')]]);
    expect(b.commits.owed()).toEqual([]);
  });
});
