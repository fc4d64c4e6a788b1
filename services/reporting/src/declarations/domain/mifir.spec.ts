import { describe, expect, it } from '@jest/globals';
import { XMLParser } from 'fast-xml-parser';
import { auth016Xml, validateMifirReport, type MifirFirm, type MifirTrade } from './mifir.js';

const firm: MifirFirm = { lei: '969500UP76J52A9OXU27', branchCountry: 'FR' };
const trade: MifirTrade = {
  tradeRef: 'FO-EQ:M1',
  version: 1,
  side: 'BUY',
  isin: 'FR0000120271',
  quantity: '150',
  price: '58.505',
  priceType: 'UNIT',
  currency: 'EUR',
  executedAt: '2026-11-26T10:15:02.120+01:00',
  tradeDate: '2026-11-26',
  venue: 'XPAR',
  venueTransactionId: 'XPAR-778812',
  counterparty: '529900T8BM49AURSDO55',
  capacity: 'DEAL',
  accountType: 'PROPRIETARY',
  clientId: 'FIRM',
  instrumentType: 'SHARE',
};
const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (_name, jpath) => jpath === 'Document.FinInstrmRptgTxRpt.Tx' }).parse(xml);
const NOW = new Date('2026-11-27T08:00:00Z');

describe('MiFIR auth.016', () => {
  it('a NEW report carries every field, read back from the XML', () => {
    const xml = auth016Xml([{ kind: 'NEW', transactionReference: 'PST20261126000001', trade }], firm);
    const doc = parse(xml).Document;
    expect(doc['@_xmlns']).toBe('urn:iso:std:iso:20022:tech:xsd:auth.016.001.01');
    const n = doc.FinInstrmRptgTxRpt.Tx[0].New;
    expect(n.TxId).toBe('PST20261126000001');
    expect(n.ExctgPty).toBe('969500UP76J52A9OXU27');
    expect(n.SubmitgPty).toBe('969500UP76J52A9OXU27');
    expect(n.Buyr.AcctOwnr.Id.LEI).toBe('969500UP76J52A9OXU27'); // DEAL: the firm buys for itself
    expect(n.Sellr.AcctOwnr.Id.LEI).toBe('529900T8BM49AURSDO55');
    expect(n.Tx.TradDt).toBe('2026-11-26T09:15:02.120Z'); // UTC
    expect(n.Tx.TradgCpcty).toBe('DEAL');
    expect(n.Tx.Qty.Unit).toBe('150');
    expect(n.Tx.Pric.Pric.MntryVal.Amt).toEqual({ '#text': '58.505', '@_Ccy': 'EUR' });
    expect(n.Tx.TradVn).toBe('XPAR');
    expect(n.Tx.CtryOfBrnch).toBe('FR');
    expect(n.Tx.TradgVnTxId).toBe('XPAR-778812');
    expect(n.FinInstrm.Id).toBe('FR0000120271');
  });

  it('a sale for a client (AOTC) names the client as seller; a bond reports nominal and a percentage price', () => {
    const bond: MifirTrade = { ...trade, side: 'SELL', capacity: 'AOTC', accountType: 'CLIENT', clientId: 'CL-0003', instrumentType: 'BOND', priceType: 'PERCENT', price: '99.125', quantity: '100000', isin: 'FR0013341781' };
    const n = parse(auth016Xml([{ kind: 'NEW', transactionReference: 'PST20261126000002', trade: bond }], firm)).Document.FinInstrmRptgTxRpt.Tx[0].New;
    expect(n.Sellr.AcctOwnr.Id.Prsn.Othr).toEqual({ Id: 'CL-0003', SchmeNm: { Prtry: 'CLIENT' } });
    expect(n.Buyr.AcctOwnr.Id.LEI).toBe('529900T8BM49AURSDO55');
    expect(n.Tx.Qty.NmnlVal).toEqual({ '#text': '100000', '@_Ccy': 'EUR' });
    expect(n.Tx.Pric.Pric.Pctg).toBe('99.125');
  });

  it('a CANC names only the reference it cancels', () => {
    const doc = parse(auth016Xml([{ kind: 'CANC', transactionReference: 'PST20261126000001', originalTradeRef: 'FO-EQ:M1' }], firm)).Document;
    expect(doc.FinInstrmRptgTxRpt.Tx[0]).toEqual({ Cxl: { TxId: 'PST20261126000001', ExctgPty: '969500UP76J52A9OXU27', SubmitgPty: '969500UP76J52A9OXU27' } });
  });

  it('a valid report has no problem', () => {
    expect(validateMifirReport({ kind: 'NEW', transactionReference: 'PST20261126000001', trade }, firm, NOW)).toEqual([]);
  });

  it('every broken rule is named: LEIs, ISIN, MIC, price, quantity, capacity, trading date time', () => {
    const bad: MifirTrade = {
      ...trade,
      counterparty: '529900T8BM49AURSDO56',
      isin: 'FR0000120272',
      venue: 'paris',
      price: '0',
      quantity: '-5',
      capacity: 'PRIN',
      executedAt: '2026-11-28T10:00:00',
    };
    const problems = validateMifirReport({ kind: 'NEW', transactionReference: 'PST-1', trade: bad }, { ...firm, lei: '969500UP76J52A9OXU28' }, NOW);
    expect(problems.map((p) => p.field)).toEqual(['ExctgPty', 'TxId', 'Buyr/Sellr', 'FinInstrm/Id', 'TradVn', 'Pric', 'Qty', 'TradgCpcty', 'TradDt', 'TradDt', 'TradDt']);
    expect(problems.find((p) => p.field === 'TradVn')).toEqual({ field: 'TradVn', value: 'paris', rule: 'an ISO 10383 MIC (XOFF off venue)' });
  });
});
