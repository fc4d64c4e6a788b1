import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentOperator, READERS, Roles, type Operator } from '@postera/platform';
import { Upstream } from '../upstream/services.js';
import { ApiPage, dateQuery } from '../api-docs.js';
import { CaptureException } from './capture-work.dto.js';
import { EodSummary, TradeTimeline } from './operations.dto.js';

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
  @ApiOkResponse({ type: EodSummary })
  @ApiQuery(dateQuery('businessDate', 'The day reporting’s figures are of (today by default)'))
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
  @ApiOkResponse({ type: TradeTimeline })
  async timeline(@Param('ref') ref: string, @CurrentOperator() who: Operator) {
    const r = encodeURIComponent(ref);
    const [trade, instruction, journal, activity, notifications] = await Promise.all([
      this.up.part('capture', `/trades/${r}`, { as: who }),
      this.up.part('settlement', `/instructions/by-trade/${r}`, { as: who }),
      this.up.part('accounting', `/journal/by-trade/${r}`, { as: who }),
      this.up.part('reporting', `/activity/${r}`, { as: who }),
      this.up.part('notification', `/notifications?tradeRef=${r}`, { as: who }),
    ]);
    // A reference no service knows is a mistake to say, not a page of nulls; a service that did not
    // answer is not "unknown" (it is named in the page).
    const known = [trade, instruction, activity].some((p) => p !== null) || [journal, notifications].some((p) => !Array.isArray(p) || p.length > 0);
    if (!known) throw new NotFoundException(`no trade ${ref}: capture, settlement, accounting, reporting and notification know none`);
    return { tradeRef: ref, trade, instruction, journal, activity, notifications };
  }

  @Get('exceptions')
  @ApiOperation({
    summary:
      'The exceptions queue (status OPEN by default; kind INPUT, LIFECYCLE or CONFIRMATION), oldest first: limit (1–500, 100 by default), after = the last exceptionId of the page before',
  })
  @ApiOkResponse({ type: [CaptureException] })
  @ApiQuery({ name: 'status', required: false, enum: ['OPEN', 'REPLAYED', 'REJECTED'] })
  @ApiQuery({ name: 'kind', required: false, enum: ['INPUT', 'LIFECYCLE', 'CONFIRMATION'] })
  @ApiPage('exceptionId')
  exceptions(
    @CurrentOperator() who: Operator,
    @Query('status') status = 'OPEN',
    @Query('kind') kind?: string,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ) {
    const q = new URLSearchParams({ status, ...(kind ? { kind } : {}), ...(limit ? { limit } : {}), ...(after ? { after } : {}) });
    return this.up.call('capture', 'GET', `/exceptions?${q}`, { as: who });
  }
}
