import { describe, expect, it } from '@jest/globals';
import { correctedFields } from './correction';

describe('what a correction changes in the message as it came', () => {
  it('names each top-level field changed, added or removed, as JSON: a number made a decimal string is a change', () => {
    const original = JSON.stringify({ tradeId: 'C-1', quantity: 150, price: '58.50', venue: 'XPAR', note: 'x' });
    const corrected = { tradeId: 'C-1', quantity: '150', price: '58.50', venue: 'XOFF', capacity: 'AOTC' };
    expect(correctedFields(original, corrected)).toEqual([
      { field: 'quantity', before: '150', after: '"150"' },
      { field: 'venue', before: '"XPAR"', after: '"XOFF"' },
      { field: 'note', before: '"x"', after: '—' },
      { field: 'capacity', before: '—', after: '"AOTC"' },
    ]);
  });

  it('nothing when the message is sent again as it was', () => {
    expect(correctedFields('{"a":1,"b":[1,2]}', { a: 1, b: [1, 2] })).toEqual([]);
  });

  it('the whole message when what came was not JSON', () => {
    expect(correctedFields('not json', { a: 1 })).toEqual([{ field: '(the message)', before: 'not json', after: '{"a":1}' }]);
  });
});
