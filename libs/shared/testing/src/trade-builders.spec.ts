import { describe, expect, it } from '@jest/globals';
import { envelopeProblems } from '@postera/contracts';
import { deterministicId } from '@postera/kernel';
import {
  accountUpserted,
  amendmentTo100,
  businessDay,
  counterpartyConfirmationIssued,
  instructionIdOf,
  instructionStatusChanged,
  tradeAmended,
  tradeCancelled,
  tradeCaptured,
  tradeConfirmed,
  tradeEconomics,
  tradeValidated,
} from './trade-builders.js';

describe('the shared trade and referential builders', () => {
  it('a trade takes its source and id from its ref, and the overrides win over the worked example', () => {
    const t = tradeEconomics('FO-FI:T-7', { side: 'SELL', quantity: '40', price: '250.10', grossAmount: '10004.00', fees: [] });
    expect(t).toMatchObject({
      tradeRef: 'FO-FI:T-7',
      sourceSystem: 'FO-FI',
      tradeId: 'T-7',
      side: 'SELL',
      quantity: '40',
      price: '250.10',
      grossAmount: '10004.00',
    });
    expect(t.fees).toEqual([]);
    // What is not overridden stays the worked example's.
    expect(t).toMatchObject({ version: 1, isin: 'FR0000120271', feesAmount: '8.78', netAmount: '8784.53', settlementDate: '2026-11-30', account: 'CLI-0003' });
  });

  it('amounts and quantities stay decimal strings, through the JSON that goes on the topic', () => {
    const sent = JSON.parse(JSON.stringify(tradeCaptured(tradeEconomics('FO-EQ:T-1')))) as { payload: { trade: Record<string, unknown> } };
    const { quantity, price, grossAmount, accruedInterest, feesAmount, netAmount, fees } = sent.payload.trade;
    expect([quantity, price, grossAmount, accruedInterest, feesAmount, netAmount]).toEqual(['150', '58.505', '8775.75', '0.00', '8.78', '8784.53']);
    expect(fees).toEqual([{ type: 'COMMISSION', amount: '8.78', currency: 'EUR' }]);
  });

  it('every trade event is a valid envelope from capture, correlated by the trade ref, with no cause', () => {
    const v1 = tradeEconomics('FO-EQ:T-2');
    const v2 = { ...v1, version: 2, quantity: '100' };
    const events = [tradeCaptured(v1), tradeAmended(v1, v2), tradeConfirmed(v2), tradeValidated(v2), tradeCancelled(v2)];
    expect(events.map((e) => [e.type, e.producer, e.correlationId, e.causationId])).toEqual([
      ['TradeCaptured', 'capture', 'FO-EQ:T-2', null],
      ['TradeAmended', 'capture', 'FO-EQ:T-2', null],
      ['TradeConfirmed', 'capture', 'FO-EQ:T-2', null],
      ['TradeValidated', 'capture', 'FO-EQ:T-2', null],
      ['TradeCancelled', 'capture', 'FO-EQ:T-2', null],
    ]);
    expect(events.flatMap(envelopeProblems)).toEqual([]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(5);
  });

  it('the events say the version they act on: amended before and after, confirmed and cancelled at theirs', () => {
    const v1 = tradeEconomics('FO-EQ:T-3');
    const v2 = { ...v1, version: 2, grossAmount: '5850.50' };
    expect(tradeAmended(v1, v2).payload).toEqual({ before: v1, after: v2, status: 'CAPTURED' });
    expect(tradeConfirmed(v2).payload).toEqual({ tradeRef: 'FO-EQ:T-3', version: 2, confirmationId: 'C-T-3', status: 'CONFIRMED' });
    expect(tradeConfirmed(v2, 'CONF-9').payload.confirmationId).toBe('CONF-9');
    // The cancel is the next version unless said.
    expect(tradeCancelled(v2).payload).toEqual({ trade: v2, cancelVersion: 3, status: 'CANCELLED' });
    expect(tradeCancelled(v2, 7).payload.cancelVersion).toBe(7);
  });

  it('the amendment to 100 is the next version at the same price: gross 5850.50, commission 5.85, net 5856.35', () => {
    const v1 = tradeEconomics('FO-EQ:T-8');
    const v2 = amendmentTo100(v1);
    expect(v2).toEqual({
      ...v1,
      version: 2,
      quantity: '100',
      grossAmount: '5850.50',
      feesAmount: '5.85',
      netAmount: '5856.35',
      fees: [{ type: 'COMMISSION', amount: '5.85', currency: 'EUR' }],
    });
    expect(amendmentTo100(v2, { settlementDate: '2026-12-01' })).toMatchObject({ version: 3, quantity: '100', settlementDate: '2026-12-01' });
  });

  it('a counterparty confirmation settles gross plus accrued interest, without our fees, for the party named', () => {
    const party = { lei: '529900T8BM49AURSDO55', name: 'Banque Exemple SA', bic: 'BEXAFRPPXXX' };
    const t = tradeEconomics('FO-EQ:T-9');
    const issued = counterpartyConfirmationIssued(t, party);
    expect(issued).toMatchObject({ type: 'CounterpartyConfirmationIssued', producer: 'capture', correlationId: 'FO-EQ:T-9', causationId: null });
    // The trade's own terms, the party, and the cash of 150 at 58.505 without the 8.78 commission.
    const terms = ['tradeRef', 'version', 'side', 'isin', 'quantity', 'price', 'priceType', 'currency', 'tradeDate', 'settlementDate'] as const;
    expect(issued.payload).toEqual({ ...Object.fromEntries(terms.map((k) => [k, t[k]])), counterparty: party, settlementAmount: '8775.75' });
    expect(envelopeProblems(issued)).toEqual([]);
    const bondTrade = tradeEconomics('FO-FI:T-10', { grossAmount: '98500.00', accruedInterest: '1610.96' });
    expect(counterpartyConfirmationIssued(bondTrade, party).payload.settlementAmount).toBe('100110.96');
  });

  it('a validation under four eyes names its approver; straight through, nobody', () => {
    const t = tradeEconomics('FO-EQ:T-4');
    expect(tradeValidated(t).payload).toMatchObject({ how: 'STRAIGHT_THROUGH', validatedBy: null, status: 'VALIDATED' });
    expect(tradeValidated(t, 'MAKER_CHECKER').payload).toMatchObject({ how: 'MAKER_CHECKER', validatedBy: 'supervisor-1' });
  });

  it('an instruction settled carries the whole trade in one step under settlement’s id; a pending one, no figures', () => {
    const t = tradeEconomics('FO-EQ:T-5', { version: 2 });
    const settled = instructionStatusChanged(t, 'SETTLED');
    expect(settled).toMatchObject({ type: 'InstructionStatusChanged', producer: 'settlement', correlationId: 'FO-EQ:T-5' });
    expect(settled.payload).toMatchObject({
      instructionId: deterministicId('instruction', 'FO-EQ:T-5', '2'),
      tradeVersion: 2,
      settlementAmount: '8784.53',
      settledQuantity: '150',
      settledAmount: '8784.53',
      stepQuantity: '150',
      stepAmount: '8784.53',
      effectiveSettlementDate: '2026-11-30',
    });
    expect(instructionIdOf('FO-EQ:T-5', 2)).toBe(settled.payload.instructionId);
    expect(instructionStatusChanged(t, 'FAILING', { reason: 'LACK' }).payload).toMatchObject({
      status: 'FAILING',
      reason: 'LACK',
      settledQuantity: null,
      settledAmount: null,
      stepQuantity: null,
      stepAmount: null,
      effectiveSettlementDate: null,
    });
  });

  it('a partial settlement is told by its overrides, which win over the whole', () => {
    const t = tradeEconomics('FO-EQ:T-6');
    const partial = instructionStatusChanged(t, 'PARTIALLY_SETTLED', {
      settledQuantity: '60',
      stepQuantity: '60',
      stepAmount: '5270.72',
      instructionId: 'ins-T-6',
    });
    expect(partial.payload).toMatchObject({
      status: 'PARTIALLY_SETTLED',
      settledQuantity: '60',
      stepQuantity: '60',
      stepAmount: '5270.72',
      instructionId: 'ins-T-6',
    });
    // Not overridden: the cumulative cash stays the whole trade's.
    expect(partial.payload.settledAmount).toBe('8784.53');
  });

  it('an account is proprietary trading unless said, keyed by the account', () => {
    const e = accountUpserted({ account: 'PROP-01', book: 'PROP-EQ' });
    expect(e).toMatchObject({ type: 'AccountUpserted', producer: 'capture', correlationId: 'PROP-01' });
    expect(e.payload).toMatchObject({
      account: 'PROP-01',
      book: 'PROP-EQ',
      clientId: 'PROP-01',
      accountType: 'PROPRIETARY',
      accountingCategory: 'TRADING',
      version: 1,
    });
    expect(accountUpserted({ account: 'CLI-1', book: 'CLIENT-EQ', accountType: 'CLIENT', clientId: 'C-1' }).payload).toMatchObject({
      accountType: 'CLIENT',
      clientId: 'C-1',
    });
  });

  it('a business day is the gateway’s, keyed by the day, unless the test publishes it otherwise', () => {
    expect(businessDay('BusinessDayClosed', '2026-11-26')).toMatchObject({
      type: 'BusinessDayClosed',
      producer: 'gateway',
      correlationId: 'business-day:2026-11-26',
      payload: { calendar: 'TARGET', businessDate: '2026-11-26' },
    });
    expect(businessDay('BusinessDayOpened', '2026-11-27', { producer: 'ops', correlationId: 'TARGET' })).toMatchObject({
      type: 'BusinessDayOpened',
      producer: 'ops',
      correlationId: 'TARGET',
    });
  });
});
