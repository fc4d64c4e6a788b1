import type { TradeEconomics } from '@postera/contracts';
import { formatAmount, formatDecimal, type Language } from './amount-format.js';
import { formatDate, formatTimestampUtc } from './date-format.js';

/** Who the notice is from and for: the firm, and the client as the referential knows them at send time. */
export interface NoticeContext {
  firmName: string;
  clientName: string;
  clientId: string;
  language: Language;
  /** The account's base currency, when the referential gives it: a trade in another currency says whether a conversion applies. */
  baseCurrency?: string | null;
}

/** The earlier notice a correction or cancellation refers to (stored in the payload when the notice was owed). */
export interface NoticeReference {
  noticeId: string;
  kind: string;
  /** The day the earlier notice was issued (ISO date). */
  issuedOn: string;
  tradeVersion: number | null;
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
    accrued: 'Coupon couru',
    fx: 'Change',
    amendedTitle: "AVIS D'OPÉRÉ RECTIFICATIF",
    amendedSubject: "Avis d'opéré rectificatif",
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
    accrued: 'Accrued interest',
    fx: 'Currency conversion',
    amendedTitle: 'AMENDED TRADE CONFIRMATION',
    amendedSubject: 'Amended trade confirmation',
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
 * Art. 59(4)(n): where a conversion applies, the rate and where it comes from; where the client's
 * base currency differs from the trade's and none applies, say so — the client is debited in the
 * trade currency.
 */
function fxLines(t: TradeEconomics, c: NoticeContext, lang: Language): string[] {
  const x = t.fxConversion;
  if (x) {
    const date = formatDate(x.rateDate, lang);
    const net = formatAmount(x.netAmountInBase, x.baseCurrency, lang);
    return lang === 'fr'
      ? [`1 ${t.currency} = ${formatDecimal(x.rate, lang)} ${x.baseCurrency} (source : ${x.source}, ${date}) ; montant net converti : ${net}`]
      : [`1 ${t.currency} = ${formatDecimal(x.rate, lang)} ${x.baseCurrency} (source: ${x.source}, ${date}); net amount converted: ${net}`];
  }
  if (c.baseCurrency && c.baseCurrency !== t.currency) {
    return lang === 'fr'
      ? [`aucune conversion appliquée : l'opération est réglée en ${t.currency} (devise de référence de votre compte : ${c.baseCurrency})`]
      : [`no conversion applied: the trade settles in ${t.currency} (your account's base currency: ${c.baseCurrency})`];
  }
  return [];
}

/** What an amended confirmation says first: which notice it replaces, and what changed. */
function amendmentLines(ref: NoticeReference | null, before: TradeEconomics | null, after: TradeEconomics, lang: Language): string[] {
  const lines: string[] = [];
  if (ref) {
    const v = ref.tradeVersion !== null ? ` (version ${ref.tradeVersion})` : '';
    lines.push(
      lang === 'fr'
        ? `Cet avis annule et remplace notre avis n° ${ref.noticeId} du ${formatDate(ref.issuedOn, lang)}${v}.`
        : `This confirmation cancels and replaces our notice no. ${ref.noticeId} of ${formatDate(ref.issuedOn, lang)}${v}.`,
    );
  }
  if (before) {
    const fields = ['quantity', 'price', 'grossAmount', 'feesAmount', 'netAmount', 'settlementDate', 'side', 'isin'] as const;
    const changed = fields.filter((f) => String(before[f]) !== String(after[f])).map((f) => `${f} ${String(before[f])} → ${String(after[f])}`);
    if (changed.length > 0) lines.push(`${lang === 'fr' ? 'Modifications' : 'Changes'}${lang === 'fr' ? ' : ' : ': '}${changed.join('; ')}`);
  }
  return lines;
}

/**
 * The avis d'opéré (Delegated Regulation (EU) 2017/565 art. 59(4)) of one captured trade, as far as
 * trade.events.v1 carries it: accrued interest for bonds, the FX conversion where one applies (or a
 * statement that none does), and, for an amended trade, the notice it replaces.
 */
export function renderAvisDOpere(
  t: TradeEconomics,
  c: NoticeContext,
  amendment?: { refersTo: NoticeReference | null; before: TradeEconomics | null },
): RenderedNotice {
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

  const accrued =
    t.accruedInterest !== undefined && (t.instrumentType === 'BOND' || bond || !/^0(\.0*)?$/.test(t.accruedInterest))
      ? [line(L.accrued, amount(t.accruedInterest))]
      : [];
  const fx = fxLines(t, c, lang);

  const body = [
    c.firmName,
    amendment ? L.amendedTitle : L.title,
    ...(amendment ? ['', ...amendmentLines(amendment.refersTo, amendment.before, t, lang)] : []),
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
    ...accrued,
    ...fees,
    line(t.side === 'BUY' ? L.netBuy : L.netSell, amount(t.netAmount)),
    ...fx.map((f) => line(L.fx, f)),
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

  const subject = `${amendment ? L.amendedSubject : L.subject} — ${SIDE[lang][t.side]} ${bond ? amount(t.quantity) : formatDecimal(t.quantity, lang)} ${t.isin} — ${formatDate(t.tradeDate, lang)}`;
  return { subject, body };
}
