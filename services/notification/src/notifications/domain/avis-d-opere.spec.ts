import { describe, expect, it } from '@jest/globals';
import type { InstructionStatusChangedV1, TradeEconomics } from '@postera/contracts';
import { NBSP, NNBSP } from './amount-format.js';
import { renderAvisDOpere, type NoticeContext } from './avis-d-opere.js';
import { buy } from './trade-fixtures.spec-helper.js';
import { issueDateOf } from './date-format.js';
import { renderNotification } from './render-notification.js';
import { renderSettlementConfirmation } from './settlement-confirmation.js';

const fr = (s: string) => s.replaceAll('_', NNBSP).replaceAll('~', NBSP);
const en = (s: string) => s.replaceAll('~', NBSP);

const FIRM = { address: '1 place de l’Exemple, 75000 Paris', authorisedBy: 'ACPR', registration: 'RCS Paris 000 000 000', lei: '9695000EXAMPLE000000' };

/** The avis of `buy` dated 26/11/2026, the trading day: settlement (30/11/2026) is still to come. */
const ctx = (language: 'fr' | 'en', o: Partial<NoticeContext> = {}): NoticeContext => ({
  firmName: 'Postera Securities',
  firm: FIRM,
  clientName: 'Camille Durand',
  clientId: 'CLI-001',
  language,
  issuedOn: '2026-11-26',
  instrumentName: 'TotalEnergies SE',
  ...o,
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The body's table row of `label`, as its own line: the label, the column's spaces, the value. */
const row = (label: string, value: string) => new RegExp(`^  ${escape(label)} +${escape(value)}$`, 'm');
/** Where each text first appears in the body, to check an order. */
const positions = (body: string, texts: string[]) => texts.map((t) => body.indexOf(t));

describe("avis d'opéré in French (art. 59(4) of Delegated Regulation (EU) 2017/565)", () => {
  const { subject, body } = renderAvisDOpere(buy, ctx('fr'));

  it.each([
    ['(a) the firm', 'Postera Securities'],
    ['(a) its address', '1 place de l’Exemple, 75000 Paris'],
    ['(a) its authorisation', "Prestataire de services d'investissement agréé par l'ACPR"],
    ['(a) its registration and LEI', 'RCS Paris 000 000 000 — LEI 9695000EXAMPLE000000'],
    ['(o) the client’s settlement duty, to come', fr('Le montant net de 15_264,19~EUR sera débité de votre compte CLI-001-EUR le 30/11/2026')],
    ['the claim delay', 'dans un délai de 2 jours ouvrés à compter de la réception de cet avis'],
    ['the keeping of the document', 'Document à conserver'],
    ['the legal basis', 'règlement délégué (UE) 2017/565'],
  ])('%s', (_element, expected) => {
    expect(body).toContain(expected);
  });

  it.each([
    ['(b) the client', 'Client', 'Camille Durand (identifiant client CLI-001)'],
    ['the account', 'Compte', 'CLI-001-EUR'],
    ['the trade reference', "Référence de l'opération", 'OMS-1:T-000123 (version 1)'],
    ['the date of the notice', "Date de l'avis", '26/11/2026'],
    ['(c) the trading day', 'Jour de négociation', '26/11/2026'],
    ['(d) the trading time, in UTC', "Date et heure d'exécution", '26/11/2026 à 09:15:02 UTC'],
    ['(e) the order type', "Type d'ordre", 'à cours limité'],
    ['(f) the venue', "Lieu d'exécution", 'XPAR (MIC)'],
    ['(g) the instrument, named', 'Instrument', 'TotalEnergies SE (ISIN FR0000120271)'],
    ['(h) buy/sell', 'Sens', 'Achat'],
    ['(j) the quantity', 'Quantité', '150'],
    ['(k) the unit price', 'Prix unitaire', fr('101,255~EUR')],
    ['(l) the total consideration', 'Montant brut', fr('15_188,25~EUR')],
    ['(m) commission, itemised', 'Commission', fr('15,19~EUR')],
    ['(m) the tax, itemised', 'Taxe sur les transactions financières (TTF)', fr('60,75~EUR')],
    ['(m) the total of commissions and expenses', 'Total des commissions et frais', fr('75,94~EUR')],
    ['the net amount', 'Montant net à votre débit', fr('15_264,19~EUR')],
    ['(o) the settlement date', 'Date de règlement', '30/11/2026'],
    ['(o) the securities account', 'Compte titres', 'CLI-001-EUR'],
    ['(o) the cash account', 'Compte espèces', 'CLI-001-EUR (EUR)'],
  ])('%s, as a row of its table', (_element, label, value) => {
    expect(body).toMatch(row(label, value));
  });

  it('lays the tables out in order: recipient, execution, fees down to the net amount, settlement, then the mentions', () => {
    const order = positions(body, [
      'Destinataire',
      'Exécution',
      "  Date et heure d'exécution",
      "  Lieu d'exécution",
      '  Sens',
      '  Quantité',
      '  Instrument',
      '  Prix unitaire',
      'Commissions, frais et montant net',
      '  Commission ',
      '  Taxe sur les transactions financières',
      '  Total des commissions et frais',
      '  Montant net à votre débit',
      'Règlement-livraison',
      '  Date de règlement',
      '  Compte espèces',
      'Toute réclamation',
    ]);
    expect(order.every((p) => p >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('aligns the fees on their last digit', () => {
    const lines = body.split('\n').filter((l) => /\u00a0EUR$/.test(l) && /Commission |Taxe|Total des|Montant net/.test(l));
    expect(lines).toHaveLength(4);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });

  it('subject names the operation and the instrument in French', () => {
    expect(subject).toBe("Avis d'opéré — Achat 150 TotalEnergies SE (ISIN FR0000120271) — 26/11/2026");
  });

  it('has no English label', () => {
    expect(body).not.toMatch(/Trade confirmation|Quantity|Settlement date|Buy\b|Investment firm/);
  });
});

describe('trade confirmation in English', () => {
  const { subject, body } = renderAvisDOpere(buy, ctx('en'));

  it.each([
    ['(b) the client', 'Client', 'Camille Durand (client id CLI-001)'],
    ['the date of the notice', 'Date of this confirmation', '26 Nov 2026'],
    ['(c) the trading day', 'Trading day', '26 Nov 2026'],
    ['(d) the trading time, in UTC', 'Date and time of execution', '26 Nov 2026 at 09:15:02 UTC'],
    ['(e) the order type', 'Order type', 'limit'],
    ['(f) the venue', 'Execution venue', 'XPAR (MIC)'],
    ['(g) the instrument, named', 'Instrument', 'TotalEnergies SE (ISIN FR0000120271)'],
    ['(h) buy/sell', 'Buy/sell', 'Buy'],
    ['(j) the quantity', 'Quantity', '150'],
    ['(k) the unit price', 'Unit price', en('101.255~EUR')],
    ['(l) the total consideration', 'Gross amount', en('15,188.25~EUR')],
    ['(m) commission, itemised', 'Commission', en('15.19~EUR')],
    ['(m) the tax, itemised', 'Financial transaction tax (FTT)', en('60.75~EUR')],
    ['(m) the total of commissions and expenses', 'Total commissions and expenses', en('75.94~EUR')],
    ['the net amount', 'Net amount debited to you', en('15,264.19~EUR')],
    ['(o) the settlement date', 'Settlement date', '30 Nov 2026'],
    ['(o) the cash account', 'Cash account', 'CLI-001-EUR (EUR)'],
  ])('%s, as a row of its table', (_element, label, value) => {
    expect(body).toMatch(row(label, value));
  });

  it.each([
    ['(a) the firm and its authorisation', 'Investment firm authorised by the ACPR'],
    ['(o) the client’s settlement duty, to come', en('The net amount of 15,264.19~EUR will be debited from your account CLI-001-EUR on 30 Nov 2026')],
    ['the claim delay', 'within 2 business days of receiving this confirmation'],
    ['the legal basis', 'Article 59(4) of Commission Delegated Regulation (EU) 2017/565'],
  ])('%s', (_element, expected) => {
    expect(body).toContain(expected);
  });

  it('subject names the operation and the instrument in English', () => {
    expect(subject).toBe('Trade confirmation — Buy 150 TotalEnergies SE (ISIN FR0000120271) — 26 Nov 2026');
  });

  it('has no French label', () => {
    expect(body).not.toMatch(/Avis d'opéré|Quantité|Date de règlement|Achat|Prestataire/);
  });
});

describe('the settlement duty, told against the day the notice is dated (settlement on 30/11/2026)', () => {
  const duty = (t: TradeEconomics, language: 'fr' | 'en', issuedOn: string) =>
    renderAvisDOpere(t, ctx(language, { issuedOn }))
      .body.split('\n')
      .find((l) => /débité|crédité|debited|credited/.test(l) && !l.startsWith('  '));
  const sell: TradeEconomics = { ...buy, side: 'SELL', netAmount: '15112.31' };

  it.each([
    [
      'fr',
      '2026-11-26',
      'before: to come',
      fr(
        'Le montant net de 15_264,19~EUR sera débité de votre compte CLI-001-EUR le 30/11/2026, contre livraison de 150 titres TotalEnergies SE (ISIN FR0000120271).',
      ),
    ],
    [
      'fr',
      '2026-11-30',
      'the same day: today',
      fr(
        'Le montant net de 15_264,19~EUR est débité ce jour, 30/11/2026, de votre compte CLI-001-EUR, contre livraison de 150 titres TotalEnergies SE (ISIN FR0000120271).',
      ),
    ],
    [
      'fr',
      '2026-12-05',
      'after: done',
      fr(
        'Le montant net de 15_264,19~EUR a été débité de votre compte CLI-001-EUR le 30/11/2026, contre livraison de 150 titres TotalEnergies SE (ISIN FR0000120271).',
      ),
    ],
    [
      'en',
      '2026-11-26',
      'before: to come',
      en(
        'The net amount of 15,264.19~EUR will be debited from your account CLI-001-EUR on 30 Nov 2026, against delivery of 150 TotalEnergies SE (ISIN FR0000120271).',
      ),
    ],
    [
      'en',
      '2026-11-30',
      'the same day: today',
      en(
        'The net amount of 15,264.19~EUR is debited from your account CLI-001-EUR today, 30 Nov 2026, against delivery of 150 TotalEnergies SE (ISIN FR0000120271).',
      ),
    ],
    [
      'en',
      '2026-12-05',
      'after: done',
      en(
        'The net amount of 15,264.19~EUR was debited from your account CLI-001-EUR on 30 Nov 2026, against delivery of 150 TotalEnergies SE (ISIN FR0000120271).',
      ),
    ],
  ] as const)('a purchase in %s dated %s (%s)', (language, issuedOn, _when, expected) => {
    expect(duty(buy, language, issuedOn)).toBe(expected);
  });

  it.each([
    [
      'fr',
      '2026-11-27',
      fr(
        'Les 150 titres TotalEnergies SE (ISIN FR0000120271) doivent être disponibles sur votre compte CLI-001-EUR pour livraison le 30/11/2026 ; le montant net de 15_112,31~EUR sera alors crédité à votre compte CLI-001-EUR.',
      ),
    ],
    [
      'fr',
      '2026-11-30',
      fr(
        'Les 150 titres TotalEnergies SE (ISIN FR0000120271) sont livrés ce jour, 30/11/2026, depuis votre compte CLI-001-EUR ; le montant net de 15_112,31~EUR est crédité ce jour à votre compte CLI-001-EUR.',
      ),
    ],
    [
      'fr',
      '2026-12-05',
      fr(
        'Les 150 titres TotalEnergies SE (ISIN FR0000120271) ont été livrés depuis votre compte CLI-001-EUR le 30/11/2026 ; le montant net de 15_112,31~EUR a été crédité à votre compte CLI-001-EUR.',
      ),
    ],
    [
      'en',
      '2026-11-27',
      en(
        'The 150 TotalEnergies SE (ISIN FR0000120271) must be available in your account CLI-001-EUR for delivery on 30 Nov 2026; the net amount of 15,112.31~EUR will then be credited to your account CLI-001-EUR.',
      ),
    ],
    [
      'en',
      '2026-11-30',
      en(
        'The 150 TotalEnergies SE (ISIN FR0000120271) are delivered from your account CLI-001-EUR today, 30 Nov 2026; the net amount of 15,112.31~EUR is credited to your account CLI-001-EUR today.',
      ),
    ],
    [
      'en',
      '2026-12-05',
      en(
        'The 150 TotalEnergies SE (ISIN FR0000120271) were delivered from your account CLI-001-EUR on 30 Nov 2026; the net amount of 15,112.31~EUR was credited to your account CLI-001-EUR.',
      ),
    ],
  ] as const)('a sale in %s dated %s', (language, issuedOn, expected) => {
    expect(duty(sell, language, issuedOn)).toBe(expected);
  });

  it('the avis sent on 5 December for a trade settled on 4 November speaks of it in the past', () => {
    const late: TradeEconomics = { ...buy, tradeDate: '2026-11-02', settlementDate: '2026-11-04' };
    const { body } = renderAvisDOpere(late, ctx('fr', { issuedOn: '2026-12-05' }));
    expect(body).toContain(fr('a été débité de votre compte CLI-001-EUR le 04/11/2026'));
    expect(body).not.toContain('sera débité');
    expect(body).toMatch(row("Date de l'avis", '05/12/2026'));
  });

  it('names the accounts of the standing settlement instruction when the event carries them', () => {
    const withSsi = {
      ...buy,
      ssis: {
        account: { owner: 'CLI-001-EUR', placeOfSettlement: 'SICVFRPPXXX', safekeepingAccount: 'SK-77', cashAccount: 'CA-88', agentBic: null },
        counterparty: null,
      },
    } as TradeEconomics;
    const { body } = renderAvisDOpere(withSsi, ctx('fr'));
    expect(body).toMatch(row('Compte titres', 'SK-77'));
    expect(body).toMatch(row('Compte espèces', 'CA-88 (EUR)'));
    expect(body).toContain('sera débité de votre compte CA-88 le 30/11/2026');
  });
});

describe('what is not known is not written', () => {
  it('an instrument without a known name is given by its ISIN alone, in the tables, the duty and the subject', () => {
    const { body, subject } = renderAvisDOpere(buy, ctx('en', { instrumentName: null }));
    expect(body).toMatch(row('Instrument', 'ISIN FR0000120271'));
    expect(body).toContain('against delivery of 150 ISIN FR0000120271.');
    expect(subject).toBe('Trade confirmation — Buy 150 ISIN FR0000120271 — 26 Nov 2026');
    expect(body).not.toMatch(/null|undefined|TotalEnergies/);
  });

  it('a firm whose details are not configured is named, and nothing else is said of it', () => {
    const { body } = renderAvisDOpere(buy, ctx('fr', { firm: undefined }));
    expect(body.split('\n').slice(0, 3)).toEqual(['Postera Securities', '', "AVIS D'OPÉRÉ"]);
    expect(body).not.toMatch(/ACPR|RCS|LEI|null|undefined/);
  });

  it('the claim delay is the configured one', () => {
    expect(renderAvisDOpere(buy, ctx('fr', { claimDays: 1 })).body).toContain('dans un délai de 1 jour ouvré à compter');
    expect(renderAvisDOpere(buy, ctx('en', { claimDays: 5 })).body).toContain('within 5 business days of receiving');
  });
});

describe('the day a notice is dated (Paris)', () => {
  it.each([
    ['2026-11-29T23:30:00Z', '2026-11-30', '00:30 in Paris, winter time (UTC+1)'],
    ['2026-11-29T22:59:59Z', '2026-11-29', '23:59:59 in Paris'],
    ['2026-07-01T22:00:00Z', '2026-07-02', 'midnight in Paris, summer time (UTC+2)'],
    ['2026-07-01T21:59:59Z', '2026-07-01', '23:59:59 in Paris, summer time'],
  ])('%s is dated %s (%s)', (instant, date) => {
    expect(issueDateOf(new Date(instant))).toBe(date);
  });
});

describe('other shapes of trade', () => {
  it('a sale dealt on own account off venue, without fees or order type, says the firm was the counterparty (art. 59(4)(p))', () => {
    const sell: TradeEconomics = { ...buy, side: 'SELL', fees: [], feesAmount: '0', netAmount: '15188.25', venue: 'XOFF', capacity: 'DEAL', orderType: null };
    const { body } = renderAvisDOpere(sell, ctx('en'));
    expect(body).toMatch(row('Buy/sell', 'Sell'));
    expect(body).toMatch(row('Execution venue', 'off venue (XOFF)'));
    expect(body).toMatch(row('Order type', 'not provided'));
    expect(body).toMatch(row('Commissions and expenses', 'none'));
    expect(body).toContain('Capacity: as principal: Postera Securities was your counterparty');
    expect(body).toMatch(row('Net amount credited to you', en('15,188.25~EUR')));
    expect(body).toContain('must be available in your account CLI-001-EUR for delivery on 30 Nov 2026');
  });

  it('a bond priced in percent shows the nominal, the price as a percentage and the accrued interest', () => {
    const bond: TradeEconomics = {
      ...buy,
      isin: 'FR0013508470',
      quantity: '250000',
      price: '99.875',
      priceType: 'PERCENT',
      grossAmount: '249687.5',
      accruedInterest: '1232.88',
      fees: [],
      feesAmount: '0',
      netAmount: '250920.38',
    };
    const { body, subject } = renderAvisDOpere(bond, ctx('fr', { instrumentName: 'OAT 0,75 % 25/05/2028' }));
    expect(body).toMatch(row('Nominal', fr('250_000,00~EUR')));
    expect(body).toMatch(row('Prix (en % du nominal)', fr('99,875~%')));
    expect(body).toMatch(row('Montant brut', fr('249_687,50~EUR')));
    expect(body).toMatch(row('Coupon couru', fr('1_232,88~EUR')));
    expect(body).toContain(fr('contre livraison des titres OAT 0,75 % 25/05/2028 (ISIN FR0013508470) (nominal 250_000,00~EUR).'));
    expect(subject).toContain(fr('Achat 250_000,00~EUR OAT 0,75 % 25/05/2028 (ISIN FR0013508470)'));
  });

  it('an unknown fee type is printed as it came', () => {
    const { body } = renderAvisDOpere({ ...buy, fees: [{ type: 'VENUE_REBATE_X', amount: '1.5', currency: 'EUR' }], feesAmount: '1.5' }, ctx('en'));
    expect(body).toMatch(row('VENUE_REBATE_X', en('1.50~EUR')));
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
