import { Dec, type Dec as Decimal } from '@postera/kernel';

/** The chart codes the rules post to (seeded by migrations; data, not code, from the accounting issue on). */
export const LedgerAccounts = {
  securities: '311000',
  nostro: '512000',
  accruedInterestReceivable: '518100',
  fees: '622000',
  securitiesToReceive: '903100',
  securitiesToReceiveContra: '903900',
  securitiesToDeliver: '904100',
  securitiesToDeliverContra: '904900',
} as const;

export interface JournalLine {
  accountCode: string;
  debit: Decimal;
  credit: Decimal;
}

export interface TradeForPosting {
  side: 'BUY' | 'SELL';
  currency: string;
  grossAmount: string;
  /** Accrued interest of a bond ("0.00" for shares and ETFs). */
  accruedInterest: string;
  feesAmount: string;
  netAmount: string;
}

const dr = (accountCode: string, amount: Decimal): JournalLine => ({ accountCode, debit: amount, credit: new Dec(0) });
const cr = (accountCode: string, amount: Decimal): JournalLine => ({ accountCode, debit: new Dec(0), credit: amount });
const nonZero = (lines: JournalLine[]) => lines.filter((l) => !l.debit.isZero() || !l.credit.isZero());

/**
 * Trade date (French rules, settlement-date recognition): the commitment goes off balance sheet
 * as securities to receive (buy) or to deliver (sell), at the gross consideration.
 */
export function tradeDateCommitment(t: TradeForPosting): JournalLine[] {
  const gross = new Dec(t.grossAmount);
  return t.side === 'BUY'
    ? [dr(LedgerAccounts.securitiesToReceive, gross), cr(LedgerAccounts.securitiesToReceiveContra, gross)]
    : [dr(LedgerAccounts.securitiesToDeliverContra, gross), cr(LedgerAccounts.securitiesToDeliver, gross)];
}

/**
 * Settlement (transfer of ownership): the commitment is reversed and the securities and cash
 * move on balance sheet. Buy: securities at gross, the accrued interest bought as a receivable,
 * fees expensed, nostro credited with the net (gross + accrued + fees). Sell: nostro debited with
 * the net (gross + accrued − fees), fees expensed, securities credited at gross and the accrued
 * interest sold out of the receivable. (Cost and realized P&L per lot come with the accounting issue.)
 */
export function settlementPosting(t: TradeForPosting): JournalLine[] {
  const gross = new Dec(t.grossAmount);
  const accrued = new Dec(t.accruedInterest);
  const fees = new Dec(t.feesAmount);
  const net = new Dec(t.netAmount);
  const lines =
    t.side === 'BUY'
      ? [
          dr(LedgerAccounts.securitiesToReceiveContra, gross),
          cr(LedgerAccounts.securitiesToReceive, gross),
          dr(LedgerAccounts.securities, gross),
          dr(LedgerAccounts.accruedInterestReceivable, accrued),
          dr(LedgerAccounts.fees, fees),
          cr(LedgerAccounts.nostro, net),
        ]
      : [
          dr(LedgerAccounts.securitiesToDeliver, gross),
          cr(LedgerAccounts.securitiesToDeliverContra, gross),
          dr(LedgerAccounts.nostro, net),
          dr(LedgerAccounts.fees, fees),
          cr(LedgerAccounts.securities, gross),
          cr(LedgerAccounts.accruedInterestReceivable, accrued),
        ];
  return nonZero(lines);
}

/**
 * The mirror of an entry's lines (each debit becomes a credit of the same amount and account, in
 * the same order): a correction is a reversal plus a new entry, never a change (DOMAIN.md §3).
 */
export function reversalOf(lines: readonly JournalLine[]): JournalLine[] {
  return lines.map((l) => ({ accountCode: l.accountCode, debit: l.credit, credit: l.debit }));
}

/** Σ debit − Σ credit; zero for a balanced entry (all lines of one entry are in one currency). */
export function imbalance(lines: JournalLine[]): Decimal {
  return lines.reduce((s, l) => s.plus(l.debit).minus(l.credit), new Dec(0));
}
