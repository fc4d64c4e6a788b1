import type { TradeEconomics } from '@postera/contracts';
import { formatAmount, formatDecimal, type Language } from './amount-format.js';
import { formatDate, formatTimestampUtc } from './date-format.js';
import { layoutText, type NoticeLayout, type NoticeRow } from './notice-layout.js';

/**
 * The investment firm as its notices present it (art. 59(4)(a)): its name, and what configuration
 * gives of its address, its authorisation, its registration and its LEI. A detail not configured is
 * left out, never made up.
 */
export interface FirmIdentity {
  name: string;
  /** One line: street, postcode, city. */
  address?: string | null;
  /** The authority that authorised it as an investment firm (e.g. ACPR). */
  authorisedBy?: string | null;
  /** Its registration as written on its papers (e.g. RCS Paris and SIREN). */
  registration?: string | null;
  lei?: string | null;
}

/** Who the notice is from and for: the firm, and the client as the referential knows them at send time. */
export interface NoticeContext {
  firmName: string;
  /** The firm's details beyond its name, for the letterhead of the avis. */
  firm?: Omit<FirmIdentity, 'name'>;
  clientName: string;
  clientId: string;
  language: Language;
  /** The account's base currency, when the referential gives it: a trade in another currency says whether a conversion applies. */
  baseCurrency?: string | null;
  /**
   * The day the notice is dated (ISO, issueDateOf its creation): the settlement duty is told in the
   * future, the present or the past relative to it. Passed in, so a notice renders the same on every
   * send and every resend.
   */
  issuedOn: string;
  /** The instrument's name as the referential knew it when the notice was routed; absent or null: the ISIN alone. */
  instrumentName?: string | null;
  /** Business days the client has to object to an avis before it is deemed approved. */
  claimDays?: number;
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
  /** The layout the body was written from, for the PDF; absent: the PDF draws the body's lines. */
  layout?: NoticeLayout;
}

/** Business days to object to an avis when configuration says nothing (NOTICE_CLAIM_DAYS). */
export const DEFAULT_CLAIM_DAYS = 2;

