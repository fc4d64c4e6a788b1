import type { InstructionStatusChangedV1, TradeEconomics } from '@postera/contracts';
import { renderAvisDOpere, type NoticeContext, type RenderedNotice } from './avis-d-opere.js';
import { instructionSettledSchema, payloadProblems, tradeEconomicsSchema } from './payload-schemas.js';
import { renderSettlementConfirmation } from './settlement-confirmation.js';

export type NotificationKind = 'AVIS_OPERE' | 'SETTLEMENT_CONFIRMATION';

/**
 * Subject and body of a stored notification, rendered when it is sent: the language and the
 * client's name are those of the contact known then. The payload was checked on arrival; it is
 * checked again here because it comes back from a jsonb column, not from the type system.
 */
export function renderNotification(kind: NotificationKind, payload: unknown, c: NoticeContext): RenderedNotice {
  switch (kind) {
    case 'AVIS_OPERE': {
      const problems = payloadProblems(tradeEconomicsSchema, payload);
      if (problems.length > 0) throw new Error(`stored avis payload unusable: ${problems.join('; ')}`);
      return renderAvisDOpere(payload as TradeEconomics, c);
    }
    case 'SETTLEMENT_CONFIRMATION': {
      const problems = payloadProblems(instructionSettledSchema, payload);
      if (problems.length > 0) throw new Error(`stored settlement payload unusable: ${problems.join('; ')}`);
      return renderSettlementConfirmation(payload as InstructionStatusChangedV1, c);
    }
  }
}
