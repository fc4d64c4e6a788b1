import { BadRequestException, NotFoundException } from '@nestjs/common';

/** One page of a list: how many rows, and after which one (the last row of the page before; null for the first page). */
export interface PageRequest {
  limit: number;
  after: string | null;
}

/** Row ids the lists page by: uuids. */
export const UUID_CURSOR = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Keys named by the trade or its referential (an account code, a counterparty, a period, an event id): printable ASCII without spaces. */
export const PRINTABLE_KEY = /^[\x21-\x7e]{1,100}$/;

/** A day as a list orders by it: YYYY-MM-DD. */
export const ISO_DATE_CURSOR = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/**
 * The page a list route is asked for, `?limit=&after=`, checked: limit a whole number from 1 to
 * `max` (`dflt` when absent), after the id of the page's last row as the list names it (`cursor`
 * says what one looks like). A bad value is a 400 naming it. The lists page by keyset — the rows
 * after that one in the list's own order — so a page does not shift when rows are added or change
 * status meanwhile, and every row is reached however many there are.
 */
export function pageRequest(q: { limit?: string; after?: string }, o: { max: number; dflt: number; cursor: RegExp; cursorName: string }): PageRequest {
  const limit = q.limit === undefined ? o.dflt : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > o.max) throw new BadRequestException(`limit: an integer from 1 to ${o.max}`);
  if (q.after !== undefined && !o.cursor.test(q.after)) throw new BadRequestException(`after: the ${o.cursorName} of the last row of the page before`);
  return { limit, after: q.after ?? null };
}

/**
 * A page that came back empty after a cursor is the end of the list when the cursor names one of
 * its rows; a cursor that names none is the caller's mistake, a 404 that says so. `find` looks the
 * row up (any row back means it exists); `named` names it in the message ("exception <id>").
 */
export async function emptyPageAfter(
  page: PageRequest,
  rows: readonly unknown[],
  find: (after: string) => Promise<readonly unknown[]>,
  named: (after: string) => string,
): Promise<void> {
  if (page.after === null || rows.length > 0) return;
  if ((await find(page.after)).length === 0) throw new NotFoundException(`after: no ${named(page.after)}`);
}
