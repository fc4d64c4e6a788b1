import { Topics, type NotificationSentEvent } from '@postera/contracts';
import { deterministicId } from '@postera/kernel';
import { appendToOutbox } from '@postera/platform';
import type { DataSource, EntityManager } from 'typeorm';
import { claimedOf, INTERRUPTED_ATTEMPT_ERROR_SQL, type ClaimedNotification, type PendingRow } from './delivery.repository.js';

/** Held deliveries a close puts in digests at most: one close stays one reasonable transaction; the rest go at the next. */
const HELD_PER_CLOSE_MAX = 50_000;

const ms = (n: number) => `${Math.max(0, Math.round(n))} milliseconds`;

/** Part `part` of the digest of one account's notices of one business day to one recipient: the same key always yields the same id. */
export function digestId(account: string, businessDate: string, channel: 'EMAIL', recipient: string, part = 1): string {
  // Part 1 keeps the id digests had before they came in parts.
  return part === 1
    ? deterministicId('digest', account, businessDate, channel, recipient)
    : deterministicId('digest', account, businessDate, channel, recipient, String(part));
}

/** Every send of a digest carries the same Message-ID, as a delivery's does. */
export function digestMessageId(id: string): string {
  return `<digest-${id}@postera>`;
}

export interface HeldDelivery {
  notification_id: string;
  account: string;
  recipient: string;
  language: 'fr' | 'en' | null;
}

/**
 * The digest mails of held deliveries (in the order they were owed): per account and recipient,
 * parts of at most `max` deliveries, each part numbered of the recipient's parts.
 */
export function digestParts(held: HeldDelivery[], businessDate: string, max: number) {
  const byRecipient = new Map<string, { account: string; recipient: string; language: 'fr' | 'en'; members: string[] }>();
  for (const h of held) {
    const key = JSON.stringify([h.account, h.recipient]);
    const g = byRecipient.get(key) ?? { account: h.account, recipient: h.recipient, language: h.language ?? 'en', members: [] };
    g.members.push(h.notification_id);
    byRecipient.set(key, g);
  }
  return [...byRecipient.values()].flatMap((g) => {
    const parts = Math.ceil(g.members.length / max);
    return Array.from({ length: parts }, (_, i) => ({
      id: digestId(g.account, businessDate, 'EMAIL', g.recipient, i + 1),
      account: g.account,
      recipient: g.recipient,
      language: g.language,
      part: i + 1,
      parts,
      members: g.members.slice(i * max, (i + 1) * max),
    }));
  });
}

/**
 * At the close of `businessDate`, in its transaction: for each DAILY account and email recipient with
 * held deliveries not yet in a digest, one digest in parts of at most `noticesMax` deliveries, and
 * those deliveries tied to their part (in the order their deliveries were owed). The ids are
 * deterministic and UNIQUE (account, business_date, channel, recipient, part): a replayed close adds
 * nothing, and deliveries held after a digest of that day was made wait for the next close (they are
 * only tied to a part this call inserts). Returns the digest mails made and the deliveries they carry.
 */
export async function makeDigests(tx: EntityManager, businessDate: string, noticesMax: number): Promise<{ digests: number; deliveries: number }> {
  const held = (await tx.query(
    `SELECT notification_id, account, recipient, language FROM notification.notifications
     WHERE status = 'HELD' AND digest_id IS NULL AND channel = 'EMAIL' AND recipient IS NOT NULL
     ORDER BY account, recipient, created_at, notification_id LIMIT $1 FOR UPDATE`,
    [HELD_PER_CLOSE_MAX],
  )) as HeldDelivery[];
  if (held.length === 0) return { digests: 0, deliveries: 0 };
  const all = digestParts(held, businessDate, noticesMax);
  const inserted = (await tx.query(
    `INSERT INTO notification.digests (digest_id, account, business_date, channel, recipient, language, notices, message_id, part, parts)
     SELECT u.id, u.account, $5::date, 'EMAIL', u.recipient, u.language, u.notices, u.message_id, u.part, u.parts
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $6::int[], $7::text[], $8::int[], $9::int[])
       AS u(id, account, recipient, language, notices, message_id, part, parts)
     -- A recipient's digest of the day is made once, all its parts together: a later close's parts would not match them.
     WHERE NOT EXISTS (SELECT 1 FROM notification.digests x
                       WHERE x.account = u.account AND x.business_date = $5::date AND x.channel = 'EMAIL' AND x.recipient = u.recipient)
     ON CONFLICT DO NOTHING RETURNING digest_id`,
    [
      all.map((g) => g.id),
      all.map((g) => g.account),
      all.map((g) => g.recipient),
      all.map((g) => g.language),
      businessDate,
      all.map((g) => g.members.length),
      all.map((g) => digestMessageId(g.id)),
      all.map((g) => g.part),
      all.map((g) => g.parts),
    ],
  )) as Array<{ digest_id: string }>;
  const made = new Set(inserted.map((r) => r.digest_id));
  const tied = all.filter((g) => made.has(g.id)).flatMap((g) => g.members.map((m) => ({ m, id: g.id })));
  if (tied.length > 0)
    await tx.query(
      `UPDATE notification.notifications n SET digest_id = u.digest_id FROM unnest($1::uuid[], $2::uuid[]) AS u(notification_id, digest_id)
       WHERE n.notification_id = u.notification_id`,
      [tied.map((t) => t.m), tied.map((t) => t.id)],
    );
  return { digests: made.size, deliveries: tied.length };
}

