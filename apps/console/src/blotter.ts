import type { Query } from './schema';

/** The blotter's query: its filters, page size and keyset cursor, as GET /api/trades takes them. */
type TradeStatus = NonNullable<Query<'/api/trades'>['status']>;
export const TRADE_STATUSES: readonly TradeStatus[] = [
  'CAPTURED',
  'CONFIRMED',
  'VALIDATED',
  'INSTRUCTED',
  'SETTLED',
  'PARTIALLY_SETTLED',
  'FAILED',
  'CANCELLED',
];
export const PAGE = 25;

/** The filters as the operator types them (every one a text, empty when not set), named as the route's query names them. */
export type Filters = Record<keyof Omit<Query<'/api/trades'>, 'limit' | 'after'>, string>;
export const NO_FILTER: Filters = { status: 'CAPTURED', isin: '', account: '', counterparty: '', tradeDateFrom: '', tradeDateTo: '' };

/** The query string of a page: the filters set, the page size, and the last reference of the page before. */
export function blotterQuery(f: Filters, after: string | null): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v.trim() !== '') q.set(k, v.trim());
  q.set('limit', String(PAGE));
  if (after) q.set('after', after);
  return q.toString();
}
