import type { CounterpartyConfirmationIssuedV1, InstructionStatusChangedV1, TradeEconomics } from '@postera/contracts';
import { renderAvisDOpere, type NoticeContext, type NoticeReference, type RenderedNotice } from './avis-d-opere.js';
import { renderCancellationNotice, renderCounterpartyConfirmation, renderSettlementFailed, type FailReminderPayload } from './other-notices.js';
import { counterpartyConfirmationSchema, instructionSettledSchema, payloadProblems, tradeEconomicsSchema } from './payload-schemas.js';
import { renderSettlementConfirmation } from './settlement-confirmation.js';

export const NOTICE_KINDS = [
  'AVIS_OPERE',
  'AMENDMENT_NOTICE',
  'CANCELLATION_NOTICE',
  'SETTLEMENT_CONFIRMATION',
  'SETTLEMENT_FAILED',
  'SETTLEMENT_FAIL_REMINDER',
  'COUNTERPARTY_CONFIRMATION',
] as const;
export type NotificationKind = (typeof NOTICE_KINDS)[number];

/** What each kind of notice stores as its payload (the event's data it was owed for). */
export interface AmendmentPayload {
  trade: TradeEconomics;
  before: TradeEconomics | null;
  refersTo: NoticeReference | null;
}
export interface CancellationPayload {
  trade: TradeEconomics;
  cancelVersion: number;
  refersTo: NoticeReference | null;
}

function checked<T>(schema: Parameters<typeof payloadProblems>[0], payload: unknown, what: string): T {
  const problems = payloadProblems(schema, payload);
  if (problems.length > 0) throw new Error(`stored ${what} payload unusable: ${problems.join('; ')}`);
  return payload as T;
}

/**
 * Subject and body of a stored notice, rendered when it is sent: the language and the party's name
 * are those known when it was routed. The payload is checked again here because it comes back
 * from a jsonb column, not from the type system.
 */
export function renderNotification(kind: NotificationKind, payload: unknown, c: NoticeContext): RenderedNotice {
  const p = payload as Record<string, unknown>;
  switch (kind) {
    case 'AVIS_OPERE':
      return renderAvisDOpere(checked<TradeEconomics>(tradeEconomicsSchema, payload, 'avis'), c);
    case 'AMENDMENT_NOTICE': {
      const trade = checked<TradeEconomics>(tradeEconomicsSchema, p.trade, 'amendment');
      return renderAvisDOpere(trade, c, { refersTo: (p.refersTo as NoticeReference | null) ?? null, before: (p.before as TradeEconomics | null) ?? null });
    }
    case 'CANCELLATION_NOTICE': {
      checked<TradeEconomics>(tradeEconomicsSchema, p.trade, 'cancellation');
      return renderCancellationNotice(payload as CancellationPayload, c);
    }
    case 'SETTLEMENT_CONFIRMATION':
      return renderSettlementConfirmation(checked<InstructionStatusChangedV1>(instructionSettledSchema, payload, 'settlement'), c);
    case 'SETTLEMENT_FAILED':
      return renderSettlementFailed(checked<InstructionStatusChangedV1>(instructionSettledSchema, payload, 'settlement fail'), c);
    case 'SETTLEMENT_FAIL_REMINDER': {
      const r = payload as FailReminderPayload;
      checked<InstructionStatusChangedV1>(instructionSettledSchema, r.instruction, 'fail reminder');
      return renderSettlementFailed(r.instruction, c, {
        failingSince: r.failingSince,
        businessDate: r.businessDate,
        businessDaysFailing: r.businessDaysFailing,
      });
    }
    case 'COUNTERPARTY_CONFIRMATION':
      return renderCounterpartyConfirmation(checked<CounterpartyConfirmationIssuedV1>(counterpartyConfirmationSchema, payload, 'counterparty confirmation'), c);
  }
}
