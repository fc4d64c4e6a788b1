import { Dec, type Dec as Decimal } from '@postera/kernel';

/** A break names the item, the field, both values and the difference (ours − theirs). */
export interface Break {
  item: string;
  field: string;
  ours: string | null;
  theirs: string | null;
  difference: string | null;
}

export interface Comparison {
  checked: number;
  matched: number;
  breaks: Break[];
}

const diff = (ours: Decimal, theirs: Decimal) => ours.minus(theirs).toFixed();

/**
 * Holdings: each ISIN on either side; a quantity that differs is a break on `quantity`, an ISIN one
 * side lacks is a break with that side's value null (counted as zero in the difference).
 */
export function compareHoldings(ours: Map<string, string>, theirs: Map<string, string>): Comparison {
  const out: Comparison = { checked: 0, matched: 0, breaks: [] };
  for (const isin of [...new Set([...ours.keys(), ...theirs.keys()])].sort()) {
    out.checked++;
    const o = ours.get(isin);
    const t = theirs.get(isin);
    const od = new Dec(o ?? 0);
    const td = new Dec(t ?? 0);
    if (od.eq(td)) {
      out.matched++;
      continue;
    }
    out.breaks.push({
      item: isin,
      field: o === undefined ? 'quantity (missing in our books)' : t === undefined ? 'quantity (missing at the custodian)' : 'quantity',
      ours: o ?? null,
      theirs: t ?? null,
      difference: diff(od, td),
    });
  }
  return out;
}

/**
 * Cash: the closing balance, then each movement of the day by trade reference (the statement's
 * EndToEndId): an amount that differs, a movement one side lacks. Movements without a trade
 * reference are compared by their total.
 */
export function compareCash(
  ours: { closingBalance: string; movements: Map<string, string> },
  theirs: { closingBalance: string; movements: Map<string, string> },
): Comparison {
  const out: Comparison = { checked: 1, matched: 0, breaks: [] };
  const oc = new Dec(ours.closingBalance);
  const tc = new Dec(theirs.closingBalance);
  if (oc.eq(tc)) out.matched++;
  else out.breaks.push({ item: 'account', field: 'closingBalance', ours: oc.toFixed(), theirs: tc.toFixed(), difference: diff(oc, tc) });
  for (const ref of [...new Set([...ours.movements.keys(), ...theirs.movements.keys()])].sort()) {
    out.checked++;
    const o = ours.movements.get(ref);
    const t = theirs.movements.get(ref);
    const od = new Dec(o ?? 0);
    const td = new Dec(t ?? 0);
    if (od.eq(td)) {
      out.matched++;
      continue;
    }
    out.breaks.push({
      item: ref,
      field: o === undefined ? 'movement (missing in our books)' : t === undefined ? 'movement (missing at the bank)' : 'movement.amount',
      ours: o ?? null,
      theirs: t ?? null,
      difference: diff(od, td),
    });
  }
  return out;
}

/** Accounting P&L vs the desk's management P&L, per book, day and currency: a break beyond the tolerance (absolute, inclusive). */
export function comparePnl(ours: Map<string, string>, theirs: Map<string, string>, tolerance: string): Comparison {
  const out: Comparison = { checked: 0, matched: 0, breaks: [] };
  const tol = new Dec(tolerance);
  for (const key of [...new Set([...ours.keys(), ...theirs.keys()])].sort()) {
    out.checked++;
    const o = ours.get(key);
    const t = theirs.get(key);
    const od = new Dec(o ?? 0);
    const td = new Dec(t ?? 0);
    if (od.minus(td).abs().lte(tol)) {
      out.matched++;
      continue;
    }
    out.breaks.push({
      item: key,
      field: t === undefined ? 'pnl (no desk figure)' : o === undefined ? 'pnl (nothing booked)' : 'pnl',
      ours: o ?? null,
      theirs: t ?? null,
      difference: diff(od, td),
    });
  }
  return out;
}

export type BreakStatus = 'OPEN' | 'INVESTIGATING' | 'RESOLVED';

/** The workflow of a break: open → investigating → resolved (or open → resolved); investigating may go back to open. */
export function breakTransition(
  from: BreakStatus,
  to: BreakStatus,
  by: string | undefined,
  comment: string | undefined,
): { ok: true } | { ok: false; problem: string } {
  if (!by || by.trim() === '') return { ok: false, problem: 'a person must be named' };
  if (!comment || comment.trim() === '') return { ok: false, problem: 'a comment is required' };
  const allowed: Record<BreakStatus, BreakStatus[]> = { OPEN: ['INVESTIGATING', 'RESOLVED'], INVESTIGATING: ['RESOLVED', 'OPEN'], RESOLVED: [] };
  if (!allowed[from].includes(to)) return { ok: false, problem: `${from} → ${to} is not allowed` };
  return { ok: true };
}

/** Business days (TARGET) from the day a break was first seen to `today`, 0 the same day; bounded at 10 years. */
export function ageInBusinessDays(from: string, today: string, isBusinessDay: (d: string) => boolean, addDays: (d: string, n: number) => string): number {
  let n = 0;
  let d = from;
  for (let i = 0; i < 3660 && d < today; i++) {
    d = addDays(d, 1);
    if (isBusinessDay(d)) n++;
  }
  return n;
}
