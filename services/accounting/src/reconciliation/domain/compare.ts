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

/**
 * A break's life: open → investigating → resolved by people (or open → resolved), investigating
 * back to open; or closed by the data: a later run of the same reconciliation that no longer finds
 * it (closingRun). RESOLVED and CLOSED are final: a difference that comes back is a new break.
 */
export type BreakStatus = 'OPEN' | 'INVESTIGATING' | 'RESOLVED' | 'CLOSED';

/** The moves people make (a closing is the data's, never a person's). */
export function breakTransition(
  from: BreakStatus,
  to: BreakStatus,
  by: string | undefined,
  comment: string | undefined,
): { ok: true } | { ok: false; problem: string } {
  if (!by || by.trim() === '') return { ok: false, problem: 'a person must be named' };
  if (!comment || comment.trim() === '') return { ok: false, problem: 'a comment is required' };
  if (to === 'CLOSED') return { ok: false, problem: 'a break is closed only by a reconciliation run that no longer finds it' };
  const allowed: Record<BreakStatus, BreakStatus[]> = { OPEN: ['INVESTIGATING', 'RESOLVED'], INVESTIGATING: ['RESOLVED', 'OPEN'], RESOLVED: [], CLOSED: [] };
  if (!allowed[from].includes(to)) return { ok: false, problem: `${from} → ${to} is not allowed` };
  return { ok: true };
}

export interface OpenBreak {
  breakId: string;
  kind: string;
  subject: string;
  /** The business date the break was first seen (a P&L break: the day of the P&L). */
  asOf: string;
  item: string;
  field: string;
  status: BreakStatus;
}

/**
 * Whether an open break belongs to the reconciliation a run makes: the same kind and subject; a P&L
 * break also the same day, since each day's P&L is its own comparison (a matching P&L on Tuesday
 * proves nothing of Monday's). A statement's run compares the whole account, so an open break of the
 * account first seen on or before the statement's date is its own (an older statement read late
 * proves nothing of a newer one's breaks).
 */
export function sameReconciliation(b: Pick<OpenBreak, 'kind' | 'subject' | 'asOf'>, run: { kind: string; subject: string; asOf: string }): boolean {
  return b.kind === run.kind && b.subject === run.subject && (run.kind === 'PNL' ? b.asOf === run.asOf : b.asOf <= run.asOf);
}

/** A break's identity within its reconciliation: the item and the field that differ. */
export const breakKey = (b: { item: string; field: string }) => `${b.item}\u0000${b.field}`;

/**
 * What a run makes of the breaks open before it: those it finds again are kept (their age runs
 * from the day first seen), those it no longer finds are closed by it — the data proves them fixed,
 * so no second person is needed. Breaks of another reconciliation are left alone.
 */
export function closingRun(
  open: OpenBreak[],
  run: { kind: string; subject: string; asOf: string },
  found: Array<{ item: string; field: string }>,
): { kept: Map<string, OpenBreak>; closed: OpenBreak[] } {
  const own = open.filter((b) => sameReconciliation(b, run) && b.status !== 'RESOLVED' && b.status !== 'CLOSED');
  const stillThere = new Set(found.map(breakKey));
  const kept = new Map(own.filter((b) => stillThere.has(breakKey(b))).map((b) => [breakKey(b), b]));
  return { kept, closed: own.filter((b) => !stillThere.has(breakKey(b))) };
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

/** Age buckets of the reconciliation screen, in business days since first seen. */
export const AGEING_BUCKETS = [
  { label: '0', max: 0 },
  { label: '1-2', max: 2 },
  { label: '3-5', max: 5 },
  { label: '6-20', max: 20 },
  { label: '>20', max: Infinity },
] as const;

/**
 * The reconciliation screen's figures on a business day: open breaks (under investigation among
 * them) per kind and by age, and those closed that day by a run or resolved by two people.
 */
export function breaksSummary(
  today: string,
  open: Array<{ kind: string; status: string; asOf: string }>,
  closedToday: { closedByRuns: number; resolved: number },
  age: (asOf: string, today: string) => number,
) {
  const ageing = Object.fromEntries(AGEING_BUCKETS.map((b) => [b.label, 0])) as Record<(typeof AGEING_BUCKETS)[number]['label'], number>;
  const byKind: Record<string, number> = {};
  let oldest = 0;
  for (const b of open) {
    const days = age(b.asOf, today);
    oldest = Math.max(oldest, days);
    ageing[AGEING_BUCKETS.find((x) => days <= x.max)!.label]++;
    byKind[b.kind] = (byKind[b.kind] ?? 0) + 1;
  }
  return {
    businessDate: today,
    open: open.length,
    investigating: open.filter((b) => b.status === 'INVESTIGATING').length,
    byKind,
    ageing,
    oldestBusinessDays: oldest,
    closedToday: { byRuns: closedToday.closedByRuns, resolved: closedToday.resolved },
  };
}
