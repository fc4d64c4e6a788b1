import { pgArray } from './pg-array.js';

describe('pgArray', () => {
  it('quotes every element, escapes backslash and double quote, writes NULL for null', () => {
    expect(pgArray([])).toBe('{}');
    expect(pgArray(['a', 'b c', 'x,y', '{z}', 'NULL'])).toBe('{"a","b c","x,y","{z}","NULL"}');
    expect(pgArray(['say "hi"', 'back\\slash'])).toBe('{"say \\"hi\\"","back\\\\slash"}');
    expect(pgArray([null, undefined, 1, '0.10'])).toBe('{NULL,NULL,"1","0.10"}');
  });

  it('is what node-postgres sends for the same array', async () => {
    const values = ['plain', 'with "quotes"', 'with \\ backslash', '', ' spaced ', 'é€', null, '12.50', '{brace}', 'a,b'];
    const utils = 'pg/lib/utils.js';
    const { prepareValue } = ((await import(utils)) as { default: { prepareValue: (v: unknown) => string } }).default;
    expect(pgArray(values)).toBe(prepareValue(values));
  });
});
