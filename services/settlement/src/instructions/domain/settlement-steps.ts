import { Dec } from '@postera/kernel';

export interface Settled {
  quantity: string;
  settlementAmount: string;
  settledQuantity: string | null;
  settledAmount: string | null;
}

/**
 * A sese.025 step applied to an instruction: cumulative settled figures, this step's figures, and
 * whether it is now complete. A step beyond what remains is refused (a CSD never settles more than
 * instructed): the caller records it as an anomaly, never stores it.
 */
export function applyStep(
  i: Settled,
  step: { quantity: string; amount: string },
): { ok: true; settledQuantity: string; settledAmount: string; remainingQuantity: string; complete: boolean } | { ok: false; why: string } {
  const before = new Dec(i.settledQuantity ?? 0);
  const after = before.plus(step.quantity);
  if (new Dec(step.quantity).lte(0)) return { ok: false, why: `step quantity ${step.quantity} is not positive` };
  if (after.gt(i.quantity)) return { ok: false, why: `settled ${after.toFixed()} would exceed the instructed ${i.quantity}` };
  const remaining = new Dec(i.quantity).minus(after);
  return {
    ok: true,
    settledQuantity: after.toFixed(),
    settledAmount: new Dec(i.settledAmount ?? 0).plus(step.amount).toFixed(),
    remainingQuantity: remaining.toFixed(),
    complete: remaining.isZero(),
  };
}
