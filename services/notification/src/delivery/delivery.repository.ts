import { Topics, type NotificationSentEvent } from '@postera/contracts';
import { eventHeaders } from '@postera/platform';
import type { DataSource } from 'typeorm';
import type { NotificationKind } from '../notifications/domain/render-notification.js';

export type Channel = 'EMAIL' | 'WEBHOOK';

/** A pending delivery with its notice, as a sender claims it. */
export interface ClaimedNotification {
  notificationId: string;
  noticeId: string;
  kind: NotificationKind;
  channel: Channel;
  causeEventId: string;
  tradeRef: string;
  /** The account, or the counterparty's LEI. */
  account: string;
  recipientType: 'CLIENT' | 'COUNTERPARTY';
  payload: unknown;
  document: unknown;
  clientId: string;
  clientName: string;
  language: 'fr' | 'en';
  baseCurrency: string | null;
  /** The instrument's name the notice was routed with (null: none known then, the ISIN alone). */
  instrumentName: string | null;
  /** The email address or the webhook URL. */
  recipient: string;
  /** Attempts already counted (before this one). */
  attempts: number;
}

export interface ClaimResult {
  toSend: ClaimedNotification[];
}

export interface PendingRow {
  notification_id: string;
  notice_id: string;
  kind: NotificationKind;
  channel: Channel;
  cause_event_id: string;
  trade_ref: string;
  account: string;
  recipient_type: 'CLIENT' | 'COUNTERPARTY';
  payload: unknown;
  document: unknown;
  party_id: string | null;
  party_name: string | null;
  language: 'fr' | 'en';
  base_currency: string | null;
  instrument_name: string | null;
  recipient: string;
  attempts: number;
}

const ms = (n: number) => `${Math.max(0, Math.round(n))} milliseconds`;

/**
 * A delivery a sender may claim now: pending, due, with a recipient. A claim moves next_attempt_at
 * to the end of its lease, so the ones in a sender's hands are not due. The claim and the backlog
 * the autoscaler reads (delivery-backlog.ts) ask the same thing; `n.` is the notifications table.
 */
export const CLAIMABLE = `n.status = 'PENDING' AND n.next_attempt_at <= now() AND n.recipient IS NOT NULL`;

/**
 * Claims up to `limit` due deliveries of one channel, in the order they came due (a new delivery is
 * due when created; a retry after its backoff), read from the index of the channel's pending
 * deliveries by due time, so retries not yet due cost nothing. SKIP LOCKED lets replicas claim disjoint
 * sets; the claim (claim_id and a lease in next_attempt_at) is committed at once, so no lock is
 * held while the batch is rendered, its attempts recorded and the channel works. One statement,
 * its own transaction: the rows are locked and claimed together, and an idle poll (every
 * SEND_POLL_MS, per channel) is one round trip instead of three.
 */
export async function claimDue(ds: DataSource, channel: Channel, claimId: string, limit: number, leaseMs: number): Promise<ClaimResult> {
  const rows = (await ds.query(
    `WITH due AS MATERIALIZED (
       SELECT n.notification_id, n.notice_id, k.kind, n.channel, k.cause_event_id, k.trade_ref, k.party AS account, k.recipient_type,
              k.payload, k.document, k.party_id, k.party_name, coalesce(n.language, k.language, 'en') AS language, k.base_currency, k.instrument_name,
              n.recipient, n.attempts, n.next_attempt_at
       FROM notification.notifications n JOIN notification.notices k USING (notice_id)
       WHERE ${CLAIMABLE} AND n.channel = $2
       ORDER BY n.next_attempt_at, n.notification_id
       LIMIT $1
       FOR UPDATE OF n SKIP LOCKED),
     claimed AS (
       UPDATE notification.notifications n SET claim_id = $3, next_attempt_at = now() + $4::interval
       FROM due WHERE n.notification_id = due.notification_id)
     SELECT * FROM due ORDER BY next_attempt_at, notification_id`,
    [limit, channel, claimId, ms(leaseMs)],
  )) as PendingRow[];
  return { toSend: rows.map(claimedOf) };
}

