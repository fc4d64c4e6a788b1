import { describe, expect, it } from '@jest/globals';
import { blotterQuery, NO_FILTER } from './blotter';

describe('the blotter’s query', () => {
  it('sends only the filters set, trimmed, with the page size and the cursor', () => {
    expect(blotterQuery({ ...NO_FILTER, isin: ' FR0000120271 ', tradeDateFrom: '2026-11-26' }, 'FO-EQ:C-0025')).toBe(
      'status=CAPTURED&isin=FR0000120271&tradeDateFrom=2026-11-26&limit=25&after=FO-EQ%3AC-0025',
    );
  });

  it('the first page has no cursor', () => {
    expect(blotterQuery({ ...NO_FILTER, status: 'SETTLED' }, null)).toBe('status=SETTLED&limit=25');
  });
});
