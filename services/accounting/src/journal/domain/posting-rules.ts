import { Dec, type Dec as Decimal } from '@postera/kernel';
import { RULE_SET_V1 } from '../../ledger/rule-sets/rule-set-v1.js';
import { applyRules, reversalOf, type JournalLine, type PostingContext, type PostingEvent, type Recognition, type RuleSet } from '../../ledger/domain/rules-engine.js';

export { imbalance, reversalOf, type JournalLine } from '../../ledger/domain/rules-engine.js';

/**
 * The trade postings, as pure functions over the posting rules (data: accounting.posting_rules,
 * seeded from src/ledger/rule-sets). The consumers pass the rule set in force on the entry's
 * accounting date; the defaults (rule set 1, the trading book 311000) serve the examples.
 */
export interface TradeForPosting {
  side: 'BUY' | 'SELL';
  currency: string;
  grossAmount: string;
  /** Accrued interest of a bond ("0.00" for shares and ETFs). */
  accruedInterest: string;
  feesAmount: string;
  netAmount: string;
}

export const DEFAULT_CONTEXT: PostingContext = { securitiesAccount: '311000', aux: {} };

/** The cost side of a recognition: the signed change of the securities at cost and the realized P&L (see ledger/domain/cost.ts). */
export interface CostEffect {
  securities: Decimal;
  realized: Decimal;
}

const pnl = (realized: Decimal) => ({
  realizedGain: realized.isPositive() ? realized : new Dec(0),
  realizedLoss: realized.isNegative() ? realized.negated() : new Dec(0),
});

/** Without a position (nothing held): the securities move at the consideration, no P&L. */
export const noCost = (t: TradeForPosting): CostEffect => ({
  securities: t.side === 'BUY' ? new Dec(t.grossAmount) : new Dec(t.grossAmount).negated(),
  realized: new Dec(0),
});

/**
 * Trade date. Settlement-date recognition (French rules): the commitment goes off balance sheet as
 * securities to receive (buy) or to deliver (sell), at the gross consideration. Trade-date
 * recognition: the securities at cost, accrued interest, fees and realized P&L on balance sheet
 * against the counterparty's settlement account (the net).
 */
export function tradeDatePosting(
  t: TradeForPosting,
  recognition: Recognition = 'SETTLEMENT_DATE',
  cost: CostEffect = noCost(t),
  set: RuleSet = RULE_SET_V1,
  ctx: PostingContext = DEFAULT_CONTEXT,
): JournalLine[] {
  const gross = new Dec(t.grossAmount);
  return applyRules(
    set,
    { event: 'TRADE_DATE', recognition, variant: t.side },
    { commitment: gross, gross, accrued: new Dec(t.accruedInterest), fees: new Dec(t.feesAmount), net: new Dec(t.netAmount), securities: cost.securities, ...pnl(cost.realized) },
    ctx,
  );
}

/** The settlement-date commitment (kept for the examples written before the rules were data). */
export function tradeDateCommitment(t: TradeForPosting): JournalLine[] {
  return tradeDatePosting(t);
}

/** One settlement step's figures (ledger/domain/amounts.ts). */
export interface StepForPosting {
  commitment: Decimal;
  accrued: Decimal;
  fees: Decimal;
  net: Decimal;
}

/**
 * Settlement (transfer of ownership) of a step. Settlement-date recognition: the commitment released
 * is reversed and the securities (at cost; a sale releases its cost and books its realized P&L),
 * the accrued interest, the fees and the cash move on balance sheet. Trade-date recognition: the
 * cash settles the counterparty's settlement account.
 */
export function settlementStepPosting(
  side: 'BUY' | 'SELL',
  step: StepForPosting,
  cost: CostEffect,
  recognition: Recognition = 'SETTLEMENT_DATE',
  set: RuleSet = RULE_SET_V1,
  ctx: PostingContext = DEFAULT_CONTEXT,
): JournalLine[] {
  return applyRules(
    set,
    { event: 'SETTLEMENT', recognition, variant: side },
    { commitment: step.commitment, accrued: step.accrued, fees: step.fees, net: step.net, securities: cost.securities, ...pnl(cost.realized) },
    ctx,
  );
}

/** The whole trade settled at once, nothing held before (the examples of the first issue). */
export function settlementPosting(t: TradeForPosting): JournalLine[] {
  const step = { commitment: new Dec(t.grossAmount), accrued: new Dec(t.accruedInterest), fees: new Dec(t.feesAmount), net: new Dec(t.netAmount) };
  return settlementStepPosting(t.side, step, noCost(t));
}

/** The cost side only of a trade-date or settlement entry (securities at cost, realized P&L): every other amount is zero, so its lines are left out. */
function costLines(set: RuleSet, key: { event: PostingEvent; recognition: Recognition; variant: string }, cost: CostEffect, ctx: PostingContext): JournalLine[] {
  const zero = new Dec(0);
  return applyRules(
    set,
    key,
    { commitment: zero, gross: zero, accrued: zero, fees: zero, net: zero, amount: zero, securities: cost.securities, ...pnl(cost.realized) },
    ctx,
  );
}

/**
 * A re-costing (ledger/domain/cost-history.ts): the cost side of the operation's entry as posted,
 * reversed, and as it is in economic order, netted per account. Balanced: securities − realized P&L
 * is the operation's consideration whatever its cost (ledger/domain/cost.ts), so the two cost sides
 * differ by as much on the securities as on the P&L.
 */
export function recostingPosting(
  set: RuleSet,
  key: { event: 'TRADE_DATE' | 'SETTLEMENT'; recognition: Recognition; variant: 'BUY' | 'SELL' },
  from: CostEffect,
  to: CostEffect,
  ctx: PostingContext,
): JournalLine[] {
  return nettedLines([...reversalOf(costLines(set, key, from, ctx)), ...costLines(set, key, to, ctx)]);
}

/** Lines netted per account and auxiliary account, in the order each first appears; what nets to zero is left out. */
export function nettedLines(lines: readonly JournalLine[]): JournalLine[] {
  const net = new Map<string, { accountCode: string; aux: string | null; signed: Decimal }>();
  for (const l of lines) {
    const k = `${l.accountCode}|${l.aux ?? ''}`;
    const seen = net.get(k) ?? { accountCode: l.accountCode, aux: l.aux ?? null, signed: new Dec(0) };
    seen.signed = seen.signed.plus(l.debit).minus(l.credit);
    net.set(k, seen);
  }
  return [...net.values()]
    .filter((l) => !l.signed.isZero())
    .map((l) => ({
      accountCode: l.accountCode,
      debit: l.signed.isNegative() ? new Dec(0) : l.signed,
      credit: l.signed.isNegative() ? l.signed.negated() : new Dec(0),
      aux: l.aux,
    }));
}