const LABELS = {
  fr: {
    title: "AVIS D'OPÉRÉ",
    subject: "Avis d'opéré",
    authorisedBy: (authority: string) => `Prestataire de services d'investissement agréé par l'${authority}`,
    lei: 'LEI',
    recipient: 'Destinataire',
    client: 'Client',
    clientId: 'identifiant client',
    account: 'Compte',
    reference: "Référence de l'opération",
    version: 'version',
    issuedOn: "Date de l'avis",
    execution: 'Exécution',
    tradingDay: 'Jour de négociation',
    executionTime: "Date et heure d'exécution",
    orderType: "Type d'ordre",
    venue: "Lieu d'exécution",
    instrument: 'Instrument',
    side: 'Sens',
    quantity: 'Quantité',
    nominal: 'Nominal',
    unitPrice: 'Prix unitaire',
    percentPrice: 'Prix (en % du nominal)',
    gross: 'Montant brut',
    accrued: 'Coupon couru',
    feesTable: 'Commissions, frais et montant net',
    feesNone: 'Commissions et frais',
    none: 'aucun',
    feesTotal: 'Total des commissions et frais',
    netBuy: 'Montant net à votre débit',
    netSell: 'Montant net à votre crédit',
    capacity: "Qualité d'intervention",
    fx: 'Change',
    settlement: 'Règlement-livraison',
    settlementDate: 'Date de règlement',
    securitiesAccount: 'Compte titres',
    cashAccount: 'Compte espèces',
    amendedTitle: "AVIS D'OPÉRÉ RECTIFICATIF",
    amendedSubject: "Avis d'opéré rectificatif",
    legal: 'Cet avis vous est adressé en application de l’article 59, paragraphe 4, du règlement délégué (UE) 2017/565.',
    claim: (days: number) =>
      `Toute réclamation relative à cette opération doit nous parvenir dans un délai de ${days} jour${days > 1 ? 's' : ''} ouvré${days > 1 ? 's' : ''} à compter de la réception de cet avis ; passé ce délai, l'opération est réputée approuvée.`,
    keep: 'Document à conserver : il justifie l’opération, notamment pour votre déclaration fiscale.',
    colon: ' : ',
  },
  en: {
    title: 'TRADE CONFIRMATION',
    subject: 'Trade confirmation',
    authorisedBy: (authority: string) => `Investment firm authorised by the ${authority}`,
    lei: 'LEI',
    recipient: 'Recipient',
    client: 'Client',
    clientId: 'client id',
    account: 'Account',
    reference: 'Trade reference',
    version: 'version',
    issuedOn: 'Date of this confirmation',
    execution: 'Execution',
    tradingDay: 'Trading day',
    executionTime: 'Date and time of execution',
    orderType: 'Order type',
    venue: 'Execution venue',
    instrument: 'Instrument',
    side: 'Buy/sell',
    quantity: 'Quantity',
    nominal: 'Nominal',
    unitPrice: 'Unit price',
    percentPrice: 'Price (% of nominal)',
    gross: 'Gross amount',
    accrued: 'Accrued interest',
    feesTable: 'Commissions, expenses and net amount',
    feesNone: 'Commissions and expenses',
    none: 'none',
    feesTotal: 'Total commissions and expenses',
    netBuy: 'Net amount debited to you',
    netSell: 'Net amount credited to you',
    capacity: 'Capacity',
    fx: 'Currency conversion',
    settlement: 'Settlement',
    settlementDate: 'Settlement date',
    securitiesAccount: 'Securities account',
    cashAccount: 'Cash account',
    amendedTitle: 'AMENDED TRADE CONFIRMATION',
    amendedSubject: 'Amended trade confirmation',
    legal: 'This confirmation is sent to you under Article 59(4) of Commission Delegated Regulation (EU) 2017/565.',
    claim: (days: number) =>
      `Any objection to this transaction must reach us within ${days} business day${days > 1 ? 's' : ''} of receiving this confirmation; after that, the transaction is deemed approved.`,
    keep: 'Please keep this document: it evidences the transaction, for your tax return among other uses.',
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
    TTF: 'Taxe sur les transactions financières (TTF)',
    FTT: 'Taxe sur les transactions financières (TTF)',
    STAMP_DUTY: 'Droit de timbre',
  },
  en: {
    COMMISSION: 'Commission',
    BROKERAGE: 'Brokerage',
    EXCHANGE_FEE: 'Exchange fee',
    CLEARING_FEE: 'Clearing fee',
    SETTLEMENT_FEE: 'Settlement fee',
    TTF: 'Financial transaction tax (FTT)',
    FTT: 'Financial transaction tax (FTT)',
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

/** The instrument as the client reads it: its name and ISIN, or the ISIN alone when no name is known. */
export function instrumentText(isin: string, name: string | null | undefined): string {
  return name ? `${name} (ISIN ${isin})` : `ISIN ${isin}`;
}

/** Where the settlement date stands against the notice's date: the duty is told accordingly. */
export type SettlementTense = 'future' | 'today' | 'past';

/** Both are ISO dates (YYYY-MM-DD): compared as strings, they compare as days. */
export function settlementTense(settlementDate: string, issuedOn: string): SettlementTense {
  if (settlementDate > issuedOn) return 'future';
  return settlementDate === issuedOn ? 'today' : 'past';
}

/** The accounts the trade settles on: those of the account's standing settlement instruction when the event carries them, else the account itself. */
function settlementAccounts(t: TradeEconomics): { securities: string; cash: string } {
  const ssi = (t as Partial<Pick<TradeEconomics, 'ssis'>>).ssis?.account ?? null;
  return { securities: ssi?.safekeepingAccount || t.account, cash: ssi?.cashAccount || t.account };
}

/**
 * The client's settlement duty (art. 59(4)(o)): what leaves or reaches their accounts, and when —
 * in the future when the settlement date is after the notice's date, in the present on that day,
 * in the past after it (an avis sent late does not announce what is already due).
 */
function settlementDuty(t: TradeEconomics, c: NoticeContext): string {
  const lang = c.language;
  const net = formatAmount(t.netAmount, t.currency, lang);
  const date = formatDate(t.settlementDate, lang);
  const instr = instrumentText(t.isin, c.instrumentName);
  const { securities, cash } = settlementAccounts(t);
  const bond = t.priceType === 'PERCENT';
  const nominal = formatAmount(t.quantity, t.currency, lang);
  const tense = settlementTense(t.settlementDate, c.issuedOn);
  if (lang === 'fr') {
    // "titres" before the name: no elision to make before it (de OAT, de Air Liquide).
    const securitiesFr = bond ? `titres ${instr} (nominal ${nominal})` : `${formatDecimal(t.quantity, lang)} titres ${instr}`;
    if (t.side === 'BUY') {
      const against = `contre livraison ${bond ? 'des' : 'de'} ${securitiesFr}`;
      switch (tense) {
        case 'future':
          return `Le montant net de ${net} sera débité de votre compte ${cash} le ${date}, ${against}.`;
        case 'today':
          return `Le montant net de ${net} est débité ce jour, ${date}, de votre compte ${cash}, ${against}.`;
        case 'past':
          return `Le montant net de ${net} a été débité de votre compte ${cash} le ${date}, ${against}.`;
      }
    }
    const delivered = `Les ${securitiesFr}`;
    switch (tense) {
      case 'future':
        return `${delivered} doivent être disponibles sur votre compte ${securities} pour livraison le ${date} ; le montant net de ${net} sera alors crédité à votre compte ${cash}.`;
      case 'today':
        return `${delivered} sont livrés ce jour, ${date}, depuis votre compte ${securities} ; le montant net de ${net} est crédité ce jour à votre compte ${cash}.`;
      case 'past':
        return `${delivered} ont été livrés depuis votre compte ${securities} le ${date} ; le montant net de ${net} a été crédité à votre compte ${cash}.`;
    }
  }
  const what = bond ? `a nominal of ${nominal} of ${instr}` : `${formatDecimal(t.quantity, lang)} ${instr}`;
  if (t.side === 'BUY') {
    switch (tense) {
      case 'future':
        return `The net amount of ${net} will be debited from your account ${cash} on ${date}, against delivery of ${what}.`;
      case 'today':
        return `The net amount of ${net} is debited from your account ${cash} today, ${date}, against delivery of ${what}.`;
      case 'past':
        return `The net amount of ${net} was debited from your account ${cash} on ${date}, against delivery of ${what}.`;
    }
  }
  const delivered = bond ? `The nominal of ${nominal} of ${instr}` : `The ${formatDecimal(t.quantity, lang)} ${instr}`;
  const [are, were] = bond ? ['is', 'was'] : ['are', 'were'];
  switch (tense) {
    case 'future':
      return `${delivered} must be available in your account ${securities} for delivery on ${date}; the net amount of ${net} will then be credited to your account ${cash}.`;
    case 'today':
      return `${delivered} ${are} delivered from your account ${securities} today, ${date}; the net amount of ${net} is credited to your account ${cash} today.`;
    case 'past':
      return `${delivered} ${were} delivered from your account ${securities} on ${date}; the net amount of ${net} was credited to your account ${cash}.`;
  }
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

/** The firm's letterhead: its name, then each configured detail on its own line. */
function letterhead(c: NoticeContext, lang: Language): { name: string; lines: string[] } {
  const f = c.firm ?? {};
  const L = LABELS[lang];
  const registration = [f.registration, f.lei ? `${L.lei} ${f.lei}` : null].filter((x): x is string => !!x).join(' — ');
  return {
    name: c.firmName,
    lines: [f.address, f.authorisedBy ? L.authorisedBy(f.authorisedBy) : null, registration || null].filter((x): x is string => !!x),
  };
}

/**
 * The avis d'opéré (Delegated Regulation (EU) 2017/565 art. 59(4)) of one captured trade, laid out
 * as a broker's notice: the firm's letterhead, the recipient, a table of the execution, a table of
 * the fees down to the net amount, the settlement (date, accounts, the client's duty told against
 * the notice's date) and the regulatory mentions. With what trade.events.v1 carries: accrued
 * interest for bonds, the FX conversion where one applies (or a statement that none does), and,
 * for an amended trade, the notice it replaces.
 */
export function renderAvisDOpere(
  t: TradeEconomics,
  c: NoticeContext,
  amendment?: { refersTo: NoticeReference | null; before: TradeEconomics | null },
): RenderedNotice {
  const lang = c.language;
  const L = LABELS[lang];
  const amount = (v: string) => formatAmount(v, t.currency, lang);
  const bond = t.priceType === 'PERCENT';
  const instr = instrumentText(t.isin, c.instrumentName);
  const { securities, cash } = settlementAccounts(t);

  const execution: NoticeRow[] = [
    { label: L.tradingDay, value: formatDate(t.tradeDate, lang) },
    { label: L.executionTime, value: formatTimestampUtc(t.executedAt, lang) },
    { label: L.venue, value: venueText(t.venue, lang) },
    { label: L.orderType, value: t.orderType ? (ORDER_TYPE[lang][t.orderType] ?? t.orderType) : ORDER_TYPE_UNKNOWN[lang] },
    { label: L.side, value: SIDE[lang][t.side] },
    bond ? { label: L.nominal, value: amount(t.quantity) } : { label: L.quantity, value: formatDecimal(t.quantity, lang) },
    { label: L.instrument, value: instr },
    bond
      ? { label: L.percentPrice, value: `${formatDecimal(t.price, lang)}${lang === 'fr' ? '\u00a0%' : '%'}` }
      : { label: L.unitPrice, value: amount(t.price) },
    { label: L.gross, value: amount(t.grossAmount) },
  ];
  const accrued = t.accruedInterest !== undefined && (t.instrumentType === 'BOND' || bond || !/^0(\.0*)?$/.test(t.accruedInterest));

  const fees: NoticeRow[] = [
    { label: L.gross, value: amount(t.grossAmount) },
    ...(accrued ? [{ label: L.accrued, value: amount(t.accruedInterest!) }] : []),
    ...(t.fees.length === 0
      ? [{ label: L.feesNone, value: L.none }]
      : [
          ...t.fees.map((f) => ({ label: FEE_TYPE[lang][f.type] ?? f.type, value: formatAmount(f.amount, f.currency, lang) })),
          { label: L.feesTotal, value: amount(t.feesAmount) },
        ]),
    { label: t.side === 'BUY' ? L.netBuy : L.netSell, value: amount(t.netAmount), total: true },
  ];

  const head = letterhead(c, lang);
  const layout: NoticeLayout = {
    blocks: [
      { type: 'letterhead', name: head.name, lines: head.lines },
      { type: 'title', text: amendment ? L.amendedTitle : L.title },
      ...(amendment ? [{ type: 'paragraph' as const, lines: amendmentLines(amendment.refersTo, amendment.before, t, lang) }] : []).filter(
        (b) => b.lines.length > 0,
      ),
      {
        type: 'table',
        caption: L.recipient,
        rows: [
          { label: L.client, value: `${c.clientName} (${L.clientId} ${c.clientId})` },
          { label: L.account, value: t.account },
          { label: L.reference, value: `${t.tradeRef} (${L.version} ${t.version})` },
          { label: L.issuedOn, value: formatDate(c.issuedOn, lang) },
        ],
      },
      { type: 'table', caption: L.execution, rows: execution },
      { type: 'table', caption: L.feesTable, rows: fees, amounts: true },
      {
        type: 'paragraph',
        lines: [...fxLines(t, c, lang).map((f) => `${L.fx}${L.colon}${f}`), `${L.capacity}${L.colon}${capacityText(t.capacity, c.firmName, lang)}`],
      },
      {
        type: 'table',
        caption: L.settlement,
        rows: [
          { label: L.settlementDate, value: formatDate(t.settlementDate, lang) },
          { label: L.securitiesAccount, value: securities },
          { label: L.cashAccount, value: `${cash} (${t.currency})` },
        ],
      },
      { type: 'paragraph', lines: [settlementDuty(t, c)] },
      { type: 'mentions', lines: [L.claim(c.claimDays ?? DEFAULT_CLAIM_DAYS), L.keep, L.legal] },
    ],
  };

  const subject = `${amendment ? L.amendedSubject : L.subject} — ${SIDE[lang][t.side]} ${bond ? amount(t.quantity) : formatDecimal(t.quantity, lang)} ${instr} — ${formatDate(t.tradeDate, lang)}`;
  return { subject, body: layoutText(layout), layout };
}
