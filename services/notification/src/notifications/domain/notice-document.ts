import type { TradeEconomics } from '@postera/contracts';
import { amountAtLeastMinorUnits } from '@postera/kernel';
import type { NoticeContext } from './avis-d-opere.js';
import type { NotificationKind } from './render-notification.js';

/**
 * The structured form of a notice (kept in notices.document, served by GET /notices/:id and posted
 * to webhooks): every figure a decimal string, every date ISO, no language. For an avis d'opéré the
 * content is named after the elements of art. 59(4) of Delegated Regulation (EU) 2017/565.
 */
export interface NoticeDocument {
  schema: 'postera.notice.v1';
  noticeId: string;
  kind: NotificationKind;
  tradeRef: string;
  issuedAt: string;
  firm: string;
  recipient: { type: 'CLIENT' | 'COUNTERPARTY'; id: string; name: string; party: string; language: 'fr' | 'en' };
  refersTo: unknown;
  content: unknown;
}

/**
 * A fee as the trade message gave it, written with at least its currency's minor units ("8.5" EUR →
 * "8.50"), as the trade's computed amounts are. Never rounded: a fee finer than the minor unit is
 * written as received rather than as another amount.
 */
const feeInForm = (f: { type: string; amount: string; currency: string }) => ({ ...f, amount: amountAtLeastMinorUnits(f.amount, f.currency) });

export function avisContent(t: TradeEconomics, c: Pick<NoticeContext, 'baseCurrency' | 'instrumentName'>) {
  const fxApplies = !!t.fxConversion || (!!c.baseCurrency && c.baseCurrency !== t.currency);
  return {
    tradeRef: t.tradeRef,
    tradeVersion: t.version,
    tradingDay: t.tradeDate,
    executionTime: t.executedAt,
    orderType: t.orderType,
    venue: t.venue,
    instrument: { isin: t.isin, name: c.instrumentName ?? null, type: t.instrumentType ?? null },
    side: t.side,
    quantity: t.quantity,
    priceType: t.priceType,
    unitPrice: t.price,
    currency: t.currency,
    totalConsideration: t.grossAmount,
    accruedInterest: t.accruedInterest ?? null,
    commissionsAndExpenses: t.fees?.map(feeInForm),
    commissionsAndExpensesTotal: t.feesAmount,
    netAmount: t.netAmount,
    fx: t.fxConversion ? { applied: true, ...t.fxConversion } : { applied: false, baseCurrency: c.baseCurrency ?? null, relevant: fxApplies },
    capacity: t.capacity,
    settlement: { date: t.settlementDate, account: t.account, clientDuty: t.side === 'BUY' ? 'PAY_CASH' : 'DELIVER_SECURITIES' },
  };
}

export function buildNoticeDocument(
  n: { noticeId: string; kind: NotificationKind; tradeRef: string; payload: unknown; recipientType: 'CLIENT' | 'COUNTERPARTY'; party: string },
  c: NoticeContext,
  issuedAt: string,
): NoticeDocument {
  const p = n.payload as Record<string, unknown>;
  let content: unknown = n.payload;
  let refersTo: unknown = null;
  switch (n.kind) {
    case 'AVIS_OPERE':
      content = avisContent(n.payload as TradeEconomics, c);
      break;
    case 'AMENDMENT_NOTICE':
      content = { ...avisContent(p.trade as TradeEconomics, c), before: p.before ?? null };
      refersTo = p.refersTo ?? null;
      break;
    case 'CANCELLATION_NOTICE':
      refersTo = p.refersTo ?? null;
      break;
    case 'SETTLEMENT_CONFIRMATION':
    case 'SETTLEMENT_FAILED':
    case 'SETTLEMENT_FAIL_REMINDER':
    case 'COUNTERPARTY_CONFIRMATION':
      // The event's own data is already the structured form.
      break;
  }
  return {
    schema: 'postera.notice.v1',
    noticeId: n.noticeId,
    kind: n.kind,
    tradeRef: n.tradeRef,
    issuedAt,
    firm: c.firmName,
    recipient: { type: n.recipientType, id: c.clientId, name: c.clientName, party: n.party, language: c.language },
    refersTo,
    content,
  };
}