/** A delivery's row as the senders render it. */
export function claimedOf(r: PendingRow): ClaimedNotification {
  return {
    notificationId: r.notification_id,
    noticeId: r.notice_id,
    kind: r.kind,
    channel: r.channel,
    causeEventId: r.cause_event_id,
    tradeRef: r.trade_ref,
    account: r.account,
    recipientType: r.recipient_type,
    payload: r.payload,
    document: r.document,
    clientId: r.party_id ?? r.account,
    clientName: r.party_name ?? r.account,
    language: r.language,
    baseCurrency: r.base_currency,
    instrumentName: r.instrument_name,
    recipient: r.recipient,
    attempts: r.attempts,
  };
}

/**
 * A notice as its email delivery renders it (its first email recipient's language), for the PDF an
 * operator downloads: the same text and date as the attachment mailed, so the same bytes. A notice
 * with no email delivery (a webhook only, or none yet) renders in the notice's language. Null when
 * there is no such notice.
 */
export async function noticeAsMailed(ds: DataSource, noticeId: string): Promise<ClaimedNotification | null> {
  const [row] = (await ds.query(
    `SELECT n.notification_id, k.notice_id, k.kind, coalesce(n.channel, 'EMAIL') AS channel, k.cause_event_id, k.trade_ref, k.party AS account, k.recipient_type,
            k.payload, k.document, k.party_id, k.party_name, coalesce(n.language, k.language, 'en') AS language, k.base_currency, k.instrument_name,
            coalesce(n.recipient, '') AS recipient, coalesce(n.attempts, 0) AS attempts
     FROM notification.notices k
     LEFT JOIN LATERAL (SELECT * FROM notification.notifications x WHERE x.notice_id = k.notice_id AND x.channel = 'EMAIL' ORDER BY x.recipient LIMIT 1) n ON true
     WHERE k.notice_id = $1`,
    [noticeId],
  )) as PendingRow[];
  return row ? claimedOf(row) : null;
}

/** A rendered notification about to be handed to SMTP, with what it will carry. */
export interface AttemptStart {
  notificationId: string;
  recipient: string;
  language: 'fr' | 'en';
  subject: string;
  body: string;
}

/** An attempt recorded and committed: the notification is this sender's to send now. */
export interface StartedAttempt {
  attemptNo: number;
  /** Attempts that count against SEND_ATTEMPTS_MAX, this one included. */
  attempts: number;
}

/**
 * Starts one attempt per notification of the batch and commits them, in one statement, before any
 * of these messages goes to SMTP, with what is about to be sent. The attempt in flight is kept on
 * the delivery (`attempt_no`, `attempt_started_at`), not as a row: its `delivery_attempts` row is
 * written once, at the outcome. An earlier attempt still in flight here (the process died mid-send)
 * is written now, closed as interrupted: that mail may have arrived, and the resend carries the same
 * Message-ID. `leaseMs` is how long the batch's sends may take before another sender may take these
 * notifications over.
 * Returns the started attempts by notification id; a notification missing from it was lost to
 * another sender (our claim's lease ran out) and must not be sent.
 */
export async function startAttempts(ds: DataSource, claimId: string, attempts: AttemptStart[], leaseMs: number): Promise<Map<string, StartedAttempt>> {
  if (attempts.length === 0) return new Map();
  // One statement, so one transaction and one round trip. `o` is the delivery as it was before this
  // statement (same snapshot): the attempt it had in flight, if any, is the one written interrupted.
  const rows = (await ds.query(
    `WITH owned AS (
       UPDATE notification.notifications n
       SET attempts = n.attempts + 1, attempt_no = n.attempt_no + 1, attempt_started_at = now(),
           recipient = a.recipient, language = a.language, subject = a.subject, body = a.body,
           next_attempt_at = now() + $7::interval
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) AS a(notification_id, recipient, language, subject, body),
            notification.notifications o
       WHERE n.notification_id = a.notification_id AND o.notification_id = n.notification_id AND n.claim_id = $6 AND n.status = 'PENDING'
       RETURNING n.notification_id, n.attempt_no, n.attempts, o.attempt_no AS previous_no, o.attempt_started_at AS previous_started_at),
     interrupted AS (
       INSERT INTO notification.delivery_attempts (notification_id, attempt_no, started_at, finished_at, outcome, error)
       SELECT notification_id, previous_no, previous_started_at, now(), 'ERROR',
         'interrupted: the sender stopped before recording an outcome; the mail may have been delivered, a resend carries the same Message-ID'
       FROM owned WHERE previous_started_at IS NOT NULL AND previous_no >= 1
       ON CONFLICT (notification_id, attempt_no) DO NOTHING)
     SELECT notification_id, attempt_no, attempts FROM owned`,
    [
      attempts.map((a) => a.notificationId),
      attempts.map((a) => a.recipient),
      attempts.map((a) => a.language),
      attempts.map((a) => a.subject),
      attempts.map((a) => a.body),
      claimId,
      ms(leaseMs),
    ],
  )) as Array<{ notification_id: string; attempt_no: number; attempts: number }>;
  return new Map(rows.map((r) => [r.notification_id, { attemptNo: r.attempt_no, attempts: r.attempts }]));
}

