import type { InstructionStatusChangedV1 } from '@postera/contracts';
import { formatAmount, formatDecimal } from './amount-format.js';
import type { NoticeContext, RenderedNotice } from './avis-d-opere.js';
import { formatDate } from './date-format.js';
import { Dec } from '@postera/kernel';

const LABELS = {
  fr: {
    title: 'CONFIRMATION DE RÈGLEMENT-LIVRAISON',
    subject: 'Règlement-livraison effectué',
    client: 'Client',
    clientId: 'identifiant client',
    account: 'Compte',
    reference: "Référence de l'opération",
    instrument: 'Instrument (ISIN)',
    movement: { BUY: 'Titres reçus contre paiement', SELL: 'Titres livrés contre paiement' },
    quantity: 'Quantité réglée',
    amount: { BUY: 'Montant débité', SELL: 'Montant crédité' },
    intended: 'Date de règlement prévue',
    effective: 'Date de règlement effective',
    partialTitle: 'RÈGLEMENT-LIVRAISON PARTIEL',
    partialSubject: 'Règlement-livraison partiel',
    step: 'Réglé lors de cette étape',
    remainingQuantity: 'Quantité restant à régler',
    remainingAmount: 'Montant restant à régler',
    colon: ' : ',
  },
  en: {
    title: 'SETTLEMENT CONFIRMATION',
    subject: 'Trade settled',
    client: 'Client',
    clientId: 'client id',
    account: 'Account',
    reference: 'Trade reference',
    instrument: 'Instrument (ISIN)',
    movement: { BUY: 'Securities received against payment', SELL: 'Securities delivered against payment' },
    quantity: 'Quantity settled',
    amount: { BUY: 'Amount debited', SELL: 'Amount credited' },
    intended: 'Intended settlement date',
    effective: 'Effective settlement date',
    partialTitle: 'PARTIAL SETTLEMENT',
    partialSubject: 'Trade partially settled',
    step: 'Settled in this step',
    remainingQuantity: 'Quantity still to settle',
    remainingAmount: 'Amount still to settle',
    colon: ': ',
  },
} as const;

/** The notice that a client's trade settled (DOMAIN.md §5: "then, settlement confirmation when settled"). */
export function renderSettlementConfirmation(s: InstructionStatusChangedV1, c: NoticeContext): RenderedNotice {
  const lang = c.language;
  const L = LABELS[lang];
  const line = (label: string, value: string) => `${label}${L.colon}${value}`;
  // A full settlement settles what was instructed; the instructed figures stand in when the
  // custodian's confirmation did not repeat them.
  const quantity = s.settledQuantity ?? s.quantity;
  const amount = s.settledAmount ?? s.settlementAmount;
  const effective = s.effectiveSettlementDate ? formatDate(s.effectiveSettlementDate, lang) : '—';
  const partial = s.status === 'PARTIALLY_SETTLED';
  // Cumulative figures in the event: what remains is what was instructed less what settled so far.
  const partialLines = partial
    ? [
        ...(s.stepQuantity
          ? [line(L.step, `${formatDecimal(s.stepQuantity, lang)}${s.stepAmount ? ` / ${formatAmount(s.stepAmount, s.currency, lang)}` : ''}`)]
          : []),
        line(L.remainingQuantity, formatDecimal(new Dec(s.quantity).minus(quantity).toFixed(), lang)),
        line(L.remainingAmount, formatAmount(new Dec(s.settlementAmount).minus(amount).toFixed(), s.currency, lang)),
      ]
    : [];
  const body = [
    c.firmName,
    partial ? L.partialTitle : L.title,
    '',
    line(L.client, `${c.clientName} (${L.clientId} ${c.clientId})`),
    line(L.account, s.account),
    line(L.reference, s.tradeRef),
    '',
    L.movement[s.side],
    line(L.instrument, s.isin),
    line(L.quantity, formatDecimal(quantity, lang)),
    line(L.amount[s.side], formatAmount(amount, s.currency, lang)),
    ...partialLines,
    line(L.intended, formatDate(s.intendedSettlementDate, lang)),
    line(L.effective, effective),
    '',
  ].join('\n');
  const subject = `${partial ? L.partialSubject : L.subject} — ${formatDecimal(quantity, lang)} ${s.isin} — ${s.tradeRef}`;
  return { subject, body };
}
