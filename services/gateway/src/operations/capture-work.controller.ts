import { Controller, Get, NotFoundException, Param, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentOperator, READERS, Roles, type Operator } from '@postera/platform';
import { Upstream } from '../upstream/services.js';
import { BlotterTrade } from './capture-work.dto.js';

/** What the referential holds, each entity as capture serves it (history: the imports and who made them). */
const REFERENTIAL = ['instruments', 'parties', 'accounts', 'ssis', 'calendars', 'history'] as const;

/**
 * The operators' reads of capture through the gateway: the trades waiting for something, one
 * exception, and the referential. Changes (booking, replay, reject, referential) go through
 * proposals (maker-checker).
 */
@ApiTags('capture')
@ApiBearerAuth()
@Roles(...READERS, 'admin')
@Controller('api')
export class CaptureWorkController {
  constructor(private readonly up: Upstream) {}

  @Get('trades')
  @ApiOperation({
    summary:
      'The blotter: trades in a status (CAPTURED by default: the unconfirmed), by isin, account, counterparty, tradeDateFrom, tradeDateTo, oldest first; limit (1–500, 100 by default), after = the last tradeRef of the page before (the query is passed on)',
  })
  @ApiOkResponse({ type: [BlotterTrade] })
  trades(@Req() req: { url: string }, @CurrentOperator() who: Operator) {
    const i = req.url.indexOf('?');
    return this.up.call('capture', 'GET', `/trades${i >= 0 ? req.url.slice(i) : ''}`, { as: who });
  }

  @Get('exceptions/:id')
  @ApiOperation({ summary: 'One exception: every broken rule, the original bytes, the attempts and the resolution' })
  exception(@Param('id') id: string, @CurrentOperator() who: Operator) {
    return this.up.call('capture', 'GET', `/exceptions/${encodeURIComponent(id)}`, { as: who });
  }

  @Get('referential/:entity')
  @ApiOperation({
    summary: `The referential: ${REFERENTIAL.join(', ')}, by key a page at a time (?limit=&after=, after the last key seen; the history's key:version); changed only by a REFERENTIAL_IMPORT proposal`,
  })
  referential(@Param('entity') entity: string, @Req() req: { url: string }, @CurrentOperator() who: Operator) {
    if (!(REFERENTIAL as readonly string[]).includes(entity)) throw new NotFoundException(`no referential ${entity}: ${REFERENTIAL.join(', ')}`);
    const i = req.url.indexOf('?');
    return this.up.call('capture', 'GET', `/referential/${entity}${i >= 0 ? req.url.slice(i) : ''}`, { as: who });
  }
}
