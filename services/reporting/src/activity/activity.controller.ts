import { BadRequestException, Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { isIsoDate } from '@postera/kernel';
import { DataSource } from 'typeorm';
import { activitySummary } from './activity.consumer.js';

@Controller()
export class ActivityController {
  constructor(private readonly ds: DataSource) {}

  @Get('summary')
  summary(@Query('businessDate') businessDate?: string) {
    return activitySummary(this.ds.manager, businessDate && /^\d{4}-\d{2}-\d{2}$/.test(businessDate) ? businessDate : null);
  }

  @Get('eod-reports/:date')
  async eod(@Param('date') date: string) {
    if (!isIsoDate(date)) throw new BadRequestException('the date must be an ISO date (YYYY-MM-DD)');
    const [row] = (await this.ds.query(`SELECT summary, produced_at AS "producedAt" FROM reporting.eod_reports WHERE business_date = $1`, [date])) as unknown[];
    if (!row) throw new NotFoundException(`no end-of-day report for ${date}: the day may not be closed yet`);
    return row;
  }

  @Get('activity/:ref')
  async activity(@Param('ref') ref: string) {
    const [row] = (await this.ds.query(`SELECT * FROM reporting.trade_activity WHERE trade_ref = $1`, [ref])) as unknown[];
    if (!row) throw new NotFoundException(`no activity for ${ref}`);
    return row;
  }
}
