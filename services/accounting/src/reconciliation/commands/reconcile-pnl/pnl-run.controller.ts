import { BadRequestException, Controller, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { CONFIG, MAKERS, Roles } from '@postera/platform';
import { isIsoDate } from '@postera/kernel';
import { DataSource } from 'typeorm';
import type { AccountingConfig } from '../../../config.js';
import { reconcilePnl } from './reconcile-pnl.js';

@Controller('reconciliations')
export class PnlRunController {
  constructor(
    private readonly ds: DataSource,
    @Inject(CONFIG) private readonly config: AccountingConfig,
  ) {}

  /** Run the accounting vs desk P&L reconciliation of a day now (it also runs at each close). */
  @Post('pnl')
  @HttpCode(200)
  @Roles(...MAKERS)
  async runPnl(@Query('date') date: string, @Query('tolerance') tolerance: string | undefined) {
    if (!isIsoDate(date)) throw new BadRequestException('?date=YYYY-MM-DD is required');
    if (tolerance !== undefined && !/^\d{1,12}(\.\d{1,6})?$/.test(tolerance)) throw new BadRequestException('tolerance: a decimal ≥ 0');
    return this.ds.transaction((tx) => reconcilePnl(tx, date, tolerance ?? this.config.PNL_TOLERANCE));
  }
}
