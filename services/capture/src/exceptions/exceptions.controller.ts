import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  UnprocessableEntityException,
} from '@nestjs/common';
import { Topics } from '@postera/contracts';
import {
  CurrentOperator,
  emptyPageAfter,
  type InboundRecord,
  LOG,
  type Log,
  MAKERS,
  type Operator,
  pageRequest,
  READERS,
  requireFourEyes,
  RequiresFourEyes,
  Roles,
  UUID_CURSOR,
} from '@postera/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { readTradeMessage } from '../trades/commands/capture-trade/trade-message.js';
import { operatorWork } from '../trades/operator-work.js';
import { TradeLifecycle } from '../trades/trade-lifecycle.js';

const PAGE_MAX = 500;
const PAGE_DEFAULT = 100;

interface ExceptionRecord {
  exception_id: string;
  message_id: string;
  trade_ref: string | null;
  kind: string;
  status: string;
  topic: string;
  kafka_partition: number;
  kafka_offset: string;
  original: Buffer;
  headers: Record<string, string>;
  attempts: unknown[];
}

const view = (r: Record<string, unknown> & { original: Buffer; corrected: Buffer | null }) => {
  const { original, corrected, ...rest } = r;
  // The original is kept byte for byte; shown as text (invalid UTF-8 replaced) and as base64 (exact).
  return {
    ...rest,
    original: original.toString('utf8'),
    originalBase64: original.toString('base64'),
    corrected: corrected ? corrected.toString('utf8') : null,
  };
};

const COLUMNS = `exception_id AS "exceptionId", message_id AS "messageId", trade_ref AS "tradeRef", kind, reasons, status, topic,
  kafka_partition AS "partition", kafka_offset AS "offset", attempts, resolved_by AS "resolvedBy", resolved_at AS "resolvedAt",
  approved_by AS "approvedBy", resolution_comment AS "comment", result, created_at AS "createdAt", original, corrected`;

/**
 * The exceptions queue: every input capture could not take as it was, with every broken rule, the
 * original bytes, and the way out — replay it (corrected or, once the referential is fixed, as it
 * was) through the very rules the consumer applies, or reject it with a comment. Each action is
 * a change of two people — proposed by one (resolved_by), approved by another (approved_by) — and
 * both are recorded on the exception.
 */
@Controller('exceptions')
export class ExceptionsController {
  constructor(
    private readonly ds: DataSource,
    private readonly lifecycle: TradeLifecycle,
    @Inject(LOG) private readonly log: Log,
  ) {}

  /**
   * GET /exceptions?status=OPEN&kind=INPUT&limit=100&after=<exceptionId>: oldest first, a page at a
   * time. `after` is the last exception of the page before (keyset on created_at, exception_id, so a
   * page is the same whatever was resolved meanwhile, and every exception is reached however many there are).
   */
  @Get()
  @Roles(...READERS, 'admin')
  async list(@Query('status') status = 'OPEN', @Query('kind') kind?: string, @Query('limit') limit?: string, @Query('after') after?: string) {
    const page = pageRequest({ limit, after }, { max: PAGE_MAX, dflt: PAGE_DEFAULT, cursor: UUID_CURSOR, cursorName: 'exceptionId' });
    const rows = (await this.ds.query(
      `SELECT ${COLUMNS} FROM capture.exceptions
       WHERE status = $1 AND ($2::text IS NULL OR kind = $2)
         AND ($4::uuid IS NULL OR (created_at, exception_id) > (SELECT created_at, exception_id FROM capture.exceptions WHERE exception_id = $4::uuid))
       ORDER BY created_at, exception_id LIMIT $3`,
      [status, kind ?? null, page.limit, page.after],
    )) as Array<Record<string, unknown> & { original: Buffer; corrected: Buffer | null }>;
    await emptyPageAfter(
      page,
      rows,
      (a) => this.ds.query(`SELECT 1 FROM capture.exceptions WHERE exception_id = $1::uuid`, [a]),
      (a) => `exception ${a}`,
    );
    return rows.map(view);
  }

  @Get(':id')
  @Roles(...READERS, 'admin')
  async one(@Param('id') id: string) {
    const [row] = (await this.ds.query(`SELECT ${COLUMNS} FROM capture.exceptions WHERE exception_id::text = $1`, [id])) as Array<
      Record<string, unknown> & { original: Buffer; corrected: Buffer | null }
    >;
    if (!row) throw new NotFoundException(`no exception ${id}`);
    return view(row);
  }

