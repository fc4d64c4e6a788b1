/** The blotter's query: its filters, page size and keyset cursor, as GET /api/trades takes them. */
export const TRADE_STATUSES = ['CAPTURED', 'CONFIRMED', 'VALIDATED', 'INSTRUCTED', 'SETTLED', 'PARTIALLY_SETTLED', 'FAILED', 'CANCELLED'] as const;
export const PAGE = 25;

export interface Filters {
  status: string;
  isin: string;
  account: string;
  counterparty: string;
  tradeDateFrom: string;
  tradeDateTo: string;
}
export const NO_FILTER: Filters = { status: 'CAPTURED', isin: '', account: '', counterparty: '', tradeDateFrom: '', tradeDateTo: '' };

/** The query string of a page: the filters set, the page size, and the last reference of the page before. */
export function blotterQuery(f: Filters, after: string | null): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v.trim() !== '') q.set(k, v.trim());
  q.set('limit', String(PAGE));
  if (after) q.set('after', after);
  return q.toString();
}