/** A digest claimed for sending, its attempt started. */
export interface ClaimedDigest {
  digestId: string;
  account: string;
  businessDate: string;
  recipient: string;
  language: 'fr' | 'en';
  messageId: string;
  /** This mail's part of the recipient's digest of the day, and how many parts it has. */
  part: number;
  parts: number;
  attemptNo: number;
  /** Attempts that count against SEND_ATTEMPTS_MAX, this one included. */
  attempts: number;
}

/**
 * Claims up to `limit` due digests (SKIP LOCKED) and starts their attempt, in one statement: the
 * attempt in flight is kept on the digest (`attempt_no`, `attempt_started_at`) and written to
 * `digest_attempts` at its outcome. One still in flight from before (the process died mid-send) is
 * written now, closed as interrupted — that mail may have arrived; the resend carries the same
 * Message-ID. The lease covers rendering every notice's PDF and the send: `leaseMs` plus
 * `perNoticeMs` for each notice carried.
 */
export async function claimDigests(ds: DataSource, claimId: string, limit: number, leaseMs: number, perNoticeMs: number): Promise<ClaimedDigest[]> {
  const rows = (await ds.query(
    `WITH due AS MATERIALIZED (
       SELECT d.digest_id, d.attempt_no, d.attempt_started_at FROM notification.digests d
       WHERE d.status = 'PENDING' AND d.next_attempt_at <= now()
       ORDER BY d.next_attempt_at, d.digest_id LIMIT $1
       FOR UPDATE SKIP LOCKED),
     claimed AS (
       UPDATE notification.digests d SET claim_id = $2, attempts = d.attempts + 1, attempt_no = d.attempt_no + 1, attempt_started_at = now(),
         next_attempt_at = now() + $3::interval + d.notices * $4::interval
       FROM due WHERE d.digest_id = due.digest_id
       RETURNING d.digest_id, d.account, to_char(d.business_date, 'YYYY-MM-DD') AS business_date, d.recipient, d.language, d.message_id, d.part, d.parts,
         d.attempt_no, d.attempts),
     interrupted AS (
       INSERT INTO notification.digest_attempts (digest_id, attempt_no, started_at, finished_at, outcome, error)
       SELECT digest_id, attempt_no, attempt_started_at, now(), 'ERROR', ${INTERRUPTED_ATTEMPT_ERROR_SQL}
       FROM due WHERE attempt_started_at IS NOT NULL AND attempt_no >= 1
       ON CONFLICT (digest_id, attempt_no) DO NOTHING)
     SELECT * FROM claimed ORDER BY digest_id`,
    [limit, claimId, ms(leaseMs), ms(perNoticeMs)],
  )) as Array<{
    digest_id: string;
    account: string;
    business_date: string;
    recipient: string;
    language: 'fr' | 'en';
    message_id: string;
    part: number;
    parts: number;
    attempt_no: number;
    attempts: number;
  }>;
  return rows.map((r) => ({
    digestId: r.digest_id,
    account: r.account,
    businessDate: r.business_date,
    recipient: r.recipient,
    language: r.language,
    messageId: r.message_id,
    part: r.part,
    parts: r.parts,
    attemptNo: r.attempt_no,
    attempts: r.attempts,
  }));
}

/** The deliveries a digest carries, as the email sender renders a delivery, in the order their notices were owed. */
export async function digestMembers(ds: DataSource, id: string): Promise<ClaimedNotification[]> {
  const rows = (await ds.query(
    `SELECT n.notification_id, n.notice_id, k.kind, n.channel, k.cause_event_id, k.trade_ref, k.party AS account, k.recipient_type,
            k.payload, k.document, k.party_id, k.party_name, coalesce(n.language, k.language, 'en') AS language, k.base_currency, k.instrument_name,
            n.recipient, n.attempts
     FROM notification.notifications n JOIN notification.notices k USING (notice_id)
     WHERE n.digest_id = $1 AND n.status = 'HELD'
     ORDER BY k.created_at, k.notice_id`,
    [id],
  )) as PendingRow[];
  return rows.map(claimedOf);
}

/**
 * SMTP accepted the digest: in one transaction, its attempt written SENT (its start read from the
 * digest), the digest SENT, each delivery it carried SENT at the same instant, and one
 * NotificationSent per delivery marked here (the events of `events`, by notification id). Safe to
 * repeat: a digest already SENT marks nothing more and appends no event. Returns whether this call
 * marked it.
 */
