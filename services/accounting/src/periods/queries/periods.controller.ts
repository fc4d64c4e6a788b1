import { Controller, Get, Query } from '@nestjs/common';
import { emptyPageAfter, pageRequest, PRINTABLE_KEY, READERS, Roles } from '@postera/platform';
import { DataSource } from 'typeorm';
import { listClosings } from '../persistence/closings.repository.js';

@Controller('periods')
export class PeriodsController {
  constructor(private readonly ds: DataSource) {}

  /**
   * The closings, oldest first: each period, its days, who proposed and approved it, and the hashes of
   * its exports at the closing; a page at a time (`after` the last period of the page before).
   */
  @Get()
  @Roles(...READERS, 'admin')
  async list(@Query('limit') limit: string | undefined, @Query('after') after: string | undefined) {
    const page = pageRequest({ limit, after }, { max: 1000, dflt: 200, cursor: PRINTABLE_KEY, cursorName: 'period' });
    const closings = await listClosings(this.ds, page);
    await emptyPageAfter(
      page,
      closings,
      (a) => this.ds.query(`SELECT 1 FROM accounting.period_closings WHERE period = $1`, [a]),
      (a) => `closed period ${a}`,
    );
    return closings;
  }
}
