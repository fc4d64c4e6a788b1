import { describe, expect, it } from '@jest/globals';
import { netGroups, netInstructionShape, type GrossForNetting } from './netting.js';

const g = (o: Partial<GrossForNetting>): GrossForNetting => ({
  instructionId: o.tradeRef ?? 'x',
  tradeRef: 'T',
  side: 'BUY',
  account: 'PROP-01',
  counterparty: 'LEI-A',
  isin: 'FR0000120271',
  intendedSettlementDate: '2026-11-30',
  currency: 'EUR',
  quantity: '0',
  settlementAmount: '0',
  ...o,
});

describe('netting per account, counterparty, ISIN, date and currency', () => {
  it('buy 150 for 8,784.53 and sell 100 for 5,844.65 → receive 50 against paying 2,939.88 (RVP, DBIT)', () => {
    const [n, ...rest] = netGroups([
      g({ tradeRef: 'FO:B', side: 'SELL', quantity: '100', settlementAmount: '5844.65' }),
      g({ tradeRef: 'FO:A', side: 'BUY', quantity: '150', settlementAmount: '8784.53' }),
    ]);
    expect(rest).toEqual([]);
    expect(n!.members.map((m) => m.tradeRef)).toEqual(['FO:A', 'FO:B']);
    expect([n!.netQuantity, n!.netCash]).toEqual(['50', '2939.88']);
    expect(netInstructionShape(n!)).toEqual({ instructionType: 'RVP', side: 'BUY', cashDirection: 'DBIT' });
  });
  it('sell more than bought, receiving cash → DVP, CRDT; the cash netting to zero → free of payment', () => {
    const [n] = netGroups([
      g({ tradeRef: 'A', quantity: '10', settlementAmount: '100.00' }),
      g({ tradeRef: 'B', side: 'SELL', quantity: '30', settlementAmount: '310.00' }),
    ]);
    expect([n!.netQuantity, n!.netCash]).toEqual(['-20', '-210']);
    expect(netInstructionShape(n!)).toEqual({ instructionType: 'DVP', side: 'SELL', cashDirection: 'CRDT' });
    const [f] = netGroups([
      g({ tradeRef: 'A', quantity: '10', settlementAmount: '100.00' }),
      g({ tradeRef: 'B', side: 'SELL', quantity: '5', settlementAmount: '100.00' }),
    ]);
    expect(netInstructionShape(f!).instructionType).toBe('RFP');
  });
  it('another counterparty, ISIN, date or currency is another instruction', () => {
    const groups = netGroups([
      g({ tradeRef: 'A', quantity: '1' }),
      g({ tradeRef: 'B', quantity: '1', counterparty: 'LEI-B' }),
      g({ tradeRef: 'C', quantity: '1', isin: 'FR0000131104' }),
      g({ tradeRef: 'D', quantity: '1', intendedSettlementDate: '2026-12-01' }),
      g({ tradeRef: 'E', quantity: '1', currency: 'USD' }),
      g({ tradeRef: 'F', quantity: '1' }),
    ]);
    expect(groups.map((x) => x.members.map((m) => m.tradeRef).join('+')).sort()).toEqual(['A+F', 'B', 'C', 'D', 'E']);
  });
});
