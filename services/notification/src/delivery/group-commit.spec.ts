import { describe, expect, it } from '@jest/globals';
import { GroupCommit } from './group-commit.js';

/** A commit that waits until released, recording the groups it was given. */
function gatedCommit() {
  const groups: string[][] = [];
  const releases: Array<() => void> = [];
  let failNext: Error | null = null;
  const commit = async (items: string[]): Promise<string[]> => {
    groups.push(items);
    await new Promise<void>((r) => releases.push(r));
    if (failNext) {
      const e = failNext;
      failNext = null;
      throw e;
    }
    return items.map((i) => `${i}:ok`);
  };
  const releaseNext = async () => {
    while (releases.length === 0) await new Promise((r) => setImmediate(r));
    releases.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { commit, groups, releaseNext, failOnce: (e: Error) => (failNext = e) };
}

describe('GroupCommit: the SENT marks of the sending lanes share commits', () => {
  it('commits the first item alone, then everything that arrived meanwhile as one group, each caller getting its own result', async () => {
    const c = gatedCommit();
    const g = new GroupCommit(c.commit);
    const a = g.submit('a');
    const b = g.submit('b');
    const d = g.submit('d');
    await c.releaseNext();
    await c.releaseNext();
    expect(await Promise.all([a, b, d])).toEqual(['a:ok', 'b:ok', 'd:ok']);
    expect(c.groups).toEqual([['a'], ['b', 'd']]);
  });

  it('fails every caller of a failed group, and only them; the next group commits', async () => {
    const c = gatedCommit();
    const g = new GroupCommit(c.commit);
    const a = g.submit('a');
    const b = g.submit('b');
    c.failOnce(new Error('connection terminated'));
    await c.releaseNext(); // ['a'] fails
    await expect(a).rejects.toThrow('connection terminated');
    await c.releaseNext(); // ['b'] commits
    expect(await b).toBe('b:ok');
    const e = g.submit('e'); // idle again: a new flush starts
    await c.releaseNext();
    expect(await e).toBe('e:ok');
    expect(c.groups).toEqual([['a'], ['b'], ['e']]);
  });
});
