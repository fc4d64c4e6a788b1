import type { CounterpartyConfirmationIssuedV1, InstructionStatusChangedV1, TradeEconomics } from '@postera/contracts';
import { formatAmount, formatDecimal, type Language } from './amount-format.js';
import type { NoticeContext, NoticeReference, RenderedNotice } from './avis-d-opere.js';
import { formatDate } from './date-format.js';

const colon = (lang: Language) => (lang === 'fr' ? ' : ' : ': ');
const SIDE: Record<Language, Record<'BUY' | 'SELL', string>> = { fr: { BUY: 'Achat', SELL: 'Vente' }, en: { BUY: 'Buy', SELL: 'Sell' } };

/** Settlement fail reasons (MT548 / sese.024) as the client reads them; an unknown code is printed as it came. */
const FAIL_REASON: Record<Language, Record<string, string>> = {
  fr: {
    LACK: 'titres insuffisants sur le compte livreur',
    CLAC: 'la contrepartie ne dispose pas des titres',
    MONY: 'espèces insuffisantes',
    CMON: 'la contrepartie ne dispose pas des espèces',
    CMIS: 'instruction de la contrepartie absente',
    PREA: 'en attente',
    LATE: 'reçue après la date limite',
  },
  en: {
    LACK: 'insufficient securities on the delivering account',
    CLAC: 'the counterparty lacks the securities',
    MONY: 'insufficient cash',
    CMON: 'the counterparty lacks the cash',
    CMIS: "the counterparty's instruction is missing",
    PREA: 'on hold',
    LATE: 'received after the cut-off',
  },
};

function reasonText(reason: string | null, lang: Language): string {
  if (!reason) return lang === 'fr' ? 'non précisée' : 'not given';
  return FAIL_REASON[lang][reason] ? `${reason} — ${FAIL_REASON[lang][reason]}` : reason;
}

function referenceLine(ref: NoticeReference | null, lang: Language): string[] {
  if (!ref) return [];
  const v = ref.tradeVersion !== null ? ` (version ${ref.tradeVersion})` : '';
  return [
    lang === 'fr'
      ? `Cet avis se rapporte à notre avis n° ${ref.noticeId} du ${formatDate(ref.issuedOn, lang)}${v}.`
      : `This notice refers to our notice no. ${ref.noticeId} of ${formatDate(ref.issuedOn, lang)}${v}.`,
  ];
}

const header = (c: NoticeContext, title: string, account: string, tradeRef: string) => {
  const fr = c.language === 'fr';
  const k = colon(c.language);
  return [
    c.firmName,
    title,
    '',
    `Client${k}${c.clientName} (${fr ? 'identifiant client' : 'client id'} ${c.clientId})`,
    `${fr ? 'Compte' : 'Account'}${k}${account}`,
    `${fr ? "Référence de l'opération" : 'Trade reference'}${k}${tradeRef}`,
  ];
};

/** A cancelled trade the client had been told about: which notice no longer stands, and that nothing will settle. */
export function renderCancellationNotice(
  p: { trade: TradeEconomics; cancelVersion: number; refersTo: NoticeReference | null },
  c: NoticeContext,
): RenderedNotice {
  const t = p.trade;
  const lang = c.language;
  const fr = lang === 'fr';
  const k = colon(lang);
  const body = [
    ...header(c, fr ? "AVIS D'ANNULATION" : 'CANCELLATION NOTICE', t.account, t.tradeRef),
    '',
    ...referenceLine(p.refersTo, lang),
    fr
      ? `L'opération suivante est annulée (version ${p.cancelVersion}) ; aucun règlement-livraison n'aura lieu.`
      : `The following trade is cancelled (version ${p.cancelVersion}); no settlement will take place.`,
    `${fr ? 'Jour de négociation' : 'Trading day'}${k}${formatDate(t.tradeDate, lang)}`,
    `${fr ? 'Sens' : 'Buy/sell'}${k}${SIDE[lang][t.side]}`,
    `${fr ? 'Instrument (ISIN)' : 'Instrument (ISIN)'}${k}${t.isin}`,
    `${fr ? 'Quantité' : 'Quantity'}${k}${formatDecimal(t.quantity, lang)}`,
    `${fr ? 'Montant net annulé' : 'Net amount cancelled'}${k}${formatAmount(t.netAmount, t.currency, lang)}`,
    '',
  ].join('\n');
  const subject = `${fr ? "Avis d'annulation" : 'Trade cancelled'} — ${SIDE[lang][t.side]} ${formatDecimal(t.quantity, lang)} ${t.isin} — ${t.tradeRef}`;
  return { subject, body };
}

export interface FailReminderPayload {
  instruction: InstructionStatusChangedV1;
  failingSince: string;
  businessDate: string;
  businessDaysFailing: number;
}

