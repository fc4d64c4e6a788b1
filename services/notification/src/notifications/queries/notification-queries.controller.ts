import { BadRequestException, ConflictException, Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { CurrentOperator, MAKERS, pageRequest, READERS, Roles, UUID_CURSOR, type Operator } from '@postera/platform';
import { DataSource } from 'typeorm';
import { NOTICE_KINDS } from '../domain/render-notification.js';

const PAGE_MAX = 500;
const STATUSES = ['PENDING', 'HELD', 'SENT', 'FAILED', 'SKIPPED'];
const NOTICE_STATUSES = ['WAITING', 'ROUTED', 'SKIPPED', 'NO_CONTACT'];
const CHANNELS = ['EMAIL', 'WEBHOOK'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const COLUMNS = `notification_id AS "notificationId", notice_id AS "noticeId", kind, cause_event_id AS "causeEventId", trade_ref AS "tradeRef", account, channel,
  recipient, language, subject, status, attempts, last_error AS "lastError", next_attempt_at AS "nextAttemptAt", created_at AS "createdAt", sent_at AS "sentAt",
  resent_by AS "resentBy", resent_at AS "resentAt", digest_id AS "digestId"`;
const NOTICE_COLUMNS = `notice_id AS "noticeId", kind, cause_event_id AS "causeEventId", trade_ref AS "tradeRef", trade_version AS "tradeVersion",
  recipient_type AS "recipientType", party, status, status_reason AS "statusReason", refers_to AS "refersTo", language, created_at AS "createdAt", routed_at AS "routedAt"`;

function uuid(id: string, what: string): string {
  if (!UUID.test(id)) throw new BadRequestException(`a ${what} id is a uuid`);
  return id;
}

@Controller()
export class NotificationQueriesController {
  constructor(private readonly ds: DataSource) {}

  /** Deliveries (one per notice, channel and recipient), newest first, a page at a time (`limit` up to 500, `after` the last notificationId seen). */
  @Get('notifications')
  @Roles(...READERS, 'admin')
  async list(
    @Query('tradeRef') tradeRef?: string,
    @Query('status') status?: string,
    @Query('channel') channel?: string,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ) {
    const page = pageRequest({ limit, after }, { max: PAGE_MAX, dflt: 100, cursor: UUID_CURSOR, cursorName: 'notificationId' });
    if (status !== undefined && !STATUSES.includes(status)) throw new BadRequestException(`status must be one of ${STATUSES.join(', ')}`);
    if (channel !== undefined && !CHANNELS.includes(channel)) throw new BadRequestException(`channel must be one of ${CHANNELS.join(', ')}`);
    return this.ds.query(
      `SELECT ${COLUMNS} FROM notification.notifications
       WHERE ($1::text IS NULL OR trade_ref = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR channel = $3)
         AND ($5::uuid IS NULL OR (created_at, notification_id) < (SELECT created_at, notification_id FROM notification.notifications WHERE notification_id = $5::uuid))
       ORDER BY created_at DESC, notification_id DESC LIMIT $4`,
      [tradeRef ?? null, status ?? null, channel ?? null, page.limit, page.after],
    );
  }

  /** One delivery with what was sent and every attempt; carried by a daily digest, that digest (its Message-ID, when SMTP accepted it) and its attempts. */
  @Get('notifications/:id')
  @Roles(...READERS, 'admin')
  async one(@Param('id') id: string) {
    const [row] = (await this.ds.query(`SELECT ${COLUMNS}, body FROM notification.notifications WHERE notification_id = $1`, [
      uuid(id, 'notification'),
    ])) as Array<Record<string, unknown>>;
    if (!row) throw new NotFoundException(`no notification ${id}`);
    const attempts = await this.ds.query(
      `SELECT attempt_no AS "attemptNo", started_at AS "startedAt", finished_at AS "finishedAt", outcome, error, smtp_response AS "response"
       FROM notification.delivery_attempts WHERE notification_id = $1 ORDER BY attempt_no LIMIT $2`,
      [id, PAGE_MAX],
    );
    const actions = await this.ds.query(
      `SELECT action, operator, detail, at FROM notification.operator_actions WHERE notification_id = $1 ORDER BY id LIMIT $2`,
      [id, PAGE_MAX],
    );
    const digest = row.digestId ? await this.digest(row.digestId as string) : null;
    return { ...row, deliveryAttempts: attempts, operatorActions: actions, ...(digest ? { digest } : {}) };
  }

  private async digest(id: string) {
    const [digest] = (await this.ds.query(
      `SELECT digest_id AS "digestId", account, to_char(business_date, 'YYYY-MM-DD') AS "businessDate", recipient, language, notices, status, attempts,
              message_id AS "messageId", subject, smtp_response AS "response", last_error AS "lastError", created_at AS "createdAt", sent_at AS "sentAt"
       FROM notification.digests WHERE digest_id = $1`,
      [id],
    )) as Array<Record<string, unknown>>;
    if (!digest) return null;
    const attempts = await this.ds.query(
      `SELECT attempt_no AS "attemptNo", started_at AS "startedAt", finished_at AS "finishedAt", outcome, error, smtp_response AS "response"
       FROM notification.digest_attempts WHERE digest_id = $1 ORDER BY attempt_no LIMIT $2`,
      [id, PAGE_MAX],
    );
    return { ...digest, attempts };
  }

  /**
   * An operator sends a FAILED delivery again (after fixing the receiver, say): it is PENDING again
   * with a fresh count of attempts, the earlier attempts kept; the action is recorded with the
   * operator of the verified token. Only FAILED: a SENT delivery is not sent twice.
   */
  @Post('notifications/:id/resend')
  @Roles(...MAKERS)
  @HttpCode(202)
  async resend(@Param('id') id: string, @CurrentOperator() who: Operator) {
    const operator = who.id;
    return this.ds.transaction(async (tx) => {
      const rows = (await tx.query(`SELECT status FROM notification.notifications WHERE notification_id = $1 FOR UPDATE`, [
        uuid(id, 'notification'),
      ])) as Array<{
        status: string;
      }>;
      if (!rows[0]) throw new NotFoundException(`no notification ${id}`);
      if (rows[0].status !== 'FAILED') throw new ConflictException(`notification ${id} is ${rows[0].status}: only a FAILED delivery is resent`);
      await tx.query(
        `UPDATE notification.notifications SET status = 'PENDING', attempts = 0, next_attempt_at = now(), claim_id = NULL, resent_by = $2, resent_at = now()
         WHERE notification_id = $1`,
        [id, operator],
      );
      await tx.query(`INSERT INTO notification.operator_actions (notification_id, action, operator) VALUES ($1, 'RESEND', $2)`, [id, operator]);
      const [row] = (await tx.query(`SELECT ${COLUMNS} FROM notification.notifications WHERE notification_id = $1`, [id])) as unknown[];
      return row;
    });
  }

  /** Notices owed (one per event and party, whatever the channels), newest first, a page at a time (`limit` up to 500, `after` the last noticeId seen). */
  @Get('notices')
  @Roles(...READERS, 'admin')
  async notices(
    @Query('tradeRef') tradeRef?: string,
    @Query('kind') kind?: string,
    @Query('status') status?: string,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ) {
    const page = pageRequest({ limit, after }, { max: PAGE_MAX, dflt: 100, cursor: UUID_CURSOR, cursorName: 'noticeId' });
    if (kind !== undefined && !(NOTICE_KINDS as readonly string[]).includes(kind))
      throw new BadRequestException(`kind must be one of ${NOTICE_KINDS.join(', ')}`);
    if (status !== undefined && !NOTICE_STATUSES.includes(status)) throw new BadRequestException(`status must be one of ${NOTICE_STATUSES.join(', ')}`);
    return this.ds.query(
      `SELECT ${NOTICE_COLUMNS} FROM notification.notices
       WHERE ($1::text IS NULL OR trade_ref = $1) AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR status = $3)
         AND ($5::uuid IS NULL OR (created_at, notice_id) < (SELECT created_at, notice_id FROM notification.notices WHERE notice_id = $5::uuid))
       ORDER BY created_at DESC, notice_id DESC LIMIT $4`,
      [tradeRef ?? null, kind ?? null, status ?? null, page.limit, page.after],
    );
  }

  /** One notice: its structured document (the JSON form of the avis d'opéré…) and its deliveries. */
  @Get('notices/:id')
  @Roles(...READERS, 'admin')
  async notice(@Param('id') id: string) {
    const [row] = (await this.ds.query(`SELECT ${NOTICE_COLUMNS}, document FROM notification.notices WHERE notice_id = $1`, [uuid(id, 'notice')])) as Array<
      Record<string, unknown>
    >;
    if (!row) throw new NotFoundException(`no notice ${id}`);
    const deliveries = await this.ds.query(`SELECT ${COLUMNS} FROM notification.notifications WHERE notice_id = $1 ORDER BY channel, recipient LIMIT $2`, [
      id,
      PAGE_MAX,
    ]);
    return { ...row, deliveries };
  }

  /** Avis d'opéré reported late at a business-day close (not sent by the end of the first business day after execution), by deadline, a page at a time (`after` the last tradeRef seen). */
  @Get('avis/late')
  @Roles(...READERS, 'admin')
  async late(@Query('limit') limit?: string, @Query('after') after?: string) {
    const page = pageRequest({ limit, after }, { max: PAGE_MAX, dflt: 100, cursor: /^\S{1,200}$/, cursorName: 'tradeRef' });
    return this.ds.query(
      `SELECT d.trade_ref AS "tradeRef", d.account, to_char(d.trade_date, 'YYYY-MM-DD') AS "tradeDate", to_char(d.deadline, 'YYYY-MM-DD') AS deadline,
              to_char(d.reported_late_on, 'YYYY-MM-DD') AS "reportedOn",
              (SELECT min(n.sent_at) FROM notification.notices k JOIN notification.notifications n USING (notice_id)
               WHERE k.trade_ref = d.trade_ref AND k.kind IN ('AVIS_OPERE', 'AMENDMENT_NOTICE') AND n.status = 'SENT') AS "sentAt"
       FROM notification.avis_deadlines d WHERE d.reported_late_on IS NOT NULL AND NOT d.cancelled
         AND ($2::text IS NULL OR (d.deadline, d.trade_ref) > (SELECT deadline, trade_ref FROM notification.avis_deadlines WHERE trade_ref = $2))
       ORDER BY d.deadline, d.trade_ref LIMIT $1`,
      [page.limit, page.after],
    );
  }

  /**
   * What the morning report needs from notification. Deliveries: sent, pending (never tried yet),
   * retrying (tried, waiting for the next attempt), held (a DAILY client's mails waiting for their digest to go), failed; skipped counts deliveries and notices of
   * proprietary accounts; noContact the notices whose party has no contact; lateAvis the avis reported late.
   */
  @Get('summary')
  @Roles(...READERS, 'admin')
  async summary() {
    const [d] = (await this.ds.query(
      `SELECT count(*) FILTER (WHERE status = 'SENT')::int AS sent,
              count(*) FILTER (WHERE status = 'PENDING' AND attempts = 0)::int AS pending,
              count(*) FILTER (WHERE status = 'PENDING' AND attempts > 0)::int AS retrying,
              count(*) FILTER (WHERE status = 'HELD')::int AS held,
              count(*) FILTER (WHERE status = 'FAILED')::int AS failed,
              count(*) FILTER (WHERE status = 'SKIPPED')::int AS skipped
       FROM notification.notifications`,
    )) as Array<{ sent: number; pending: number; retrying: number; held: number; failed: number; skipped: number }>;
    const [k] = (await this.ds.query(
      `SELECT count(*) FILTER (WHERE status = 'SKIPPED')::int AS skipped, count(*) FILTER (WHERE status = 'NO_CONTACT')::int AS "noContact"
       FROM notification.notices`,
    )) as Array<{ skipped: number; noContact: number }>;
    const [l] = (await this.ds.query(
      `SELECT count(*)::int AS n FROM notification.avis_deadlines WHERE reported_late_on IS NOT NULL AND NOT cancelled`,
    )) as Array<{
      n: number;
    }>;
    const channels = (await this.ds.query(
      `SELECT channel, count(*) FILTER (WHERE status = 'SENT')::int AS sent, count(*) FILTER (WHERE status = 'PENDING' AND attempts = 0)::int AS pending,
              count(*) FILTER (WHERE status = 'PENDING' AND attempts > 0)::int AS retrying, count(*) FILTER (WHERE status = 'FAILED')::int AS failed
       FROM notification.notifications GROUP BY channel`,
    )) as Array<{ channel: string; sent: number; pending: number; retrying: number; failed: number }>;
    const byChannel = Object.fromEntries(channels.map(({ channel, ...c }) => [channel, c]));
    return { ...d!, skipped: d!.skipped + k!.skipped, noContact: k!.noContact, lateAvis: l!.n, byChannel };
  }
}
