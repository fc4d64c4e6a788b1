import { describe, expect, it } from '@jest/globals';
import { BadRequestException } from '@nestjs/common';
import { pageRequest, UUID_CURSOR } from './paging.js';

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