  /**
   * Replays an exception. Body `{ message?: object }`: the corrected message (the person who
   * proposed the replay then becomes the trade's maker, and a second person validates it), or
   * nothing to replay the original as it was. Refused again: 422 with every problem, the attempt
   * recorded, the exception still OPEN.
   */
  @Post(':id/replay')
  @HttpCode(200)
  @Roles(...MAKERS)
  @RequiresFourEyes()
  async replay(@Param('id') id: string, @Body() body: { message?: unknown } | undefined, @CurrentOperator() who: Operator) {
    const fourEyes = requireFourEyes(who);
    const by = fourEyes.maker.id;
    const approvedBy = fourEyes.checker.id;
    const corrected = body?.message;
    if (corrected !== undefined && (typeof corrected !== 'object' || corrected === null || Array.isArray(corrected))) {
      throw new BadRequestException('message: the corrected message as a JSON object, or nothing to replay the original');
    }
    const outcome = await operatorWork(this.ds, this.log, async (ctx) => {
      const exc = await this.lockOpen(ctx.tx, id);
      const attempt = exc.attempts.length + 1;
      const bytes = corrected === undefined ? exc.original : Buffer.from(JSON.stringify(corrected));
      const record: InboundRecord = {
        topic: exc.topic,
        partition: exc.kafka_partition,
        offset: exc.kafka_offset,
        key: exc.trade_ref,
        value: bytes,
        headers: exc.headers,
        timestamp: new Date().toISOString(),
      };
      // The replay is a message of its own: traceable to the exception, never mistaken for the original.
      const message = { ...readTradeMessage(record), messageId: `${exc.message_id}#replay-${attempt}` };
      const mode = { receipts: false, exceptions: false };
      const [result] = exc.topic.endsWith(Topics.confirmationsReceived)
        ? await this.lifecycle.receiveConfirmations(ctx, [message], mode)
        : await this.lifecycle.capture(
            ctx,
            [
              corrected === undefined
                ? { message, origin: 'ELECTRONIC', maker: null }
                : { message, origin: 'ELECTRONIC', maker: by, approval: { checker: approvedBy, proposal: fourEyes.proposal } },
            ],
            mode,
          );
      const r = result!;
      const trail = {
        attempt,
        by,
        approvedBy,
        proposal: fourEyes.proposal,
        at: new Date().toISOString(),
        corrected: corrected !== undefined,
        outcome: r.outcome,
        problems: r.problems,
      };
      if (r.outcome === 'EXCEPTION') {
        await ctx.tx.query(`UPDATE capture.exceptions SET attempts = attempts || $2::jsonb WHERE exception_id = $1`, [
          exc.exception_id,
          JSON.stringify([trail]),
        ]);
        return { refused: true as const, problems: r.problems, attempt };
      }
      await ctx.tx.query(
        `UPDATE capture.exceptions SET status = 'REPLAYED', resolved_by = $2, approved_by = $6, resolved_at = now(), corrected = $3, result = $4,
           attempts = attempts || $5::jsonb
         WHERE exception_id = $1`,
        [
          exc.exception_id,
          by,
          corrected === undefined ? null : bytes,
          JSON.stringify({ outcome: r.outcome, tradeRef: r.tradeRef }),
          JSON.stringify([trail]),
          approvedBy,
        ],
      );
      return { refused: false as const, outcome: r.outcome, tradeRef: r.tradeRef, attempt };
    });
    // The refused attempt is committed (recorded) before the 422 goes out.
    if (outcome.refused)
      throw new UnprocessableEntityException({ message: 'replay refused; the exception stays open', attempt: outcome.attempt, problems: outcome.problems });
    return { exceptionId: id, status: 'REPLAYED', outcome: outcome.outcome, tradeRef: outcome.tradeRef, replayedBy: by, approvedBy };
  }

  /** Rejects an exception for good (a test message, a trade booked elsewhere): a comment says why. */
  @Post(':id/reject')
  @HttpCode(200)
  @Roles(...MAKERS)
  @RequiresFourEyes()
  async reject(@Param('id') id: string, @Body() body: { comment?: unknown } | undefined, @CurrentOperator() who: Operator) {
    const fourEyes = requireFourEyes(who);
    const by = fourEyes.maker.id;
    const approvedBy = fourEyes.checker.id;
    const comment = typeof body?.comment === 'string' ? body.comment.trim() : '';
    if (comment.length === 0 || comment.length > 2000) throw new BadRequestException('comment: why the exception is rejected (1 to 2000 characters)');
    await operatorWork(this.ds, this.log, async (ctx) => {
      const exc = await this.lockOpen(ctx.tx, id);
      await ctx.tx.query(
        `UPDATE capture.exceptions SET status = 'REJECTED', resolved_by = $2, approved_by = $4, resolved_at = now(), resolution_comment = $3
         WHERE exception_id = $1`,
        [exc.exception_id, by, comment, approvedBy],
      );
    });
    return { exceptionId: id, status: 'REJECTED', rejectedBy: by, approvedBy };
  }

  private async lockOpen(tx: EntityManager, id: string): Promise<ExceptionRecord> {
    const [exc] = (await tx.query(
      `SELECT exception_id, message_id, trade_ref, kind, status, topic, kafka_partition, kafka_offset, original, headers, attempts
       FROM capture.exceptions WHERE exception_id::text = $1 FOR UPDATE`,
      [id],
    )) as ExceptionRecord[];
    if (!exc) throw new NotFoundException(`no exception ${id}`);
    if (exc.status !== 'OPEN') throw new ConflictException(`exception ${id} is ${exc.status}: only an OPEN exception can be replayed or rejected`);
    return exc;
  }
}