/** A message the server accepted, with the event that says so. */
export interface SentAttempt {
  notificationId: string;
  attemptNo: number;
  smtpResponse: string;
  event: NotificationSentEvent;
}

/**
 * SMTP accepted these messages: each attempt's row written SENT (its start read from the delivery),
 * notifications SENT, one NotificationSent each in the outbox — one statement for the batch (its own
 * transaction), so one round trip per mail in the sending lane rather than five (begin, three
 * statements, commit). An attempt already written (closed as interrupted by a sender that took the
 * delivery over) is corrected to SENT: the server did accept it. A notification already SENT (a
 * sender that took it over after our lease) keeps its first mark and gets no second event: only
 * the rows this statement moved from PENDING to SENT carry their event into the outbox. Safe to
 * repeat after a commit whose outcome is unknown: the second run finds the notifications SENT and
 * appends nothing.
 * Returns the ids marked SENT by this call.
 */
export async function recordSent(ds: DataSource, sent: SentAttempt[]): Promise<Set<string>> {
  if (sent.length === 0) return new Set();
  // Every data-modifying part of a WITH runs to completion, read or not, all on one snapshot; only
  // what `marked` returns is passed on, to choose the events. The outbox rows are those of
  // appendToOutbox (platform), in the batch's order: the event's JSON text byte for byte, its
  // headers, and the relay woken by the insert's trigger.
  const marked = (await ds.query(
    `WITH s AS (
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::uuid[], $5::text[]) WITH ORDINALITY
         AS s(notification_id, attempt_no, smtp_response, event_id, message_key, n)),
     attempts AS (
       INSERT INTO notification.delivery_attempts (notification_id, attempt_no, started_at, finished_at, outcome, smtp_response)
       SELECT s.notification_id, s.attempt_no, coalesce(CASE WHEN n.attempt_no = s.attempt_no THEN n.attempt_started_at END, now()), now(), 'SENT', s.smtp_response
       FROM s JOIN notification.notifications n USING (notification_id)
       ON CONFLICT (notification_id, attempt_no) DO UPDATE SET finished_at = now(), outcome = 'SENT', error = NULL, smtp_response = EXCLUDED.smtp_response),
     marked AS (
       UPDATE notification.notifications SET status = 'SENT', sent_at = now(), claim_id = NULL, last_error = NULL, attempt_started_at = NULL
       WHERE notification_id = ANY($1::uuid[]) AND status = 'PENDING'
       RETURNING notification_id),
     appended AS (
       INSERT INTO notification.outbox (event_id, topic, message_key, value, headers)
       SELECT s.event_id, $6::text, s.message_key, v.value::text, h.value::jsonb
       FROM s JOIN marked USING (notification_id)
       JOIN json_array_elements($7::json) WITH ORDINALITY AS v(value, n) ON v.n = s.n
       JOIN json_array_elements($8::json) WITH ORDINALITY AS h(value, n) ON h.n = s.n
       ORDER BY s.n)
     SELECT notification_id FROM marked`,
    [
      sent.map((s) => s.notificationId),
      sent.map((s) => s.attemptNo),
      sent.map((s) => s.smtpResponse.slice(0, 2000)),
      sent.map((s) => s.event.eventId),
      sent.map((s) => s.event.correlationId),
      Topics.notificationEvents,
      JSON.stringify(sent.map((s) => s.event)),
      JSON.stringify(sent.map((s) => eventHeaders(s.event))),
    ],
  )) as Array<{ notification_id: string }>;
  return new Set(marked.map((m) => m.notification_id));
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

/** An attempt recorded for a message the batch stopped before handing to SMTP. */
export interface UntriedAttempt {
  notificationId: string;
  attemptNo: number;
}

/**
 * What did not go out, in one transaction. Refused attempts are written with the error, their
 * notifications FAILED or due again after a backoff. Attempts never tried (SMTP went unreachable,
 * or the send window closed, before their turn) are taken back: nothing is written for an attempt
 * that never was — an outage would otherwise add a batch of them every pass — their number and
 * count given back and the notification due again at once, as if never claimed.
 */
export async function recordNotSent(ds: DataSource, refused: AttemptError[], untried: UntriedAttempt[]): Promise<void> {
  if (refused.length === 0 && untried.length === 0) return;
  await ds.transaction(async (tx) => {
    // Notifications first, then their attempts: the order startAttempts and recordSent lock them in.
    // Updating the attempts first, as this did, could deadlock with a sender that took these
    // notifications over after our lease ran out and was recording them SENT.
    await tx.query(`SELECT 1 FROM notification.notifications WHERE notification_id = ANY($1::uuid[]) ORDER BY notification_id FOR UPDATE`, [
      [...refused, ...untried].map((a) => a.notificationId),
    ]);
    if (refused.length > 0) {
      const params = [
        refused.map((e) => e.notificationId),
        refused.map((e) => e.attemptNo),
        refused.map((e) => e.error.slice(0, 2000)),
        refused.map((e) => e.smtpResponse?.slice(0, 2000) ?? null),
        refused.map((e) => e.final),
        refused.map((e) => e.refund),
        refused.map((e) => Math.max(0, Math.round(e.retryAfterMs))),
      ];
      const outcomes = `unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::boolean[], $6::boolean[], $7::bigint[])
                        AS e(notification_id, attempt_no, error, smtp_response, final, refund, retry_after_ms)`;
      await tx.query(
        `INSERT INTO notification.delivery_attempts (notification_id, attempt_no, started_at, finished_at, outcome, error, smtp_response)
         SELECT e.notification_id, e.attempt_no, coalesce(CASE WHEN n.attempt_no = e.attempt_no THEN n.attempt_started_at END, now()), now(), 'ERROR', e.error, e.smtp_response
         FROM ${outcomes} JOIN notification.notifications n USING (notification_id)
         ON CONFLICT (notification_id, attempt_no) DO UPDATE SET finished_at = now(), outcome = 'ERROR', error = EXCLUDED.error, smtp_response = EXCLUDED.smtp_response`,
        params,
      );
      await tx.query(
        `UPDATE notification.notifications n
         SET status = CASE WHEN e.final THEN 'FAILED' ELSE 'PENDING' END, last_error = e.error, claim_id = NULL,
             attempt_started_at = CASE WHEN n.attempt_no = e.attempt_no THEN NULL ELSE n.attempt_started_at END,
             attempts = n.attempts - CASE WHEN e.refund THEN 1 ELSE 0 END, next_attempt_at = now() + e.retry_after_ms * interval '1 millisecond'
         FROM ${outcomes}
         WHERE n.notification_id = e.notification_id AND n.status = 'PENDING'`,
        params,
      );
    }
    if (untried.length > 0) {
      // Only an attempt still the delivery's own (a sender that took it over has started another).
      await tx.query(
        `UPDATE notification.notifications n
         SET attempts = n.attempts - 1, attempt_no = n.attempt_no - 1, attempt_started_at = NULL, claim_id = NULL, next_attempt_at = now()
         FROM unnest($1::uuid[], $2::int[]) AS u(notification_id, attempt_no)
         WHERE n.notification_id = u.notification_id AND n.attempt_no = u.attempt_no AND n.attempt_started_at IS NOT NULL AND n.status = 'PENDING'`,
        [untried.map((u) => u.notificationId), untried.map((u) => u.attemptNo)],
      );
    }
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
