import { describe, expect, it } from '@jest/globals';
import { BadRequestException, NotFoundException } from '@nestjs/common';
import { emptyPageAfter, pageRequest, UUID_CURSOR } from './paging.js';

const o = { max: 500, dflt: 100, cursor: UUID_CURSOR, cursorName: 'exceptionId' };
const ID = '0f8e1d2c-3b4a-4596-8877-665544332211';

describe('a list page asked for', () => {
  it('defaults to the first page of 100; takes a limit up to the maximum and the last id seen', () => {
    expect(pageRequest({}, o)).toEqual({ limit: 100, after: null });
    expect(pageRequest({ limit: '500', after: ID }, o)).toEqual({ limit: 500, after: ID });
    expect(pageRequest({ limit: '1' }, o)).toEqual({ limit: 1, after: null });
  });

  it.each([
    [{ limit: '0' }, 'limit: an integer from 1 to 500'],
    [{ limit: '501' }, 'limit: an integer from 1 to 500'],
    [{ limit: '2.5' }, 'limit: an integer from 1 to 500'],
    [{ limit: 'all' }, 'limit: an integer from 1 to 500'],
    [{ after: 'FO-EQ:1' }, 'after: the exceptionId of the last row of the page before'],
  ])('%j is a 400: %s', (q, message) => {
    expect(() => pageRequest(q, o)).toThrow(new BadRequestException(message));
  });
});

describe('an empty page after a cursor', () => {
  const rows = new Map([['e-1', { id: 'e-1' }]]);
  const find = async (after: string) => (rows.has(after) ? [rows.get(after)] : []);
  const asked: string[] = [];
  const looking = async (after: string) => {
    asked.push(after);
    return find(after);
  };

  it('is the end of the list when the cursor names a row, a 404 naming the cursor when it names none', async () => {
    await expect(emptyPageAfter({ limit: 10, after: 'e-1' }, [], find, (a) => `entry ${a} of T-1`)).resolves.toBeUndefined();
    const refusal = await emptyPageAfter({ limit: 10, after: 'e-9' }, [], find, (a) => `entry ${a} of T-1`).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(NotFoundException);
    expect((refusal as NotFoundException).message).toBe('after: no entry e-9 of T-1');
  });

  it('looks nothing up for a first page or a page with rows', async () => {
    await emptyPageAfter({ limit: 10, after: null }, [], looking, (a) => a);
    await emptyPageAfter({ limit: 10, after: 'e-9' }, [{ id: 'e-10' }], looking, (a) => a);
    expect(asked).toEqual([]);
  });
});
