import { describe, expect, it } from '@jest/globals';
import { XMLParser } from 'fast-xml-parser';
import { balanceOfPayments, bopXml, holdingsAt, holdingsXml, mergeLayout, BDF_LAYOUT, type BdfInstrument, type BdfSettlement } from './bdf.js';

const instruments = new Map<string, BdfInstrument>([
  ['FR0000120271', { isin: 'FR0000120271', instrumentType: 'SHARE', issuerCountry: 'FR', currency: 'EUR' }],
  ['US0378331005', { isin: 'US0378331005', instrumentType: 'SHARE', issuerCountry: 'US', currency: 'USD' }],
  ['FR0013341781', { isin: 'FR0013341781', instrumentType: 'BOND', issuerCountry: 'FR', currency: 'EUR' }],
]);
const countries = new Map([
  ['DE_LEI', 'DE'],
  ['FR_LEI', 'FR'],
  ['US_LEI', 'US'],
]);
const s = (tradeRef: string, o: Partial<BdfSettlement>): BdfSettlement => ({
  tradeRef,
  side: 'BUY',
  isin: 'FR0000120271',
  quantity: '100',
  amount: '5850.00',
  currency: 'EUR',
  settlementDate: '2026-11-30',
  counterparty: 'DE_LEI',
  ...o,
});
const settlements = [
  s('A', {}), // DE, SHARE, EUR, BUY 5,850.00
  s('B', { amount: '1000.50' }), // DE, SHARE, EUR, BUY 1,000.50 → with A: 6,850.50 in 2
  s('C', { side: 'SELL', quantity: '40', amount: '2400.00' }), // DE, SHARE, EUR, SELL
  s('D', { counterparty: 'FR_LEI', quantity: '10', amount: '585.00' }), // resident: not in the BoP report, in the holdings
  s('E', { counterparty: 'US_LEI', isin: 'US0378331005', currency: 'USD', quantity: '20', amount: '4210.40' }),
  s('F', { counterparty: 'US_LEI', isin: 'FR0013341781', quantity: '100000', amount: '99125.00' }),
  s('G', { settlementDate: '2026-10-30', quantity: '5', amount: '290.00' }), // October: not in November's BoP, in the holdings
  s('H', { settlementDate: '2026-12-01', quantity: '7' }), // after the month end: nowhere
  s('I', { counterparty: 'UNKNOWN_LEI' }),
];
const parse = (xml: string) =>
  new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (n) => n === 'Settlement' || n === 'Holding' }).parse(xml);

describe('Banque de France reports', () => {
  it('balance of payments: non-resident settlements of the month by country, instrument type, currency and direction', () => {
    const r = balanceOfPayments({ start: '2026-11-01', end: '2026-11-30' }, settlements, countries, instruments);
    expect(r.items).toEqual([
      { country: 'DE', instrumentType: 'SHARE', currency: 'EUR', direction: 'BUY', amount: '6850.50', count: 2 },
      { country: 'DE', instrumentType: 'SHARE', currency: 'EUR', direction: 'SELL', amount: '2400.00', count: 1 },
      { country: 'US', instrumentType: 'BOND', currency: 'EUR', direction: 'BUY', amount: '99125.00', count: 1 },
      { country: 'US', instrumentType: 'SHARE', currency: 'USD', direction: 'BUY', amount: '4210.40', count: 1 },
    ]);
    expect(r.unclassified).toEqual([{ tradeRef: 'I', reason: 'counterparty UNKNOWN_LEI unknown to the referential' }]);

    const doc = parse(bopXml(r, 'FIRM-BDF-01')).BalanceOfPaymentsReport;
    expect(doc['@_xmlns']).toBe('urn:postera:bdf:v1');
    expect(doc.Header).toEqual({ Declarant: 'FIRM-BDF-01', Period: '2026-11' });
    expect(doc.Settlement).toEqual([
      { CounterpartyCountry: 'DE', InstrumentType: 'SHARE', Currency: 'EUR', Direction: 'PURCHASE_FROM_NON_RESIDENT', Amount: '6850.50', Count: '2' },
      { CounterpartyCountry: 'DE', InstrumentType: 'SHARE', Currency: 'EUR', Direction: 'SALE_TO_NON_RESIDENT', Amount: '2400.00', Count: '1' },
      { CounterpartyCountry: 'US', InstrumentType: 'BOND', Currency: 'EUR', Direction: 'PURCHASE_FROM_NON_RESIDENT', Amount: '99125.00', Count: '1' },
      { CounterpartyCountry: 'US', InstrumentType: 'SHARE', Currency: 'USD', Direction: 'PURCHASE_FROM_NON_RESIDENT', Amount: '4210.40', Count: '1' },
    ]);
  });

  it('holdings by ISIN at month end: 5 + 100 + 100 − 40 + 10 + 100 (I) = 275 shares, the bond as nominal', () => {
    const h = holdingsAt('2026-11-30', settlements, instruments);
    expect(h).toEqual([
      { isin: 'FR0000120271', issuerCountry: 'FR', instrumentType: 'SHARE', currency: 'EUR', quantity: '275' },
      { isin: 'FR0013341781', issuerCountry: 'FR', instrumentType: 'BOND', currency: 'EUR', quantity: '100000' },
      { isin: 'US0378331005', issuerCountry: 'US', instrumentType: 'SHARE', currency: 'USD', quantity: '20' },
    ]);
    const doc = parse(holdingsXml('2026-11-30', h, 'FIRM-BDF-01')).SecuritiesHoldingsReport;
    expect(doc.Header).toEqual({ Declarant: 'FIRM-BDF-01', ReportingDate: '2026-11-30' });
    expect(doc.Holding[1]).toEqual({ ISIN: 'FR0013341781', IssuerCountry: 'FR', InstrumentType: 'BOND', Currency: 'EUR', Quantity: { '#text': '100000', '@_type': 'NOMINAL' } });
    expect(doc.Holding[0].Quantity).toEqual({ '#text': '275', '@_type': 'UNITS' });
  });

  it('the layout is one overridable object: renamed elements and direction codes, the rest kept', () => {
    const layout = mergeLayout(BDF_LAYOUT, { namespace: 'urn:bdf:onegate:bop:2', bop: { item: 'Ligne', directionCodes: { BUY: 'D' } } });
    const r = balanceOfPayments({ start: '2026-11-01', end: '2026-11-30' }, [settlements[0]!], countries, instruments);
    const doc = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(bopXml(r, 'X', layout)).BalanceOfPaymentsReport;
    expect(doc['@_xmlns']).toBe('urn:bdf:onegate:bop:2');
    expect(doc.Ligne).toMatchObject({ Direction: 'D', Amount: '5850.00' });
    expect(layout.bop.directionCodes.SELL).toBe('SALE_TO_NON_RESIDENT');
  });
});
