import { describe, expect, it } from '@jest/globals';
import { historyCursor, listCursor } from './referential-pages.js';

const accepts = (re: RegExp, values: string[]) => values.filter((v) => !re.test(v));

describe('the cursors of the referential lists', () => {
  it('accept each entity’s keys in their real form', () => {
    expect(accepts(listCursor('instruments').cursor, ['FR0000120271', 'US0378331005', 'XS2345678901'])).toEqual([]);
    expect(accepts(listCursor('parties').cursor, ['529900COUNTERPTY0129', '213800COUNTERPTY0344'])).toEqual([]);
    expect(accepts(listCursor('accounts').cursor, ['CLI-0001', 'PROP-TRADING', 'a&b+c#d', 'x'.repeat(64)])).toEqual([]);
    expect(accepts(listCursor('ssis').cursor, ['CLI-0001:EU:EUR', '213800COUNTERPTY0344:US:USD'])).toEqual([]);
    expect(accepts(listCursor('calendars').cursor, ['TARGET', 'US', 'XETR_2', 'A-B'])).toEqual([]);
    expect(accepts(historyCursor('instruments').cursor, ['FR0000120271:1', 'FR0000120271:12'])).toEqual([]);
    expect(accepts(historyCursor('ssis').cursor, ['CLI-0001:EU:EUR:1', '213800COUNTERPTY0344:US:USD:3'])).toEqual([]);
  });

  it('refuse what cannot be a key', () => {
    const refused = (re: RegExp, values: string[]) => values.filter((v) => re.test(v));
    expect(refused(listCursor('instruments').cursor, ['FR000012027', 'fr0000120271', 'FR000012027A', 'FR0000120271 ', ''])).toEqual([]);
    expect(refused(listCursor('parties').cursor, ['529900COUNTERPTY012', '529900COUNTERPTY01A9', '529900counterpty0129'])).toEqual([]);
    expect(refused(listCursor('accounts').cursor, ['CLI 0001', 'CLI:0001', 'x'.repeat(65), ''])).toEqual([]);
    expect(refused(listCursor('ssis').cursor, ['CLI-0001:EU', 'CLI-0001:XX:EUR', 'CLI-0001:EU:EURO', 'CLI-0001:EU:eur', 'A:B:EU:EUR'])).toEqual([]);
    expect(refused(listCursor('calendars').cursor, ['target', 'X'.repeat(17), 'TAR GET'])).toEqual([]);
    expect(refused(historyCursor('instruments').cursor, ['FR0000120271', 'FR0000120271:0', 'FR0000120271:01', 'FR0000120271:-1', 'CLI-0001:1'])).toEqual([]);
    expect(refused(historyCursor('ssis').cursor, ['CLI-0001:EU:EUR', 'CLI-0001:EU:1'])).toEqual([]);
  });
});
