import { Topics } from '@postera/contracts';
import { appendToOutbox } from '@postera/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { NotificationKind } from '../notifications/domain/render-notification.js';
import type { NotificationSentEvent } from './notification-events.js';

/** A pending notification with the contact it goes to, as the sender claims it. */
export interface ClaimedNotification {
  notificationId: string;
  kind: NotificationKind;
  causeEventId: string;
  tradeRef: string;
  account: string;
  payload: unknown;
  clientId: string;
  clientName: string;
  language: 'fr' | 'en';
  email: string;
}

export interface ClaimResult {
  toSend: ClaimedNotification[];
  skipped: number;
  failed: number;
}

interface PendingRow {
  notification_id: string;
  kind: NotificationKind;
  cause_event_id: string;
  trade_ref: string;
  account: string;
  payload: unknown;
  client_id: string;
  client_name: string;
  account_type: 'CLIENT' | 'PROPRIETARY';
  language: 'fr' | 'en';
  email: string | null;
}

const ms = (n: number) => `${Math.max(0, Math.round(n))} milliseconds`;

/** UPDATE … RETURNING through a CTE, so the driver hands back rows whatever the command. */
async function updateReturning<T>(tx: EntityManager, update: string, params: unknown[]): Promise<T[]> {
  return (await tx.query(`WITH u AS (${update}) SELECT * FROM u`, params)) as T[];
}

/**
 * Claims up to `limit` due notifications whose contact is known (the others wait for
 * refdata.accounts.v1). SKIP LOCKED lets replicas claim disjoint sets; the claim (claim_id and a
 * lease in next_attempt_at) is committed at once, so no lock is held while SMTP works — the
 * attempt rows are committed in their own transactions meanwhile. Proprietary accounts are
 * SKIPPED and accounts without an address FAILED here: no SMTP is involved in either.
 */
export async function claimDue(ds: DataSource, claimId: string, limit: number, leaseMs: number): Promise<ClaimResult> {
  return ds.transaction(async (tx) => {
    const rows = (await tx.query(
      `SELECT n.notification_id, n.kind, n.cause_event_id, n.trade_ref, account, n.payload,
              c.client_id, c.client_name, c.account_type, c.language, c.email
       FROM notification.notifications n JOIN notification.client_contacts c USING (account)
       WHERE n.status = 'PENDING' AND n.next_attempt_at <= now()
       ORDER BY n.created_at, n.notification_id
       LIMIT $1
       FOR UPDATE OF n SKIP LOCKED`,
      [limit],
    )) as PendingRow[];
    const proprietary = rows.filter((r) => r.account_type === 'PROPRIETARY');
    const noAddress = rows.filter((r) => r.account_type === 'CLIENT' && !r.email);
    const sendable = rows.filter((r) => r.account_type === 'CLIENT' && r.email);
    if (proprietary.length > 0) {
      await tx.query(
        `UPDATE notification.notifications SET status = 'SKIPPED', last_error = 'proprietary account: no client to notify', claim_id = NULL
         WHERE notification_id = ANY($1::uuid[])`,
        [proprietary.map((r) => r.notification_id)],
      );
    }
    if (noAddress.length > 0) {
      await tx.query(
        `UPDATE notification.notifications n SET status = 'FAILED', claim_id = NULL, language = c.language,
           last_error = 'no email address for account ' || n.account || ' in refdata.accounts.v1: add one in the referential, then requeue'
         FROM notification.client_contacts c
         WHERE c.account = n.account AND n.notification_id = ANY($1::uuid[])`,
        [noAddress.map((r) => r.notification_id)],
      );
    }
    if (sendable.length > 0) {
      await tx.query(`UPDATE notification.notifications SET claim_id = $2, next_attempt_at = now() + $3::interval WHERE notification_id = ANY($1::uuid[])`, [
        sendable.map((r) => r.notification_id),
        claimId,
        ms(leaseMs),
      ]);
    }
    return {
      skipped: proprietary.length,
      failed: noAddress.length,
      toSend: sendable.map((r) => ({
        notificationId: r.notification_id,
        kind: r.kind,
        causeEventId: r.cause_event_id,
        tradeRef: r.trade_ref,
        account: r.account,
        payload: r.payload,
        clientId: r.client_id,
        clientName: r.client_name,
        language: r.language,
        email: r.email as string,
      })),
    };
  });
}

export interface AttemptStart {
  notificationId: string;
  claimId: string;
  recipient: string;
  language: 'fr' | 'en';
  subject: string;
  body: string;
  /** How long this one send may take before another sender may take the notification over. */
  leaseMs: number;
}

/**
 * Records an attempt and commits it before the message goes to SMTP, with what is about to be
 * sent. An earlier attempt left without outcome (the process died mid-send) is closed as
 * interrupted: that mail may have arrived, and the resend carries the same Message-ID.
 * Returns the attempt number and the attempts counted so far, or null when the claim was lost.
 */
