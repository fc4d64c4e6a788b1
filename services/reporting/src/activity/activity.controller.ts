import { BadRequestException, Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { isIsoDate } from '@postera/kernel';
import { READERS, Roles } from '@postera/platform';
import { DataSource } from 'typeorm';
import { declarationsSummary } from '../filing/filing.controller.js';
import { activitySummary } from './activity.projection.js';

@Controller()
export class ActivityController {
  constructor(private readonly ds: DataSource) {}

  @Get('summary')
  @Roles(...READERS, 'admin')
  async summary(@Query('businessDate') businessDate?: string) {
    const date = businessDate && /^\d{4}-\d{2}-\d{2}$/.test(businessDate) ? businessDate : null;
    const summary = await activitySummary(this.ds.manager, date);
    // The day's dead letters (an alert of the morning), and the declarations filed so far (runs per kind, MiFIR reports per status).
    const [dead] = date
      ? ((await this.ds.query(`SELECT count(*)::int AS n FROM reporting.activity_dead_letters WHERE dead_date = $1`, [date])) as Array<{ n: number }>)
      : [];
    return { ...summary, deadLetters: dead?.n ?? null, declarations: await declarationsSummary(this.ds) };
  }

  @Get('eod-reports/:date')
  @Roles(...READERS, 'admin')
  async eod(@Param('date') date: string) {
    if (!isIsoDate(date)) throw new BadRequestException('the date must be an ISO date (YYYY-MM-DD)');
    const [row] = (await this.ds.query(`SELECT summary, produced_at AS "producedAt" FROM reporting.eod_reports WHERE business_date = $1`, [date])) as unknown[];
    if (!row) throw new NotFoundException(`no end-of-day report for ${date}: the day may not be closed yet`);
    return row;
  }

  /** What reporting recorded of a trade: its economics as last seen, its statuses and when each step was first seen. */
  @Get('activity/:ref')
  @Roles(...READERS, 'admin')
  async activity(@Param('ref') ref: string) {
    const [row] = (await this.ds.query(
      `SELECT trade_ref AS "tradeRef", to_char(trade_date, 'YYYY-MM-DD') AS "tradeDate",
              to_char(intended_settlement_date, 'YYYY-MM-DD') AS "intendedSettlementDate", isin, side, account, venue, currency,
              gross_amount::text AS "grossAmount", trade_version AS "tradeVersion", trade_status AS "tradeStatus", amendments,
              instruction_status AS "instructionStatus", fail_reason AS "failReason",
              to_char(effective_settlement_date, 'YYYY-MM-DD') AS "effectiveSettlementDate", journal_entries AS "journalEntries",
              captured_at AS "capturedAt", confirmed_at AS "confirmedAt", validated_at AS "validatedAt", cancelled_at AS "cancelledAt"
       FROM reporting.trade_activity WHERE trade_ref = $1`,
      [ref],
    )) as unknown[];
    if (!row) throw new NotFoundException(`no activity for ${ref}`);
    return row;
  }
}