/** A settlement that fails (FAILING), the day it starts failing and, as a reminder, each business day it stays failed past the threshold. */
export function renderSettlementFailed(s: InstructionStatusChangedV1, c: NoticeContext, reminder?: Omit<FailReminderPayload, 'instruction'>): RenderedNotice {
  const lang = c.language;
  const fr = lang === 'fr';
  const k = colon(lang);
  const remaining = s.settledQuantity ? [`${fr ? 'Déjà réglé' : 'Already settled'}${k}${formatDecimal(s.settledQuantity, lang)}`] : [];
  const body = [
    ...header(c, fr ? 'ALERTE : RÈGLEMENT-LIVRAISON EN ÉCHEC' : 'ALERT: SETTLEMENT FAILING', s.account, s.tradeRef),
    '',
    ...(reminder
      ? [
          fr
            ? `Rappel : le règlement-livraison est toujours en échec au ${formatDate(reminder.businessDate, lang)}, depuis le ${formatDate(reminder.failingSince, lang)} (${reminder.businessDaysFailing} jour(s) ouvré(s)).`
            : `Reminder: settlement is still failing on ${formatDate(reminder.businessDate, lang)}, since ${formatDate(reminder.failingSince, lang)} (${reminder.businessDaysFailing} business day(s)).`,
        ]
      : []),
    `${fr ? 'Instrument (ISIN)' : 'Instrument (ISIN)'}${k}${s.isin}`,
    `${fr ? 'Sens' : 'Buy/sell'}${k}${SIDE[lang][s.side]}`,
    `${fr ? 'Quantité' : 'Quantity'}${k}${formatDecimal(s.quantity, lang)}`,
    `${fr ? 'Montant' : 'Amount'}${k}${formatAmount(s.settlementAmount, s.currency, lang)}`,
    ...remaining,
    `${fr ? 'Date de règlement prévue' : 'Intended settlement date'}${k}${formatDate(s.intendedSettlementDate, lang)}`,
    `${fr ? "Motif de l'échec" : 'Reason'}${k}${reasonText(s.reason, lang)}`,
    '',
  ].join('\n');
  const subject = reminder
    ? `${fr ? 'Rappel : règlement-livraison en échec' : 'Reminder: settlement failing'} — ${s.isin} — ${s.tradeRef}`
    : `${fr ? 'Règlement-livraison en échec' : 'Settlement failing'} — ${s.isin} — ${s.tradeRef}`;
  return { subject, body };
}

/** Our confirmation of a trade, for the counterparty (the party's side is the opposite of ours). */
export function renderCounterpartyConfirmation(p: CounterpartyConfirmationIssuedV1, c: NoticeContext): RenderedNotice {
  const lang = c.language;
  const fr = lang === 'fr';
  const k = colon(lang);
  const theirs = p.side === 'BUY' ? 'SELL' : 'BUY';
  const bond = p.priceType === 'PERCENT';
  const body = [
    c.firmName,
    fr ? 'CONFIRMATION DE NÉGOCIATION (CONTREPARTIE)' : 'TRADE CONFIRMATION (COUNTERPARTY)',
    '',
    `${fr ? 'Contrepartie' : 'Counterparty'}${k}${p.counterparty.name} (LEI ${p.counterparty.lei}${p.counterparty.bic ? `, BIC ${p.counterparty.bic}` : ''})`,
    `${fr ? "Référence de l'opération" : 'Trade reference'}${k}${p.tradeRef} (version ${p.version})`,
    `${fr ? 'Votre sens' : 'Your side'}${k}${SIDE[lang][theirs]}`,
    `${fr ? 'Instrument (ISIN)' : 'Instrument (ISIN)'}${k}${p.isin}`,
    `${bond ? (fr ? 'Nominal' : 'Nominal') : fr ? 'Quantité' : 'Quantity'}${k}${formatDecimal(p.quantity, lang)}`,
    `${bond ? (fr ? 'Prix (en % du nominal)' : 'Price (% of nominal)') : fr ? 'Prix unitaire' : 'Unit price'}${k}${bond ? formatDecimal(p.price, lang) + '%' : formatAmount(p.price, p.currency, lang)}`,
    `${fr ? 'Jour de négociation' : 'Trade date'}${k}${formatDate(p.tradeDate, lang)}`,
    `${fr ? 'Date de règlement' : 'Settlement date'}${k}${formatDate(p.settlementDate, lang)}`,
    `${fr ? 'Montant de règlement' : 'Settlement amount'}${k}${formatAmount(p.settlementAmount, p.currency, lang)}`,
    '',
    fr ? 'Merci de confirmer ou de signaler toute différence.' : 'Please confirm, or tell us of any difference.',
    '',
  ].join('\n');
  const subject = `${fr ? 'Confirmation de négociation' : 'Trade confirmation'} — ${p.tradeRef} — ${formatDecimal(p.quantity, lang)} ${p.isin}`;
  return { subject, body };
}