export async function startAttempt(ds: DataSource, a: AttemptStart): Promise<{ attemptNo: number; attempts: number } | null> {
  return ds.transaction(async (tx) => {
    const [owned] = await updateReturning<{ attempts: number }>(
      tx,
      `UPDATE notification.notifications
       SET attempts = attempts + 1, recipient = $3, language = $4, subject = $5, body = $6, next_attempt_at = now() + $7::interval
       WHERE notification_id = $1 AND claim_id = $2 AND status = 'PENDING'
       RETURNING attempts`,
      [a.notificationId, a.claimId, a.recipient, a.language, a.subject, a.body, ms(a.leaseMs)],
    );
    if (!owned) return null;
    await tx.query(
      `UPDATE notification.delivery_attempts SET finished_at = now(), outcome = 'ERROR',
         error = 'interrupted: the sender stopped before recording an outcome; the mail may have been delivered, a resend carries the same Message-ID'
       WHERE notification_id = $1 AND finished_at IS NULL`,
      [a.notificationId],
    );
    const [next] = (await tx.query(
      `INSERT INTO notification.delivery_attempts (notification_id, attempt_no)
       SELECT $1, coalesce(max(attempt_no), 0) + 1 FROM notification.delivery_attempts WHERE notification_id = $1
       RETURNING attempt_no`,
      [a.notificationId],
    )) as Array<{ attempt_no: number }>;
    return { attemptNo: next!.attempt_no, attempts: owned.attempts };
  });
}

/** SMTP accepted the message: attempt SENT, notification SENT, NotificationSent in the outbox — one transaction. */
export async function recordSent(ds: DataSource, notificationId: string, attemptNo: number, smtpResponse: string, event: NotificationSentEvent): Promise<void> {
  await ds.transaction(async (tx) => {
    await tx.query(
      `UPDATE notification.delivery_attempts SET finished_at = now(), outcome = 'SENT', smtp_response = $3 WHERE notification_id = $1 AND attempt_no = $2`,
      [notificationId, attemptNo, smtpResponse.slice(0, 2000)],
    );
    const marked = await updateReturning<{ notification_id: string }>(
      tx,
      `UPDATE notification.notifications SET status = 'SENT', sent_at = now(), claim_id = NULL, last_error = NULL
       WHERE notification_id = $1 AND status = 'PENDING' RETURNING notification_id`,
      [notificationId],
    );
    if (marked.length > 0) await appendToOutbox(tx, 'notification', [{ topic: Topics.notificationEvents, key: event.correlationId, event }]);
  });
}

export interface AttemptError {
  notificationId: string;
  attemptNo: number;
  error: string;
  smtpResponse: string | null;
  /** FAILED now (a permanent rejection, or the last attempt allowed); else PENDING again after retryAfterMs. */
  final: boolean;
  /** The server was never reached: the attempt is given back, an outage does not use up a notice's attempts. */
  refund: boolean;
  retryAfterMs: number;
}

export async function recordError(ds: DataSource, e: AttemptError): Promise<void> {
  await ds.transaction(async (tx) => {
    await tx.query(
      `UPDATE notification.delivery_attempts SET finished_at = now(), outcome = 'ERROR', error = $3, smtp_response = $4 WHERE notification_id = $1 AND attempt_no = $2`,
      [e.notificationId, e.attemptNo, e.error.slice(0, 2000), e.smtpResponse?.slice(0, 2000) ?? null],
    );
    await tx.query(
      `UPDATE notification.notifications
       SET status = CASE WHEN $2::boolean THEN 'FAILED' ELSE 'PENDING' END, last_error = $3, claim_id = NULL,
           attempts = attempts - CASE WHEN $4::boolean THEN 1 ELSE 0 END, next_attempt_at = now() + $5::interval
       WHERE notification_id = $1 AND status = 'PENDING'`,
      [e.notificationId, e.final, e.error.slice(0, 2000), e.refund, ms(e.retryAfterMs)],
    );
  });
}

/** A notification that cannot be rendered will not render on a retry either: FAILED, with the reason. */
export async function markUnrenderable(ds: DataSource, notificationId: string, claimId: string, error: string): Promise<void> {
  await ds.query(
    `UPDATE notification.notifications SET status = 'FAILED', last_error = $3, claim_id = NULL
     WHERE notification_id = $1 AND claim_id = $2 AND status = 'PENDING'`,
    [notificationId, claimId, error.slice(0, 2000)],
  );
}

/** Gives claimed notifications back (SMTP is unreachable): due again after delayMs, their attempts untouched. */
export async function releaseClaims(ds: DataSource, notificationIds: string[], claimId: string, delayMs: number): Promise<void> {
  if (notificationIds.length === 0) return;
  await ds.query(
    `UPDATE notification.notifications SET claim_id = NULL, next_attempt_at = now() + $3::interval
     WHERE notification_id = ANY($1::uuid[]) AND claim_id = $2 AND status = 'PENDING'`,
    [notificationIds, claimId, ms(delayMs)],
  );
}
