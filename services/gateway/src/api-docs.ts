import { applyDecorators } from '@nestjs/common';
import { ApiQuery, getSchemaPath } from '@nestjs/swagger';

// The pieces the controllers' OpenAPI decorators share.

/** A file's bytes, whatever its media type. */
export const BINARY = { type: 'string', format: 'binary' } as const;

/** An array of a DTO class, for a schema written out (a union of answers). */
export const arrayOf = (model: new () => unknown) => ({ type: 'array' as const, items: { $ref: getSchemaPath(model) } });

/** A date in the query: YYYY-MM-DD. */
export const dateQuery = (name: string, description: string, required = false) => ({
  name,
  required,
  description,
  schema: { type: 'string' as const, format: 'date' },
});

/**
 * The keyset paging of a list: `limit`, and `after` the cursor named (the last of the page before).
 * `counts` when a page holds whole groups of rows (a counterparty's lines, a rule set's rules): what
 * `limit` counts.
 */
export const ApiPage = (cursor: string, counts = 'Rows') =>
  applyDecorators(
    ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1 }, description: `${counts} of the page at most` }),
    ApiQuery({ name: 'after', required: false, schema: { type: 'string' }, description: `The last ${cursor} of the page before` }),
  );

/**
 * A body read raw (XML, CSV, or JSON of another shape), described per media type, for `@ApiOperation`'s
 * `requestBody`: `@ApiBody` would give every media type the same schema.
 */
export const rawBody = (content: Record<string, SchemaObject>) => ({
  required: true,
  content: Object.fromEntries(Object.entries(content).map(([type, schema]) => [type, { schema }])),
});

type SchemaObject = { type?: 'string'; description?: string; $ref?: string } | ReturnType<typeof arrayOf>;
