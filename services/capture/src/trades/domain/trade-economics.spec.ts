import { describe, expect, it } from '@jest/globals';
import { US } from '@postera/kernel';
import { contentHash } from '../commands/capture-trade/trade-message.js';
import { economicsProblems, tradeEconomics } from './trade-economics.js';
import { account, bond, enrichment, message as msg, share } from './trade-fixtures.spec-helper.js';

describe('trade economics — worked examples', () => {
  it('sell 40 at 250.10 EUR with 3.00 + 2.00 fees: gross 10004.00, fees 5.00, net received 9999.00, T+2 on TARGET', () => {
    const e = tradeEconomics(msg, enrichment());
    expect([e.grossAmount, e.accruedInterest, e.feesAmount, e.netAmount, e.settlementDate, e.tradeRef]).toEqual([
      '10004.00',
      '0.00',
      '5.00',
      '9999.00',
      // Thursday 26 Nov 2026 + 2 TARGET business days = Monday 30 Nov.
      '2026-11-30',
      'FO-EQ:T1',
    ]);
  });

  it('buy of a bond: nominal 100000 at 98.50 % settling 2026-11-30 — gross 98500.00, accrued 1610.96, fees 25.00, net 100135.96', () => {
    // Accrued: 3.5 % ACT/ACT-ICMA annual, last coupon 2026-06-15, next 2027-06-15 (365 days);
    // 15 Jun → 30 Nov 2026 = 168 days; 100000 × 0.035 × 168/365 = 1610.9589… → 1610.96 (half-up).
    const e = tradeEconomics(
      {
        ...msg,
        side: 'BUY',
        isin: bond.isin,
        quantity: '100000',
        price: '98.50',
        priceType: 'PERCENT',
        fees: [{ type: 'COMMISSION', amount: '25.00', currency: 'EUR' }],
      },
      enrichment({ instrument: bond }),
    );
    expect([e.settlementDate, e.grossAmount, e.accruedInterest, e.feesAmount, e.netAmount]).toEqual([
      '2026-11-30',
      '98500.00',
      '1610.96',
      '25.00',
      '100135.96',
    ]);
  });

  it('the settlement date override wins over the cycle', () => {
    expect(tradeEconomics({ ...msg, settlementDate: '2026-12-04' }, enrichment()).settlementDate).toBe('2026-12-04');
  });

  it('EU trades from 11 Oct 2027 settle T+1: Friday 8 Oct → Tuesday 12 Oct (T+2), Monday 11 Oct → Tuesday 12 Oct (T+1)', () => {
    const on = (tradeDate: string) => tradeEconomics({ ...msg, tradeDate }, enrichment()).settlementDate;
    expect([on('2027-10-08'), on('2027-10-11')]).toEqual(['2027-10-12', '2027-10-12']);
  });

  it('a US share settles T+1 on the US calendar: Wednesday 25 Nov 2026 → Friday 27 Nov (Thanksgiving 26 Nov is closed)', () => {
    const apple = { ...share, isin: 'US0378331005', currency: 'USD', settlementMarket: 'US', placeOfSettlement: 'DTCYUS33XXX' };
    const e = tradeEconomics({ ...msg, isin: apple.isin, currency: 'USD', tradeDate: '2026-11-25', fees: [] }, enrichment({ instrument: apple, calendar: US }));
    expect(e.settlementDate).toBe('2026-11-27');
  });

  it('carries both SSIs, the place of settlement, the flags and how the account is booked (category, cost method) from the referential', () => {
    const e = tradeEconomics(msg, enrichment({ account: { ...account, costMethod: 'FIFO' }, counterpartySsi: undefined, lateBooking: true, origin: 'MANUAL' }));
    expect([e.ssis.account?.safekeepingAccount, e.ssis.counterparty, e.placeOfSettlement, e.lateBooking, e.origin, e.accountingCategory, e.costMethod]).toEqual(
      ['SAFE-CLI-0001', null, 'SICVFRPPXXX', true, 'MANUAL', 'PLACEMENT', 'FIFO'],
    );
  });

  it('passes on the venue transaction id and the trader for MiFIR (fields 3 and 59), null when the platform gave none', () => {
    const e = tradeEconomics({ ...msg, venueTransactionId: 'XPAR-20261126-000042', trader: 'FR19800101JEAN#DUPON' }, enrichment());
    expect([e.venueTransactionId, e.trader]).toEqual(['XPAR-20261126-000042', 'FR19800101JEAN#DUPON']);
    const { venueTransactionId: _v, trader: _t, ...without } = msg as typeof msg & { venueTransactionId?: string; trader?: string };
    const none = tradeEconomics(without, enrichment());
    expect([none.venueTransactionId, none.trader]).toEqual([null, null]);
  });

  it('refuses fees above the consideration and a consideration that rounds to zero', () => {
    const tooDear = tradeEconomics({ ...msg, quantity: '1', price: '3.00' }, enrichment());
    expect(economicsProblems(tooDear).map((p) => p.rule)).toEqual(['fees 5.00 exceed the consideration 3.00 EUR']);
    const nothing = tradeEconomics({ ...msg, quantity: '1', price: '0.001', fees: [] }, enrichment());
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
