/**
 * A small RFC 4180 reader: fields separated by commas, records by CRLF (a bare LF is accepted too),
 * a field in double quotes may hold commas, line breaks and doubled quotes (""). A quote inside an
 * unquoted field, text after a closing quote, a lone CR or a quote never closed is refused with the
 * record and the column where it happened, never guessed around. The final line break is optional;
 * lines with no character at all are skipped (spreadsheets leave them at the end); a UTF-8 BOM is dropped.
 */

/** A bound on the fields of one record: no referential row has more than a few dozen. */
export const CSV_FIELDS_PER_RECORD_MAX = 100;

export interface CsvRecord {
  /**
   * 1-based row as a spreadsheet shows it: the header is row 1, empty lines count, a line break
   * inside quotes does not.
   */
  row: number;
  fields: string[];
}

export type CsvResult = { ok: true; records: CsvRecord[] } | { ok: false; row: number; column: number; problem: string };

/** Where the reader is within the current field. */
type FieldState = 'start' | 'unquoted' | 'quoted' | 'closed';

export function parseCsv(text: string): CsvResult {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let state: FieldState = 'start';
  let row = 1;
  const fail = (problem: string, column = fields.length + 1): CsvResult => ({ ok: false, row, column, problem });
  const endField = (): boolean => {
    fields.push(field);
    field = '';
    state = 'start';
    return fields.length <= CSV_FIELDS_PER_RECORD_MAX;
  };
  const endRecord = (): void => {
    records.push({ row, fields });
    row++;
    fields = [];
  };
  const tooMany = `more than ${CSV_FIELDS_PER_RECORD_MAX} fields in a record`;

  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (state === 'quoted') {
      if (c !== '"') field += c;
      else if (input[i + 1] === '"') {
        field += '"';
        i++;
      } else state = 'closed';
      continue;
    }
    if (c === ',') {
      if (!endField()) return fail(tooMany, fields.length);
    } else if (c === '\n' || c === '\r') {
      if (c === '\r') {
        if (input[i + 1] !== '\n') return fail('a carriage return not followed by a line feed, outside quotes');
        i++;
      }
      if (fields.length === 0 && state === 'start') {
        row++; // an empty line: nothing to read
        continue;
      }
      if (!endField()) return fail(tooMany, fields.length);
      endRecord();
    } else if (state === 'closed') {
      return fail('text after the closing quote of a quoted field');
    } else if (c === '"') {
      if (state === 'unquoted') return fail('a quote inside an unquoted field (quote the whole field and double the quote)');
      state = 'quoted';
    } else {
      field += c;
      state = 'unquoted';
    }
  }
  if (state === 'quoted') return fail('a quoted field never closed');
  if (fields.length > 0 || state !== 'start') {
    if (!endField()) return fail(tooMany, fields.length);
    endRecord();
  }
  return { ok: true, records };
}
