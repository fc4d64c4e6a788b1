import type { TradeExecutedV1 } from '@postera/contracts';
import { TARGET } from '@postera/kernel';
import { accountRef, executionMessage, instrumentRef } from '@postera/testing';
import type { AccountRef, InstrumentRef, PartyRef, SsiRef } from '../../referential/referential.reader.js';
import type { Enrichment } from './trade-economics.js';

/** Referential rows and a message for the domain's worked examples (no database). */
export const account: AccountRef = accountRef({
  account: 'CLI-0001',
  clientId: 'C0001',
  clientName: 'Mme Claire Dubois',
  accountType: 'CLIENT',
  book: 'CLIENTS',
  accountingCategory: 'PLACEMENT',
  contacts: [{ channel: 'EMAIL', address: 'claire.dubois@example.fr' }],
});
export const share: InstrumentRef = instrumentRef('FR0000120271', 'TotalEnergies SE');
/** A 3.5 % annual ACT/ACT-ICMA bond maturing 15 June 2030. */
export const bond: InstrumentRef = {
  ...share,
  isin: 'FR0013508470',
  name: 'OAT 3.5% 2030',
  instrumentType: 'BOND',
  liquidityClass: 'SOVEREIGN_DEBT',
  ttfScopeYears: [],
  bond: { couponRate: '3.5', couponFrequency: 1, dayCount: 'ACT/ACT-ICMA', maturityDate: '2030-06-15' },
};
export const party: PartyRef = { lei: '529900COUNTERPTY0129', name: 'Contrepartie Alpha SA', country: 'FR', bic: 'ALPHFRPPXXX', version: 1 };
export const accountSsi: SsiRef = {
  owner: 'CLI-0001',
  market: 'EU',
  currency: 'EUR',
  placeOfSettlement: 'SICVFRPPXXX',
  safekeepingAccount: 'SAFE-CLI-0001',
  cashAccount: 'CASH-CLI-0001',
  agentBic: null,
  version: 1,
};
export const counterpartySsi: SsiRef = { ...accountSsi, owner: party.lei, safekeepingAccount: 'SAFE-ALPHA', cashAccount: null };

export const enrichment = (over: Partial<Enrichment> = {}): Enrichment => ({
  account,
  instrument: share,
  party,
  calendar: TARGET,
  accountSsi,
  counterpartySsi,
  origin: 'ELECTRONIC',
  lateBooking: false,
  ...over,
});

/** Sell 40 TotalEnergies at 250.10 EUR for CLI-0001, commission 3.00 and stamp 2.00; no order type given. */
export const message = executionMessage({
  messageId: 'm1',
  tradeId: 'T1',
  executedAt: '2026-11-26T10:00:00Z',
  side: 'SELL',
  quantity: '40',
  price: '250.10',
  account: 'CLI-0001',
  orderType: undefined,
  fees: [
    { type: 'COMMISSION', amount: '3.00', currency: 'EUR' },
    { type: 'STAMP', amount: '2.00', currency: 'EUR' },
  ],
}) as unknown as TradeExecutedV1;
