import { firmDetails, type NotificationConfig } from '../config.js';
import type { NoticeContext } from '../notifications/domain/avis-d-opere.js';
import { issueDateOf } from '../notifications/domain/date-format.js';
import type { ClaimedNotification } from './delivery.repository.js';

/** When the notice was issued: the date of its structured document, fixed at routing (the epoch for a notice routed without one). */
export function noticeIssuedAt(n: Pick<ClaimedNotification, 'document'>): Date {
  const issued = (n.document as { issuedAt?: string } | null)?.issuedAt;
  return issued ? new Date(issued) : new Date(0);
}

/**
 * What a claimed delivery is rendered with: the firm as configured, the party and language it was
 * routed with, the instrument's name it was routed with, and the day the notice is dated — so
 * every attempt and every resend of it renders the same text.
 */
export function noticeContextOf(
  n: ClaimedNotification,
  config: Pick<NotificationConfig, 'FIRM_NAME' | 'FIRM_ADDRESS' | 'FIRM_AUTHORISED_BY' | 'FIRM_REGISTRATION' | 'FIRM_LEI' | 'NOTICE_CLAIM_DAYS'>,
): NoticeContext {
  return {
    firmName: config.FIRM_NAME,
    firm: firmDetails(config),
    clientName: n.clientName,
    clientId: n.clientId,
    language: n.language,
    baseCurrency: n.baseCurrency,
    issuedOn: issueDateOf(noticeIssuedAt(n)),
    instrumentName: n.instrumentName,
    claimDays: config.NOTICE_CLAIM_DAYS,
  };
}
