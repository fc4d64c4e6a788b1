import { BadRequestException, Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';

const PAGE_MAX = 500;
const STATUSES = ['PENDING', 'SENT', 'FAILED', 'SKIPPED'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const COLUMNS = `notification_id AS "notificationId", kind, cause_event_id AS "causeEventId", trade_ref AS "tradeRef", account, channel,
  recipient, language, subject, status, attempts, last_error AS "lastError", created_at AS "createdAt", sent_at AS "sentAt"`;

@Controller()
export class NotificationQueriesController {
  constructor(private readonly ds: DataSource) {}

  /** Notifications, newest first, filtered by trade and/or status; at most 500. */
  @Get('notifications')
  async list(@Query('tradeRef') tradeRef?: string, @Query('status') status?: string, @Query('limit') limit = '100') {
    if (status !== undefined && !STATUSES.includes(status)) throw new BadRequestException(`status must be one of ${STATUSES.join(', ')}`);
    return this.ds.query(
      `SELECT ${COLUMNS} FROM notification.notifications
       WHERE ($1::text IS NULL OR trade_ref = $1) AND ($2::text IS NULL OR status = $2)
       ORDER BY created_at DESC, notification_id LIMIT $3`,
      [tradeRef ?? null, status ?? null, Math.min(PAGE_MAX, Math.max(1, Number(limit) || 100))],
    );
  }

  /** One notification with what was sent and every delivery attempt. */
  @Get('notifications/:id')
  async one(@Param('id') id: string) {
    if (!UUID.test(id)) throw new BadRequestException('a notification id is a uuid');
    const [row] = (await this.ds.query(`SELECT ${COLUMNS}, body FROM notification.notifications WHERE notification_id = $1`, [id])) as Array<
      Record<string, unknown>
    >;
    if (!row) throw new NotFoundException(`no notification ${id}`);
    const attempts = await this.ds.query(
      `SELECT attempt_no AS "attemptNo", started_at AS "startedAt", finished_at AS "finishedAt", outcome, error, smtp_response AS "smtpResponse"
       FROM notification.delivery_attempts WHERE notification_id = $1 ORDER BY attempt_no LIMIT $2`,
      [id, PAGE_MAX],
    );
    return { ...row, deliveryAttempts: attempts };
  }

  /** What the morning report needs from notification: notices by status. */
  @Get('summary')
  async summary() {
    const rows = (await this.ds.query(`SELECT status, count(*)::int AS n FROM notification.notifications GROUP BY status`)) as Array<{
      status: string;
      n: number;
    }>;
    const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    return { sent: by.SENT ?? 0, pending: by.PENDING ?? 0, failed: by.FAILED ?? 0, skipped: by.SKIPPED ?? 0 };
  }
}
