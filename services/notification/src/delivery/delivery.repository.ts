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

/** A delivery claimed with its attempt started: this sender's to send until the lease runs out. */
export interface ClaimedDelivery {
  n: ClaimedNotification;
  attempt: StartedAttempt;
}

export interface ClaimResult {
  toSend: ClaimedDelivery[];
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
 * The error of an attempt found still in flight when its delivery or digest is claimed again (its
 * sender died mid-send), as an SQL literal: the claims of deliveries and of digests write it alike.
 */
export const INTERRUPTED_ATTEMPT_ERROR_SQL =
  "'interrupted: the sender stopped before recording an outcome; the mail may have been delivered, a resend carries the same Message-ID'";

/**
 * A delivery a sender may claim now: pending, due, with a recipient. A claim moves next_attempt_at
 * to the end of its lease, so the ones in a sender's hands are not due. The claim and the backlog
 * the autoscaler reads (delivery-backlog.ts) ask the same thing; `n.` is the notifications table.
 */
export const CLAIMABLE = `n.status = 'PENDING' AND n.next_attempt_at <= now() AND n.recipient IS NOT NULL`;

/**
 * Claims up to `limit` due deliveries of one channel, in the order they came due (a new delivery is
 * due when created; a retry after its backoff), read from the index of the channel's pending
 * deliveries by due time, so retries not yet due cost nothing, and starts an attempt on each. SKIP
 * LOCKED lets replicas claim disjoint sets; the claim (claim_id, a lease in next_attempt_at, the
 * attempt's number and start) is committed at once, so no lock is held while the batch is rendered
 * and the channel works. The attempt in flight is kept on the delivery, not as a row: its
 * `delivery_attempts` row is written once, at the outcome, with what was sent. An earlier attempt
 * still in flight here (its sender died mid-send, its lease ran out) is written now, closed as
 * interrupted: that mail may have arrived, and the resend carries the same Message-ID. One statement,
 * its own transaction, one row update per delivery until its outcome; an idle poll (every
 * SEND_POLL_MS, per channel) is one round trip. `leaseMs` must cover the batch's sends and the
 * commit of their outcomes: then another sender may take these deliveries over.
 */
export async function claimDue(ds: DataSource, channel: Channel, claimId: string, limit: number, leaseMs: number): Promise<ClaimResult> {
  // `due` is the deliveries as they were before this statement (same snapshot): the attempt they had
  // in flight, if any, is the one written interrupted.
  const rows = (await ds.query(
    `WITH due AS MATERIALIZED (
       SELECT n.notification_id, n.notice_id, k.kind, n.channel, k.cause_event_id, k.trade_ref, k.party AS account, k.recipient_type,
              k.payload, k.document, k.party_id, k.party_name, coalesce(n.language, k.language, 'en') AS language, k.base_currency, k.instrument_name,
              n.recipient, n.attempts, n.next_attempt_at, n.attempt_no AS previous_no, n.attempt_started_at AS previous_started_at
       FROM notification.notifications n JOIN notification.notices k USING (notice_id)
       WHERE ${CLAIMABLE} AND n.channel = $2
       ORDER BY n.next_attempt_at, n.notification_id
       LIMIT $1
       FOR UPDATE OF n SKIP LOCKED),
     started AS (
       UPDATE notification.notifications n
       SET claim_id = $3, next_attempt_at = now() + $4::interval, attempts = n.attempts + 1, attempt_no = n.attempt_no + 1, attempt_started_at = now()
       FROM due WHERE n.notification_id = due.notification_id
       RETURNING n.notification_id, n.attempt_no AS started_no, n.attempts AS started_attempts),
     interrupted AS (
       INSERT INTO notification.delivery_attempts (notification_id, attempt_no, started_at, finished_at, outcome, error)
       SELECT notification_id, previous_no, previous_started_at, now(), 'ERROR', ${INTERRUPTED_ATTEMPT_ERROR_SQL}
       FROM due WHERE previous_started_at IS NOT NULL AND previous_no >= 1
       ON CONFLICT (notification_id, attempt_no) DO NOTHING)
     SELECT due.*, started.started_no, started.started_attempts FROM due JOIN started USING (notification_id)
     ORDER BY due.next_attempt_at, due.notification_id`,
    [limit, channel, claimId, ms(leaseMs)],
  )) as Array<PendingRow & { started_no: number; started_attempts: number }>;
  return { toSend: rows.map((r) => ({ n: claimedOf(r), attempt: { attemptNo: r.started_no, attempts: r.started_attempts } })) };
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

/** An attempt started by the claim: the notification is this sender's to send now. */
export interface StartedAttempt {
  attemptNo: number;
  /** Attempts that count against SEND_ATTEMPTS_MAX, this one included. */
  attempts: number;
}

/** What an attempt carried, written on the delivery with its outcome: the audit's record of the message. */
export interface AttemptMessage {
  language: 'fr' | 'en';
  subject: string;
  /** The mail's text, or the webhook's JSON body. */
  body: string;
}

/** A message the server accepted, with the event that says so. */
export interface SentAttempt {
  notificationId: string;
  attemptNo: number;
  smtpResponse: string;
  event: NotificationSentEvent;
  message: AttemptMessage;
}

/**
 * SMTP accepted these messages: each attempt's row written SENT (its start read from the delivery),
 * notifications SENT with what they carried, one NotificationSent each in the outbox — one
 * statement for the batch (its own transaction), so one round trip per mail in the sending lane
 * rather than five (begin, three statements, commit). An attempt already written (closed as interrupted by a sender that took the
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
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::uuid[], $5::text[], $9::text[], $10::text[], $11::text[]) WITH ORDINALITY
         AS s(notification_id, attempt_no, smtp_response, event_id, message_key, language, subject, body, n)),
     attempts AS (
       INSERT INTO notification.delivery_attempts (notification_id, attempt_no, started_at, finished_at, outcome, smtp_response)
       SELECT s.notification_id, s.attempt_no, coalesce(CASE WHEN n.attempt_no = s.attempt_no THEN n.attempt_started_at END, now()), now(), 'SENT', s.smtp_response
       FROM s JOIN notification.notifications n USING (notification_id)
       ON CONFLICT (notification_id, attempt_no) DO UPDATE SET finished_at = now(), outcome = 'SENT', error = NULL, smtp_response = EXCLUDED.smtp_response),
     marked AS (
       UPDATE notification.notifications n
       SET status = 'SENT', sent_at = now(), claim_id = NULL, last_error = NULL, attempt_started_at = NULL,
           language = s.language, subject = s.subject, body = s.body
       FROM s WHERE n.notification_id = s.notification_id AND n.status = 'PENDING'
       RETURNING n.notification_id),
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
      sent.map((s) => s.message.language),
      sent.map((s) => s.message.subject),
      sent.map((s) => s.message.body),
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
  message: AttemptMessage;
}

/** An attempt started for a message the batch stopped before handing to SMTP. */
export interface UntriedAttempt {
  notificationId: string;
  attemptNo: number;
}

/**
 * What did not go out, in one transaction. Refused attempts are written with the error, their
 * notifications FAILED or due again after a backoff, with what the attempt carried. Attempts never
 * tried (SMTP went unreachable, or the send window closed, before their turn) are taken back:
 * nothing is written for an attempt that never was — an outage would otherwise add a batch of them
 * every pass — their number and count given back and the notification due again at once, as if
 * never claimed.
 */
export async function recordNotSent(ds: DataSource, refused: AttemptError[], untried: UntriedAttempt[]): Promise<void> {
  if (refused.length === 0 && untried.length === 0) return;
  await ds.transaction(async (tx) => {
    // Notifications first, then their attempts: the order claimDue and recordSent lock them in.
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
        refused.map((e) => e.message.language),
        refused.map((e) => e.message.subject),
        refused.map((e) => e.message.body),
      ];
      const outcomes = `unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::boolean[], $6::boolean[], $7::bigint[], $8::text[], $9::text[], $10::text[])
                        AS e(notification_id, attempt_no, error, smtp_response, final, refund, retry_after_ms, language, subject, body)`;
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
             attempts = n.attempts - CASE WHEN e.refund THEN 1 ELSE 0 END, next_attempt_at = now() + e.retry_after_ms * interval '1 millisecond',
             language = e.language, subject = e.subject, body = e.body
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

/**
 * A notification that cannot be rendered will not render on a retry either: FAILED, with the reason.
 * Nothing was sent: the attempt its claim started is taken back.
 */
export async function markUnrenderable(ds: DataSource, notificationId: string, claimId: string, error: string): Promise<void> {
  await ds.query(
    `UPDATE notification.notifications
     SET status = 'FAILED', last_error = $3, claim_id = NULL, attempts = attempts - 1, attempt_no = attempt_no - 1, attempt_started_at = NULL
     WHERE notification_id = $1 AND claim_id = $2 AND status = 'PENDING'`,
    [notificationId, claimId, error.slice(0, 2000)],
  );
}
