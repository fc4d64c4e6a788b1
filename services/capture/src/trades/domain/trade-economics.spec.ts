import { describe, expect, it } from '@jest/globals';
import type { TradeExecutedV1 } from '@postera/contracts';
import { economicsProblems, tradeEconomics } from './trade-economics.js';
import { intendedSettlementDate } from './settlement-cycle.js';
import { contentHash } from '../commands/capture-trade/trade-message.js';

const account = { account: 'CLI-0001', clientId: 'C0001', accountType: 'CLIENT' as const, book: 'CLIENTS' };
const msg: TradeExecutedV1 = {
  messageId: 'm1',
  sourceSystem: 'FO-EQ',
  tradeId: 'T1',
  version: 1,
  action: 'NEW',
  executedAt: '2026-11-26T10:00:00Z',
  tradeDate: '2026-11-26',
  side: 'SELL',
  isin: 'FR0000120271',
  quantity: '40',
  price: '250.10',
  priceType: 'UNIT',
  currency: 'EUR',
  venue: 'XPAR',
  account: 'CLI-0001',
  counterparty: '529900COUNTERPTY0129',
  capacity: 'AOTC',
  fees: [
    { type: 'COMMISSION', amount: '3.00', currency: 'EUR' },
    { type: 'STAMP', amount: '2.00', currency: 'EUR' },
  ],
};

describe('trade economics — worked examples', () => {
  it('sell 40 at 250.10 EUR with 3.00 + 2.00 fees: gross 10004.00, fees 5.00, net received 9999.00, T+2', () => {
    const e = tradeEconomics(msg, account);
    expect([e.grossAmount, e.feesAmount, e.netAmount, e.settlementDate, e.tradeRef]).toEqual(['10004.00', '5.00', '9999.00', '2026-11-30', 'FO-EQ:T1']);
  });
  it('buy of a bond: nominal 250000 at 99.875 % is 249687.50, plus 12.50 fees = 249700.00 paid', () => {
    const e = tradeEconomics(
      { ...msg, side: 'BUY', quantity: '250000', price: '99.875', priceType: 'PERCENT', fees: [{ type: 'COMMISSION', amount: '12.50', currency: 'EUR' }] },
      account,
    );
    expect([e.grossAmount, e.netAmount]).toEqual(['249687.50', '249700.00']);
  });
  it('trades from 11 Oct 2027 settle T+1 (EU move to T+1)', () => {
    expect([intendedSettlementDate('2027-10-08'), intendedSettlementDate('2027-10-11')]).toEqual(['2027-10-12', '2027-10-12']);
  });
  it('refuses fees above the consideration and a consideration that rounds to zero', () => {
    const tooDear = tradeEconomics({ ...msg, quantity: '1', price: '3.00' }, account);
    expect(economicsProblems(tooDear).map((p) => p.rule)).toEqual(['fees 5.00 exceed the consideration 3.00 EUR']);
    const nothing = tradeEconomics({ ...msg, quantity: '1', price: '0.001', fees: [] }, account);
    expect(economicsProblems(nothing).map((p) => p.field)).toEqual(['quantity']);
  });
});

describe('content hash', () => {
  it('ignores the messageId and key order, but sees a change of fees', () => {
    const a = { ...msg } as unknown as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(a).reverse());
    expect(contentHash({ ...reordered, messageId: 'other' })).toBe(contentHash(a));
    expect(
      contentHash({
        ...a,
        fees: [
          { type: 'COMMISSION', amount: '3.50', currency: 'EUR' },
          { type: 'STAMP', amount: '2.00', currency: 'EUR' },
        ],
      }),
    ).not.toBe(contentHash(a));
  });
});
