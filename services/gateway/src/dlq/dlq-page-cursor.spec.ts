import { describe, expect, it } from '@jest/globals';
import { pageCursor, readPageCursor } from './dlq-reader.js';

describe('the dead letters’ page cursor', () => {
  it('keeps the last offset shown in each partition, partitions in order, and reads back to the same', () => {
    const next = pageCursor([
      { partition: 2, offset: '7' },
      { partition: 0, offset: '40' },
      { partition: 0, offset: '41' },
    ]);
    expect(next).toBe('0:41,2:7');
    expect(readPageCursor(next)).toEqual(
      new Map([
        [0, 41n],
        [2, 7n],
      ]),
    );
  });

  it('carries forward the partitions the page did not reach', () => {
    expect(pageCursor([{ partition: 1, offset: '3' }], new Map([[0, 41n]]))).toBe('0:41,1:3');
    expect(pageCursor([], new Map([[0, 41n]]))).toBe('0:41');
  });

  it('refuses what is not partition:offset pairs', () => {
    for (const bad of ['', 'latest', '0:', '0:1,', '-1:3', '0:1.5']) expect(readPageCursor(bad)).toBeNull();
  });
});