export async function recordDigestSent(
  ds: DataSource,
  d: ClaimedDigest,
  sent: { subject: string; smtpResponse: string; events: Map<string, NotificationSentEvent> },
): Promise<boolean> {
  return ds.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO notification.digest_attempts (digest_id, attempt_no, started_at, finished_at, outcome, smtp_response)
       SELECT $1, $2, coalesce(CASE WHEN g.attempt_no = $2 THEN g.attempt_started_at END, now()), now(), 'SENT', $3
       FROM notification.digests g WHERE g.digest_id = $1
       ON CONFLICT (digest_id, attempt_no) DO UPDATE SET finished_at = now(), outcome = 'SENT', error = NULL, smtp_response = EXCLUDED.smtp_response`,
      [d.digestId, d.attemptNo, sent.smtpResponse.slice(0, 2000)],
    );
    const [marked] = (await tx.query(
      `WITH m AS (UPDATE notification.digests SET status = 'SENT', sent_at = now(), claim_id = NULL, last_error = NULL, attempt_started_at = NULL,
                    subject = $2, smtp_response = $3
                  WHERE digest_id = $1 AND status = 'PENDING' RETURNING digest_id)
       SELECT digest_id FROM m`,
      [d.digestId, sent.subject, sent.smtpResponse.slice(0, 2000)],
    )) as Array<{ digest_id: string }>;
    if (!marked) return false;
    // now() is the transaction's start: the digest and each delivery it carried get the same instant.
    const members = (await tx.query(
      `WITH m AS (UPDATE notification.notifications SET status = 'SENT', sent_at = now(), last_error = NULL
                  WHERE digest_id = $1 AND status = 'HELD' RETURNING notification_id)
       SELECT notification_id FROM m ORDER BY notification_id`,
      [d.digestId],
    )) as Array<{ notification_id: string }>;
    await appendToOutbox(
      tx,
      'notification',
      members.flatMap((m) => {
        const event = sent.events.get(m.notification_id);
        return event ? [{ topic: Topics.notificationEvents, key: event.correlationId, event }] : [];
      }),
    );
    return true;
  });
}

/**
 * The digest was not accepted: its attempt written with the error, and the digest due again after
 * `retryAfterMs` — or FAILED (`final`), and the deliveries it carried with it, each then resendable on
 * its own (`POST /notifications/:id/resend`). `refund`: the server was never reached, the attempt does
 * not count against SEND_ATTEMPTS_MAX. `untried`: never handed to SMTP, taken back as if never claimed.
 */
export async function recordDigestNotSent(
  ds: DataSource,
  d: ClaimedDigest,
  e: { error: string; smtpResponse: string | null; final: boolean; refund: boolean; retryAfterMs: number; untried?: boolean },
): Promise<void> {
  await ds.transaction(async (tx) => {
    // Never handed to SMTP (the pass stopped before it): no attempt was made, none is written, its number is given back.
    if (e.untried) {
      await tx.query(
        `UPDATE notification.digests SET claim_id = NULL, attempt_started_at = NULL, attempts = attempts - 1, attempt_no = attempt_no - 1, next_attempt_at = now()
         WHERE digest_id = $1 AND status = 'PENDING' AND attempt_no = $2`,
        [d.digestId, d.attemptNo],
      );
      return;
    }
    await tx.query(
      `INSERT INTO notification.digest_attempts (digest_id, attempt_no, started_at, finished_at, outcome, error, smtp_response)
       SELECT $1, $2, coalesce(CASE WHEN g.attempt_no = $2 THEN g.attempt_started_at END, now()), now(), 'ERROR', $3, $4
       FROM notification.digests g WHERE g.digest_id = $1
       ON CONFLICT (digest_id, attempt_no) DO NOTHING`,
      [d.digestId, d.attemptNo, e.error.slice(0, 2000), e.smtpResponse?.slice(0, 2000) ?? null],
    );
    const [failed] = (await tx.query(
      `WITH m AS (UPDATE notification.digests
                  SET status = CASE WHEN $3 THEN 'FAILED' ELSE 'PENDING' END, last_error = $2, claim_id = NULL, attempt_started_at = NULL,
                      attempts = attempts - CASE WHEN $4 THEN 1 ELSE 0 END, next_attempt_at = now() + $5::bigint * interval '1 millisecond'
                  WHERE digest_id = $1 AND status = 'PENDING' AND attempt_no = $6 RETURNING status)
       SELECT status FROM m`,
      [d.digestId, e.error.slice(0, 2000), e.final, e.refund, Math.max(0, Math.round(e.retryAfterMs)), d.attemptNo],
    )) as Array<{ status: string }>;
    if (failed?.status === 'FAILED')
      await tx.query(`UPDATE notification.notifications SET status = 'FAILED', last_error = $2 WHERE digest_id = $1 AND status = 'HELD'`, [
        d.digestId,
        `the daily digest ${d.digestId} FAILED: ${e.error}`.slice(0, 2000),
      ]);
  });
}

/** A delivery of a digest whose notice cannot be rendered: FAILED on its own (it would not render on a retry either), the digest goes without it. */
export async function markMemberUnrenderable(ds: DataSource, notificationId: string, error: string): Promise<void> {
  await ds.query(`UPDATE notification.notifications SET status = 'FAILED', last_error = $2 WHERE notification_id = $1 AND status = 'HELD'`, [
    notificationId,
    error.slice(0, 2000),
  ]);
}
