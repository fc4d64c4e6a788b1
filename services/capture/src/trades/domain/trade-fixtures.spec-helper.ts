import type { TradeExecutedV1 } from '@postera/contracts';
import { TARGET } from '@postera/kernel';
import type { AccountRef, InstrumentRef, PartyRef, SsiRef } from '../../referential/referential.reader.js';
import type { Enrichment } from './trade-economics.js';

/** Referential rows and a message for the domain's worked examples (no database). */
export const account: AccountRef = {
  account: 'CLI-0001',
  clientId: 'C0001',
  clientName: 'Mme Claire Dubois',
  accountType: 'CLIENT',
  book: 'CLIENTS',
  accountingCategory: 'PLACEMENT',
  costMethod: 'CMP',
  language: 'fr',
  contacts: [{ channel: 'EMAIL', address: 'claire.dubois@example.fr' }],
  baseCurrency: 'EUR',
  netting: false,
  version: 1,
};
export const share: InstrumentRef = {
  isin: 'FR0000120271',
  name: 'TotalEnergies SE',
  instrumentType: 'SHARE',
  currency: 'EUR',
  issuerCountry: 'FR',
  settlementMarket: 'EU',
  placeOfSettlement: 'SICVFRPPXXX',
  liquidityClass: 'LIQUID_SHARE',
  ttfScopeYears: [2026],
  bond: null,
  version: 1,
};
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

export const message: TradeExecutedV1 = {
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
