import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentOperator, READERS, Roles, type Operator } from '@postera/platform';
import { Upstream } from '../upstream/services.js';

/**
 * The operators' read side across services: the end-of-day summary a back-office head reads,
 * and one trade's timeline. Each service answers for its own data; a service that does not
 * answer is named in the reply instead of failing the whole page.
 */
@ApiTags('operations')
@ApiBearerAuth()
@Roles(...READERS, 'admin')
@Controller('api')
export class OperationsController {
  constructor(private readonly up: Upstream) {}

  @Get('eod-summary')
  @ApiOperation({ summary: 'The end-of-day summary a back-office head reads, from every service' })
  async eodSummary(@CurrentOperator() who: Operator, @Query('businessDate') businessDate?: string) {
    const q = businessDate ? `?businessDate=${encodeURIComponent(businessDate)}` : '';
    const [capture, settlement, accounting, reporting, notification] = await Promise.all([
      this.up.part('capture', '/summary', { as: who }),
      this.up.part('settlement', '/summary', { as: who }),
      this.up.part('accounting', '/summary', { as: who }),
      this.up.part('reporting', `/summary${q}`, { as: who }),
      this.up.part('notification', '/summary', { as: who }),
    ]);
    return { businessDate: businessDate ?? null, capture, settlement, accounting, reporting, notification };
  }

  @Get('trades/:ref/timeline')
  @ApiOperation({ summary: "One trade's timeline across capture, settlement, accounting, reporting and notification" })
  async timeline(@Param('ref') ref: string, @CurrentOperator() who: Operator) {
    const r = encodeURIComponent(ref);
    const [trade, instruction, journal, activity, notifications] = await Promise.all([
      this.up.part('capture', `/trades/${r}`, { as: who }),
      this.up.part('settlement', `/instructions/by-trade/${r}`, { as: who }),
      this.up.part('accounting', `/journal/by-trade/${r}`, { as: who }),
      this.up.part('reporting', `/activity/${r}`, { as: who }),
      this.up.part('notification', `/notifications?tradeRef=${r}`, { as: who }),
    ]);
    return { tradeRef: ref, trade, instruction, journal, activity, notifications };
  }

  @Get('exceptions')
  @ApiOperation({ summary: 'The exceptions queue (status OPEN by default; kind INPUT, LIFECYCLE or CONFIRMATION)' })
  exceptions(@CurrentOperator() who: Operator, @Query('status') status = 'OPEN', @Query('kind') kind?: string) {
    const q = new URLSearchParams({ status, ...(kind ? { kind } : {}) });
    return this.up.call('capture', 'GET', `/exceptions?${q}`, { as: who });
  }
}
