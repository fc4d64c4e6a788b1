import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';

const PAGE_MAX = 500;

@Controller()
export class CaptureQueriesController {
  constructor(private readonly ds: DataSource) {}

  @Get('trades/:ref')
  async trade(@Param('ref') ref: string) {
    const [row] = (await this.ds.query(
      `SELECT trade_ref AS "tradeRef", version, status, side, isin, quantity::text, price::text, currency, gross_amount::text AS "grossAmount",
              fees_amount::text AS "feesAmount", net_amount::text AS "netAmount", to_char(trade_date, 'YYYY-MM-DD') AS "tradeDate",
              to_char(settlement_date, 'YYYY-MM-DD') AS "settlementDate", account, counterparty, venue, captured_at AS "capturedAt"
       FROM capture.trades WHERE trade_ref = $1`,
      [ref],
    )) as unknown[];
    if (!row) throw new NotFoundException(`no trade ${ref}: check the reference (sourceSystem:tradeId) or look in the exceptions`);
    return row;
  }

  @Get('exceptions')
  async exceptions(@Query('status') status = 'OPEN', @Query('limit') limit = '100') {
    const rows = (await this.ds.query(
      `SELECT exception_id AS "exceptionId", message_id AS "messageId", trade_ref AS "tradeRef", reasons, status, created_at AS "createdAt", original
       FROM capture.exceptions WHERE status = $1 ORDER BY created_at LIMIT $2`,
      [status, Math.min(PAGE_MAX, Math.max(1, Number(limit) || 100))],
    )) as Array<Record<string, unknown> & { original: Buffer }>;
    // The original is kept byte for byte; shown as text (invalid UTF-8 replaced) and as base64 (exact).
    return rows.map(({ original, ...r }) => ({ ...r, original: original.toString('utf8'), originalBase64: original.toString('base64') }));
  }

  /** What the morning report needs from capture: receipts by outcome (consumed = captured + exceptions + duplicates). */
  @Get('summary')
  async summary() {
    const rows = (await this.ds.query(`SELECT outcome, count(*)::int AS n FROM capture.receipts GROUP BY outcome`)) as Array<{ outcome: string; n: number }>;
    const by = Object.fromEntries(rows.map((r) => [r.outcome, r.n]));
    return { captured: by.CAPTURED ?? 0, exceptions: by.EXCEPTION ?? 0, duplicates: by.DUPLICATE ?? 0 };
  }
}
