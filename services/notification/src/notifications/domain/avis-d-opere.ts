import type { TradeEconomics } from '@postera/contracts';
import { formatAmount, formatDecimal, type Language } from './amount-format.js';
import { formatDate, formatTimestampUtc } from './date-format.js';

/** Who the notice is from and for: the firm, and the client as the referential knows them at send time. */
export interface NoticeContext {
  firmName: string;
  clientName: string;
  clientId: string;
  language: Language;
}

export interface RenderedNotice {
  subject: string;
  body: string;
}

const LABELS = {
  fr: {
    title: "AVIS D'OPÉRÉ",
    subject: "Avis d'opéré",
    client: 'Client',
    clientId: 'identifiant client',
    account: 'Compte',
    reference: "Référence de l'opération",
    version: 'version',
    tradingDay: 'Jour de négociation',
    executionTime: "Date et heure d'exécution",
    orderType: "Type d'ordre",
    venue: "Lieu d'exécution",
    instrument: 'Instrument (ISIN)',
    side: 'Sens',
    quantity: 'Quantité',
    nominal: 'Nominal',
    unitPrice: 'Prix unitaire',
    percentPrice: 'Prix (en % du nominal)',
    gross: 'Montant brut (contre-valeur totale)',
    fees: 'Commissions et frais',
    feesNone: 'Commissions et frais : aucun',
    feesTotal: 'Total des commissions et frais',
    netBuy: 'Montant net à votre débit',
    netSell: 'Montant net à votre crédit',
    capacity: "Qualité d'intervention",
    settlement: 'Règlement-livraison',
    settlementDate: 'Date de règlement',
    settlementAccount: 'Compte de règlement',
    legal: 'Cet avis vous est adressé en application de l’article 59, paragraphe 4, du règlement délégué (UE) 2017/565.',
    colon: ' : ',
  },
  en: {
    title: 'TRADE CONFIRMATION',
    subject: 'Trade confirmation',
    client: 'Client',
    clientId: 'client id',
    account: 'Account',
    reference: 'Trade reference',
    version: 'version',
    tradingDay: 'Trading day',
    executionTime: 'Date and time of execution',
    orderType: 'Order type',
    venue: 'Execution venue',
    instrument: 'Instrument (ISIN)',
    side: 'Buy/sell',
    quantity: 'Quantity',
    nominal: 'Nominal',
    unitPrice: 'Unit price',
    percentPrice: 'Price (% of nominal)',
    gross: 'Total consideration (gross)',
    fees: 'Commissions and expenses',
    feesNone: 'Commissions and expenses: none',
    feesTotal: 'Total commissions and expenses',
    netBuy: 'Net amount debited to you',
    netSell: 'Net amount credited to you',
    capacity: 'Capacity',
    settlement: 'Settlement',
    settlementDate: 'Settlement date',
    settlementAccount: 'Settlement account',
    legal: 'This confirmation is sent to you under Article 59(4) of Commission Delegated Regulation (EU) 2017/565.',
    colon: ': ',
  },
} as const;

const SIDE: Record<Language, Record<TradeEconomics['side'], string>> = {
  fr: { BUY: 'Achat', SELL: 'Vente' },
  en: { BUY: 'Buy', SELL: 'Sell' },
};

const ORDER_TYPE: Record<Language, Record<string, string>> = {
  fr: { MARKET: 'au marché', LIMIT: 'à cours limité', STOP: 'à seuil de déclenchement (stop)', OTHER: 'autre' },
  en: { MARKET: 'market', LIMIT: 'limit', STOP: 'stop', OTHER: 'other' },
};
const ORDER_TYPE_UNKNOWN: Record<Language, string> = { fr: 'non communiqué', en: 'not provided' };

/** Fee types as the client reads them; an unknown type is printed as it came. */
const FEE_TYPE: Record<Language, Record<string, string>> = {
  fr: {
    COMMISSION: 'Commission',
    BROKERAGE: 'Courtage',
    EXCHANGE_FEE: 'Frais de marché',
    CLEARING_FEE: 'Frais de compensation',
    SETTLEMENT_FEE: 'Frais de règlement-livraison',
    TTF: 'Taxe sur les transactions financières',
    FTT: 'Taxe sur les transactions financières',
    STAMP_DUTY: 'Droit de timbre',
  },
  en: {
    COMMISSION: 'Commission',
    BROKERAGE: 'Brokerage',
    EXCHANGE_FEE: 'Exchange fee',
    CLEARING_FEE: 'Clearing fee',
    SETTLEMENT_FEE: 'Settlement fee',
    TTF: 'Financial transaction tax',
    FTT: 'Financial transaction tax',
    STAMP_DUTY: 'Stamp duty',
  },
};

