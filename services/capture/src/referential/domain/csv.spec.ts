import { describe, expect, it } from '@jest/globals';
import { CSV_FIELDS_PER_RECORD_MAX, parseCsv } from './csv.js';

const records = (text: string) => {
  const r = parseCsv(text);
  if (!r.ok) throw new Error(`refused: row ${r.row} column ${r.column}: ${r.problem}`);
  return r.records;
};

describe('parseCsv (RFC 4180)', () => {
  it('reads CRLF records and numbers them from the header', () => {
    expect(records('a,b\r\n1,2\r\n3,4\r\n')).toEqual([
      { row: 1, fields: ['a', 'b'] },
      { row: 2, fields: ['1', '2'] },
      { row: 3, fields: ['3', '4'] },
    ]);
  });

  it('accepts bare LF and a last record without a line break', () => {
    expect(records('a,b\n1,2')).toEqual([
      { row: 1, fields: ['a', 'b'] },
      { row: 2, fields: ['1', '2'] },
    ]);
  });

  it('keeps commas, CRLF and doubled quotes inside a quoted field, and the row count of the spreadsheet', () => {
    expect(records('name,note\r\n"Dupont, Durand & Cie","il a dit ""oui""\r\npuis non"\r\nx,y\r\n')).toEqual([
      { row: 1, fields: ['name', 'note'] },
      { row: 2, fields: ['Dupont, Durand & Cie', 'il a dit "oui"\r\npuis non'] },
      { row: 3, fields: ['x', 'y'] },
    ]);
  });

  it('keeps empty fields, quoted or not, and an empty quoted field alone on its line', () => {
    expect(records('a,b,c\r\n,"",\r\n""\r\n')).toEqual([
      { row: 1, fields: ['a', 'b', 'c'] },
      { row: 2, fields: ['', '', ''] },
      { row: 3, fields: [''] },
    ]);
  });

  it('skips empty lines but counts them in the row numbers', () => {
    expect(records('a\r\n\r\n1\r\n\r\n')).toEqual([
      { row: 1, fields: ['a'] },
      { row: 3, fields: ['1'] },
    ]);
  });

  it('drops a UTF-8 byte order mark and keeps spaces as they are', () => {
    expect(records('\uFEFFisin, name \r\n')).toEqual([{ row: 1, fields: ['isin', ' name '] }]);
  });

  it('reads an empty text as no record', () => {
    expect(records('')).toEqual([]);
  });

  it('refuses a quote inside an unquoted field, naming row and column', () => {
    expect(parseCsv('a,b\r\n1,ab"c\r\n')).toEqual({ ok: false, row: 2, column: 2, problem: expect.stringContaining('quote inside an unquoted field') });
  });

  it('refuses text after a closing quote', () => {
    expect(parseCsv('a\r\n"x"y\r\n')).toEqual({ ok: false, row: 2, column: 1, problem: expect.stringContaining('after the closing quote') });
  });

  it('refuses a quoted field never closed', () => {
    expect(parseCsv('a,b\r\n1,"open\r\n2,3\r\n')).toEqual({ ok: false, row: 2, column: 2, problem: 'a quoted field never closed' });
  });

  it('refuses a carriage return alone outside quotes', () => {
    expect(parseCsv('a\rb\r\n')).toEqual({ ok: false, row: 1, column: 1, problem: expect.stringContaining('carriage return') });
  });

  it(`refuses a record of more than ${CSV_FIELDS_PER_RECORD_MAX} fields`, () => {
    const r = parseCsv(`${Array.from({ length: CSV_FIELDS_PER_RECORD_MAX + 1 }, (_, i) => `c${i}`).join(',')}\r\n`);
    expect(r).toEqual({ ok: false, row: 1, column: CSV_FIELDS_PER_RECORD_MAX + 1, problem: expect.stringContaining('more than') });
    expect(parseCsv(`${Array.from({ length: CSV_FIELDS_PER_RECORD_MAX }, (_, i) => `c${i}`).join(',')}\r\n`).ok).toBe(true);
  });
});
