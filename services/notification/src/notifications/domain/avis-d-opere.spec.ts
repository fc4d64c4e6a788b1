import { describe, expect, it } from '@jest/globals';
import type { InstructionStatusChangedV1, TradeEconomics } from '@postera/contracts';
import { NBSP, NNBSP } from './amount-format.js';
import { renderAvisDOpere, type NoticeContext } from './avis-d-opere.js';
import { renderNotification } from './render-notification.js';
import { renderSettlementConfirmation } from './settlement-confirmation.js';

const fr = (s: string) => s.replaceAll('_', NNBSP).replaceAll('~', NBSP);
const en = (s: string) => s.replaceAll('~', NBSP);

/** 150 TotalEnergies bought at 101.255 EUR on Euronext Paris, with a commission and the French TTF (0.4 %). */
const buy: TradeEconomics = {
  tradeRef: 'OMS-1:T-000123',
  sourceSystem: 'OMS-1',
  tradeId: 'T-000123',
  version: 1,
  side: 'BUY',
  isin: 'FR0000120271',
  quantity: '150',
  price: '101.255',
  priceType: 'UNIT',
  currency: 'EUR',
  grossAmount: '15188.25',
  feesAmount: '75.94',
  netAmount: '15264.19',
  fees: [
    { type: 'COMMISSION', amount: '15.19', currency: 'EUR' },
    { type: 'TTF', amount: '60.75', currency: 'EUR' },
  ],
  tradeDate: '2026-11-26',
  settlementDate: '2026-11-30',
  executedAt: '2026-11-26T10:15:02.123+01:00',
  venue: 'XPAR',
  account: 'CLI-001-EUR',
  counterparty: '969500UP76J52A9OXU27',
  capacity: 'AOTC',
  orderType: 'LIMIT',
  clientId: 'CLI-001',
  accountType: 'CLIENT',
  book: 'CLIENTS',
};

const ctx = (language: 'fr' | 'en'): NoticeContext => ({ firmName: 'Postera Securities', clientName: 'Camille Durand', clientId: 'CLI-001', language });

describe("avis d'opéré in French (art. 59(4) of Delegated Regulation (EU) 2017/565)", () => {
  const { subject, body } = renderAvisDOpere(buy, ctx('fr'));

  it.each([
    ['(a) the firm', 'Postera Securities'],
    ['(b) the client', 'Client : Camille Durand (identifiant client CLI-001)'],
    ['(c) the trading day', 'Jour de négociation : 26/11/2026'],
    ['(d) the trading time, in UTC', "Date et heure d'exécution : 26/11/2026 à 09:15:02 UTC"],
    ['(e) the order type', "Type d'ordre : à cours limité"],
    ['(f) the venue', "Lieu d'exécution : XPAR (MIC)"],
    ['(g) the instrument', 'Instrument (ISIN) : FR0000120271'],
    ['(h) buy/sell', 'Sens : Achat'],
    ['(j) the quantity', 'Quantité : 150'],
    ['(k) the unit price', fr('Prix unitaire : 101,255~EUR')],
    ['(l) the total consideration', fr('Montant brut (contre-valeur totale) : 15_188,25~EUR')],
    ['(m) commission, itemised', fr('  - Commission : 15,19~EUR')],
    ['(m) the tax, itemised', fr('  - Taxe sur les transactions financières : 60,75~EUR')],
    ['(m) the total of commissions and expenses', fr('Total des commissions et frais : 75,94~EUR')],
    ['the net amount', fr('Montant net à votre débit : 15_264,19~EUR')],
    ['(o) the settlement date', 'Date de règlement : 30/11/2026'],
    ['(o) the settlement account', 'Compte de règlement : CLI-001-EUR'],
    ['(o) the client’s settlement duty', fr('Le montant net de 15_264,19~EUR sera débité de votre compte CLI-001-EUR le 30/11/2026')],
    ['the trade reference', "Référence de l'opération : OMS-1:T-000123 (version 1)"],
    ['the legal basis', 'règlement délégué (UE) 2017/565'],
  ])('%s', (_element, expected) => {
    expect(body).toContain(expected);
  });

  it('subject names the operation in French', () => {
    expect(subject).toBe("Avis d'opéré — Achat 150 FR0000120271 — 26/11/2026");
  });

  it('has no English label', () => {
    expect(body).not.toMatch(/Trade confirmation|Quantity|Settlement date|Buy\b/);
  });
});

