import { Dec, isKnownCurrency, isMicFormat, isValidIsin, isValidLei } from '@postera/kernel';
import { create } from 'xmlbuilder2';

/**
 * MiFIR transaction reports (art. 26, RTS 22 — Delegated Regulation (EU) 2017/590) as ISO 20022
 * auth.016.001.01 (FinInstrmRptgTxRpt), for the AMF by D+1.
 *
 * One report per reportable trade: a NEW when the trade is captured; an amendment is a CANC of the
 * report in force plus a NEW with a new transaction reference; a cancellation is a CANC of the
 * report in force. A transaction reference (TxId, RTS 22 field 2: up to 52 alphanumerics) is never
 * reused: it is `<prefix><trade date yyyymmdd><sequence>`, from a database sequence, unique in the
 * database.
 */
export const AUTH016_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:auth.016.001.01';

export interface MifirTrade {
  tradeRef: string;
  version: number;
  side: 'BUY' | 'SELL';
  isin: string;
  quantity: string;
  price: string;
  priceType: 'UNIT' | 'PERCENT';
  currency: string;
  executedAt: string;
  tradeDate: string;
  venue: string;
  venueTransactionId: string | null;
  counterparty: string;
  capacity: string;
  accountType: 'CLIENT' | 'PROPRIETARY';
  clientId: string;
  instrumentType: string;
}

export interface MifirFirm {
  lei: string;
  /** ISO 3166 country of the branch that executed (RTS 22 field 37). */
  branchCountry: string;
}

export type MifirReport =
  | { kind: 'NEW'; transactionReference: string; trade: MifirTrade }
  | { kind: 'CANC'; transactionReference: string; originalTradeRef: string };

export interface MifirProblem {
  field: string;
  value: string | null;
  rule: string;
}

const TXID = /^[A-Z0-9]{1,52}$/;
const CAPACITIES = ['DEAL', 'MTCH', 'AOTC'];

/** The main validation rules of RTS 22 checked before filing; every broken rule is listed. */
export function validateMifirReport(r: MifirReport, firm: MifirFirm, now: Date): MifirProblem[] {
  const p: MifirProblem[] = [];
  const check = (ok: boolean, field: string, value: string | null, rule: string) => {
    if (!ok) p.push({ field, value, rule });
  };
  check(isValidLei(firm.lei), 'ExctgPty', firm.lei, 'the firm LEI must be a valid ISO 17442 LEI (check digits)');
  check(TXID.test(r.transactionReference), 'TxId', r.transactionReference, 'up to 52 characters A-Z 0-9');
  if (r.kind === 'CANC') return p;
  const t = r.trade;
  check(isValidLei(t.counterparty), 'Buyr/Sellr', t.counterparty, 'the counterparty must be identified by a valid LEI');
  check(isValidIsin(t.isin), 'FinInstrm/Id', t.isin, 'a valid ISIN (ISO 6166, check digit)');
  check(isMicFormat(t.venue), 'TradVn', t.venue, 'an ISO 10383 MIC (XOFF off venue)');
  const price = safeDec(t.price);
  check(price !== null && price.gt(0), 'Pric', t.price, 'a price greater than zero');
  const qty = safeDec(t.quantity);
  check(qty !== null && qty.gt(0), 'Qty', t.quantity, 'a quantity greater than zero');
  check(CAPACITIES.includes(t.capacity), 'TradgCpcty', t.capacity, 'DEAL, MTCH or AOTC');
  check(isKnownCurrency(t.currency), 'Pric/Ccy', t.currency, 'an ISO 4217 currency');
  const at = Date.parse(t.executedAt);
  check(!Number.isNaN(at) && /[zZ]|[+-]\d{2}:?\d{2}$/.test(t.executedAt), 'TradDt', t.executedAt, 'a date and time with a zone');
  check(Number.isNaN(at) || at <= now.getTime(), 'TradDt', t.executedAt, 'not in the future');
  // The execution time as the platform stamped it (local time with its zone) falls on the trade date.
  check(Number.isNaN(at) || t.executedAt.slice(0, 10) === t.tradeDate, 'TradDt', t.executedAt, `on the trade date ${t.tradeDate}`);
  return p;
}

function safeDec(v: string) {
  try {
    return new Dec(v);
  } catch {
    return null;
  }
}

/** Trading date time in UTC with milliseconds, as RTS 22 field 28 asks (granularity per venue). */
export function utcTimestamp(iso: string): string {
  return new Date(Date.parse(iso)).toISOString();
}

function party(id: { lei: string } | { clientId: string }) {
  return 'lei' in id ? { AcctOwnr: { Id: { LEI: id.lei } } } : { AcctOwnr: { Id: { Prsn: { Othr: { Id: id.clientId, SchmeNm: { Prtry: 'CLIENT' } } } } } };
}

/**
 * The auth.016 document for a list of reports (one Tx each), in order. Our side is the firm (DEAL,
 * MTCH) or the client (AOTC on a client account: identified by its client id, see README limits).
 */
export function auth016Xml(reports: readonly MifirReport[], firm: MifirFirm): string {
  const txs = reports.map((r) => {
    if (r.kind === 'CANC')
      return { Cxl: { TxId: r.transactionReference, ExctgPty: firm.lei, SubmitgPty: firm.lei } };
    const t = r.trade;
    const ours = t.accountType === 'CLIENT' && t.capacity === 'AOTC' ? party({ clientId: t.clientId }) : party({ lei: firm.lei });
    const theirs = party({ lei: t.counterparty });
    const [buyer, seller] = t.side === 'BUY' ? [ours, theirs] : [theirs, ours];
    const price =
      t.priceType === 'PERCENT' ? { Pctg: new Dec(t.price).toString() } : { MntryVal: { Amt: { '@Ccy': t.currency, '#': new Dec(t.price).toString() } } };
    const qty = t.instrumentType === 'BOND' ? { NmnlVal: { '@Ccy': t.currency, '#': new Dec(t.quantity).toString() } } : { Unit: new Dec(t.quantity).toString() };
    return {
      New: {
        TxId: r.transactionReference,
        ExctgPty: firm.lei,
        InvstmtPtyInd: 'true',
        SubmitgPty: firm.lei,
        Buyr: buyer,
        Sellr: seller,
        OrdrTrnsmssn: { TrnsmssnInd: 'false' },
        Tx: {
          TradDt: utcTimestamp(t.executedAt),
          TradgCpcty: t.capacity,
          Qty: qty,
          Pric: { Pric: price },
          TradVn: t.venue,
          CtryOfBrnch: firm.branchCountry,
          ...(t.venueTransactionId ? { TradgVnTxId: t.venueTransactionId } : {}),
        },
        FinInstrm: { Id: t.isin },
        AddtlAttrbts: { SctiesFincgTxInd: 'false' },
      },
    };
  });
  return create({ version: '1.0', encoding: 'UTF-8' })
    .ele({ Document: { '@xmlns': AUTH016_NAMESPACE, FinInstrmRptgTxRpt: { Tx: txs } } })
    .end({ prettyPrint: true });
}
