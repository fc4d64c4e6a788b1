import { Dec } from '@postera/kernel';

export interface GrossForNetting {
  instructionId: string;
  tradeRef: string;
  side: 'BUY' | 'SELL';
  account: string;
  counterparty: string;
  isin: string;
  intendedSettlementDate: string;
  currency: string;
  quantity: string;
  /** What the account pays on a BUY, receives on a SELL (the trade's net amount). */
  settlementAmount: string;
}

export interface NetGroup {
  key: string;
  account: string;
  counterparty: string;
  isin: string;
  intendedSettlementDate: string;
  currency: string;
  members: GrossForNetting[];
  /** Signed for our side: > 0 we receive securities, < 0 we deliver. */
  netQuantity: string;
  /** Signed for our side: > 0 we pay cash, < 0 we receive. */
  netCash: string;
}

/**
 * Netting (DOMAIN.md §2): one instruction per account, counterparty, ISIN, settlement date and
 * currency; net quantity = bought − sold, net cash = paid − received (exact sums, no rounding: the
 * gross amounts are already in minor units). Groups come out sorted by key, members by trade ref,
 * so the same trades always net into the same instruction.
 */
export function netGroups(gross: readonly GrossForNetting[]): NetGroup[] {
  const groups = new Map<string, GrossForNetting[]>();
  for (const g of gross) {
    const key = [g.account, g.counterparty, g.isin, g.intendedSettlementDate, g.currency].join('|');
    groups.set(key, [...(groups.get(key) ?? []), g]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, members]) => {
      const sorted = [...members].sort((a, b) => a.tradeRef.localeCompare(b.tradeRef));
      const sign = (m: GrossForNetting) => (m.side === 'BUY' ? 1 : -1);
      const netQuantity = sorted.reduce((s, m) => s.plus(new Dec(m.quantity).mul(sign(m))), new Dec(0));
      const netCash = sorted.reduce((s, m) => s.plus(new Dec(m.settlementAmount).mul(sign(m))), new Dec(0));
      const f = sorted[0]!;
      return {
        key,
        account: f.account,
        counterparty: f.counterparty,
        isin: f.isin,
        intendedSettlementDate: f.intendedSettlementDate,
        currency: f.currency,
        members: sorted,
        netQuantity: netQuantity.toFixed(),
        netCash: netCash.toFixed(),
      };
    });
}

/** The net instruction's type and cash direction for our side; free of payment when the cash nets to zero. */
export function netInstructionShape(g: NetGroup): { instructionType: 'RVP' | 'DVP' | 'RFP' | 'DFP'; side: 'BUY' | 'SELL'; cashDirection: 'DBIT' | 'CRDT' } {
  const receive = new Dec(g.netQuantity).gt(0);
  const cash = new Dec(g.netCash);
  const free = cash.isZero();
  return {
    instructionType: receive ? (free ? 'RFP' : 'RVP') : free ? 'DFP' : 'DVP',
    side: receive ? 'BUY' : 'SELL',
    cashDirection: cash.gt(0) ? 'DBIT' : 'CRDT',
  };
}