describe('trade confirmation in English', () => {
  const { subject, body } = renderAvisDOpere(buy, ctx('en'));

  it.each([
    ['(a) the firm', 'Postera Securities'],
    ['(b) the client', 'Client: Camille Durand (client id CLI-001)'],
    ['(c) the trading day', 'Trading day: 26 Nov 2026'],
    ['(d) the trading time, in UTC', 'Date and time of execution: 26 Nov 2026 at 09:15:02 UTC'],
    ['(e) the order type', 'Order type: limit'],
    ['(f) the venue', 'Execution venue: XPAR (MIC)'],
    ['(g) the instrument', 'Instrument (ISIN): FR0000120271'],
    ['(h) buy/sell', 'Buy/sell: Buy'],
    ['(j) the quantity', 'Quantity: 150'],
    ['(k) the unit price', en('Unit price: 101.255~EUR')],
    ['(l) the total consideration', en('Total consideration (gross): 15,188.25~EUR')],
    ['(m) commission, itemised', en('  - Commission: 15.19~EUR')],
    ['(m) the tax, itemised', en('  - Financial transaction tax: 60.75~EUR')],
    ['(m) the total of commissions and expenses', en('Total commissions and expenses: 75.94~EUR')],
    ['the net amount', en('Net amount debited to you: 15,264.19~EUR')],
    ['(o) the settlement date', 'Settlement date: 30 Nov 2026'],
    ['(o) the settlement account', 'Settlement account: CLI-001-EUR'],
    ['the legal basis', 'Article 59(4) of Commission Delegated Regulation (EU) 2017/565'],
  ])('%s', (_element, expected) => {
    expect(body).toContain(expected);
  });

  it('subject names the operation in English', () => {
    expect(subject).toBe('Trade confirmation — Buy 150 FR0000120271 — 26 Nov 2026');
  });

  it('has no French label', () => {
    expect(body).not.toMatch(/Avis d'opéré|Quantité|Date de règlement|Achat/);
  });
});

describe('other shapes of trade', () => {
  it('a sale dealt on own account off venue, without fees or order type, says the firm was the counterparty (art. 59(4)(p))', () => {
    const sell: TradeEconomics = { ...buy, side: 'SELL', fees: [], feesAmount: '0', netAmount: '15188.25', venue: 'XOFF', capacity: 'DEAL', orderType: null };
    const { body } = renderAvisDOpere(sell, ctx('en'));
    expect(body).toContain('Buy/sell: Sell');
    expect(body).toContain('Execution venue: off venue (XOFF)');
    expect(body).toContain('Order type: not provided');
    expect(body).toContain('Commissions and expenses: none');
    expect(body).toContain('Capacity: as principal: Postera Securities was your counterparty');
    expect(body).toContain(en('Net amount credited to you: 15,188.25~EUR'));
    expect(body).toContain('must be available in your account CLI-001-EUR for delivery on 30 Nov 2026');
  });

  it('a bond priced in percent shows the nominal and the price as a percentage', () => {
    const bond: TradeEconomics = {
      ...buy,
      isin: 'FR0013508470',
      quantity: '250000',
      price: '99.875',
      priceType: 'PERCENT',
      grossAmount: '249687.5',
      fees: [],
      feesAmount: '0',
      netAmount: '249687.5',
    };
    const { body, subject } = renderAvisDOpere(bond, ctx('fr'));
    expect(body).toContain(fr('Nominal : 250_000,00~EUR'));
    expect(body).toContain(fr('Prix (en % du nominal) : 99,875~%'));
    expect(body).toContain(fr('Montant brut (contre-valeur totale) : 249_687,50~EUR'));
    expect(subject).toContain(fr('Achat 250_000,00~EUR FR0013508470'));
  });

  it('an unknown fee type is printed as it came', () => {
    const { body } = renderAvisDOpere({ ...buy, fees: [{ type: 'VENUE_REBATE_X', amount: '1.5', currency: 'EUR' }], feesAmount: '1.5' }, ctx('en'));
    expect(body).toContain(en('  - VENUE_REBATE_X: 1.50~EUR'));
  });
});

describe('settlement confirmation', () => {
  const settled: InstructionStatusChangedV1 = {
    instructionId: 'a3c1e0f2-0000-5000-8000-000000000001',
    tradeRef: 'OMS-1:T-000123',
    status: 'SETTLED',
    reason: null,
    isin: 'FR0000120271',
    side: 'BUY',
    account: 'CLI-001-EUR',
    counterparty: '969500UP76J52A9OXU27',
    currency: 'EUR',
    quantity: '150',
    settlementAmount: '15264.19',
    intendedSettlementDate: '2026-11-30',
    settledQuantity: '150',
    settledAmount: '15264.19',
    effectiveSettlementDate: '2026-11-30',
    clientId: 'CLI-001',
    book: 'CLIENTS',
  };

  it('in French', () => {
    const { subject, body } = renderSettlementConfirmation(settled, ctx('fr'));
    expect(subject).toBe('Règlement-livraison effectué — 150 FR0000120271 — OMS-1:T-000123');
    expect(body).toContain('Titres reçus contre paiement');
    expect(body).toContain(fr('Montant débité : 15_264,19~EUR'));
    expect(body).toContain('Date de règlement effective : 30/11/2026');
  });

  it('in English, through the dispatcher that the sender uses', () => {
    const { body } = renderNotification('SETTLEMENT_CONFIRMATION', { ...settled, side: 'SELL' }, ctx('en'));
    expect(body).toContain('Securities delivered against payment');
    expect(body).toContain(en('Amount credited: 15,264.19~EUR'));
    expect(body).toContain('Effective settlement date: 30 Nov 2026');
  });

  it('the dispatcher refuses a stored payload that cannot make a correct notice', () => {
    expect(() => renderNotification('AVIS_OPERE', { ...buy, grossAmount: 15188.25 }, ctx('fr'))).toThrow(/grossAmount/);
  });
});
