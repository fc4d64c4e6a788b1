import { describe, expect, it } from '@jest/globals';
import { amountFieldsOutOfForm } from './amount-form.js';

describe('amounts in their one form: a decimal string with exactly the currency’s minor units', () => {
  it('a journal and a trial balance as they should be: nothing out of form', () => {
    const good = {
      journal: [
        { accountCode: '312000', currency: 'EUR', debit: '8775.00', credit: '0.00' },
        { accountCode: '512000', currency: 'EUR', debit: '0.00', credit: '8783.78' },
        { accountCode: '512000', currency: 'JPY', debit: '0', credit: '123450' },
      ],
      fx: { rows: [{ currency: 'USD', position: '-1200.50', rate: '1.0523', carryingEur: '1140.84', unrealisedEur: null }] },
      trade: { currency: 'EUR', quantity: '150', price: '58.50', grossAmount: '8775.00', fees: [{ type: 'COMMISSION', amount: '8.78', currency: 'EUR' }] },
    };
    expect(amountFieldsOutOfForm(good)).toEqual([]);
  });

  it('the same with the forms Postgres and a JS number give: each named by its path', () => {
    const bad = {
      journal: [
        { accountCode: '312000', currency: 'EUR', debit: '8775', credit: '0' },
        { accountCode: '512000', currency: 'EUR', debit: '0.00', credit: '8783.78' },
        { accountCode: '512000', currency: 'JPY', debit: '0.00', credit: '123450' },
      ],
      fx: { rows: [{ currency: 'USD', position: '-1200.5', rate: '1.0523', carryingEur: '1140.8', unrealisedEur: null }] },
      trade: { currency: 'EUR', quantity: '150', price: '58.50', grossAmount: 8775, fees: [{ type: 'COMMISSION', amount: '8.775', ccy: 'EUR' }] },
      odd: { currency: 'XXX', amount: '1.00' },
    };
    expect(amountFieldsOutOfForm(bad)).toEqual([
      '$.journal[0].debit: "8775" (EUR)',
      '$.journal[0].credit: "0" (EUR)',
      '$.journal[2].debit: "0.00" (JPY)',
      '$.fx.rows[0].position: "-1200.5" (USD)',
      '$.fx.rows[0].carryingEur: "1140.8" (EUR)',
      '$.trade.grossAmount: 8775 (EUR)',
      '$.trade.fees[0].amount: "8.775" (EUR)',
      '$.odd.amount: "1.00" (currency "XXX" unknown)',
    ]);
  });

  it('prices, rates and quantities beside a currency are not amounts; an amount without a currency beside it is not checked', () => {
    expect(amountFieldsOutOfForm([{ currency: 'EUR', price: '101.255', rate: '0.0001', quantity: '150.5' }, { amount: '12.3456' }])).toEqual([]);
  });
});