/** Art. 59(4)(p): the client is told when the firm itself was the counterparty. */
function capacityText(capacity: TradeEconomics['capacity'], firmName: string, language: Language): string {
  switch (capacity) {
    case 'AOTC':
      return language === 'fr' ? 'pour compte de tiers (mandataire)' : 'as agent, on your behalf';
    case 'DEAL':
      return language === 'fr' ? `pour compte propre : ${firmName} était votre contrepartie` : `as principal: ${firmName} was your counterparty`;
    case 'MTCH':
      return language === 'fr' ? 'en principal avec appariement (matched principal)' : 'matched principal';
  }
}

function venueText(venue: string, language: Language): string {
  if (venue !== 'XOFF') return `${venue} (MIC)`;
  return language === 'fr' ? 'hors plate-forme de négociation (XOFF)' : 'off venue (XOFF)';
}

/** The client's settlement duty (art. 59(4)(o)): what leaves or reaches their account, and when. */
function settlementDuty(t: TradeEconomics, language: Language): string {
  const net = formatAmount(t.netAmount, t.currency, language);
  const date = formatDate(t.settlementDate, language);
  const qty = formatDecimal(t.quantity, language);
  if (language === 'fr') {
    return t.side === 'BUY'
      ? `Le montant net de ${net} sera débité de votre compte ${t.account} le ${date}, contre livraison de ${qty} ${t.isin}.`
      : `Les ${qty} ${t.isin} doivent être disponibles sur votre compte ${t.account} pour livraison le ${date} ; le montant net de ${net} vous sera alors crédité.`;
  }
  return t.side === 'BUY'
    ? `The net amount of ${net} will be debited from your account ${t.account} on ${date}, against delivery of ${qty} ${t.isin}.`
    : `The ${qty} ${t.isin} must be available in your account ${t.account} for delivery on ${date}; the net amount of ${net} will then be credited to you.`;
}

/**
 * The avis d'opéré (Delegated Regulation (EU) 2017/565 art. 59(4)) of one captured trade, as far as
 * trade.events.v1 carries it. No FX line: the trade settles in its own currency and the event
 * carries no conversion (art. 59(4)(n) applies only where one took place).
 */
export function renderAvisDOpere(t: TradeEconomics, c: NoticeContext): RenderedNotice {
  const lang = c.language;
  const L = LABELS[lang];
  const line = (label: string, value: string) => `${label}${L.colon}${value}`;
  const amount = (v: string) => formatAmount(v, t.currency, lang);
  const bond = t.priceType === 'PERCENT';

  const fees =
    t.fees.length === 0
      ? [L.feesNone]
      : [
          `${L.fees}${L.colon.trimEnd()}`,
          ...t.fees.map((f) => `  - ${line(FEE_TYPE[lang][f.type] ?? f.type, formatAmount(f.amount, f.currency, lang))}`),
          `  ${line(L.feesTotal, amount(t.feesAmount))}`,
        ];

  const body = [
    c.firmName,
    L.title,
    '',
    line(L.client, `${c.clientName} (${L.clientId} ${c.clientId})`),
    line(L.account, t.account),
    line(L.reference, `${t.tradeRef} (${L.version} ${t.version})`),
    '',
    line(L.tradingDay, formatDate(t.tradeDate, lang)),
    line(L.executionTime, formatTimestampUtc(t.executedAt, lang)),
    line(L.orderType, t.orderType ? (ORDER_TYPE[lang][t.orderType] ?? t.orderType) : ORDER_TYPE_UNKNOWN[lang]),
    line(L.venue, venueText(t.venue, lang)),
    line(L.instrument, t.isin),
    line(L.side, SIDE[lang][t.side]),
    bond ? line(L.nominal, amount(t.quantity)) : line(L.quantity, formatDecimal(t.quantity, lang)),
    bond ? line(L.percentPrice, `${formatDecimal(t.price, lang)}${lang === 'fr' ? '\u00a0%' : '%'}`) : line(L.unitPrice, amount(t.price)),
    line(L.gross, amount(t.grossAmount)),
    ...fees,
    line(t.side === 'BUY' ? L.netBuy : L.netSell, amount(t.netAmount)),
    line(L.capacity, capacityText(t.capacity, c.firmName, lang)),
    '',
    L.settlement,
    line(L.settlementDate, formatDate(t.settlementDate, lang)),
    line(L.settlementAccount, t.account),
    settlementDuty(t, lang),
    '',
    L.legal,
    '',
  ].join('\n');

  const subject = `${L.subject} — ${SIDE[lang][t.side]} ${bond ? amount(t.quantity) : formatDecimal(t.quantity, lang)} ${t.isin} — ${formatDate(t.tradeDate, lang)}`;
  return { subject, body };
}
