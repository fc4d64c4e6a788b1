import { Controller, Get, NotFoundException, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentOperator, READERS, Roles, type Operator } from '@postera/platform';
import { Upstream } from '../upstream/services.js';
import { ApiPage, arrayOf, dateQuery } from '../api-docs.js';
import { Account, BlotterTrade, Calendar, CaptureException, HourlyExecutions, Instrument, Party, ReferentialVersion, Ssi } from './capture-work.dto.js';

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
  @ApiQuery({
    name: 'status',
    required: false,
    enum: ['CAPTURED', 'CONFIRMED', 'VALIDATED', 'INSTRUCTED', 'SETTLED', 'PARTIALLY_SETTLED', 'FAILED', 'CANCELLED'],
  })
  @ApiQuery({ name: 'isin', required: false, type: String })
  @ApiQuery({ name: 'account', required: false, type: String })
  @ApiQuery({ name: 'counterparty', required: false, type: String })
  @ApiQuery(dateQuery('tradeDateFrom', 'The first trade date'))
  @ApiQuery(dateQuery('tradeDateTo', 'The last trade date'))
  @ApiPage('tradeRef')
  trades(@Req() req: { url: string }, @CurrentOperator() who: Operator) {
    const i = req.url.indexOf('?');
    return this.up.call('capture', 'GET', `/trades${i >= 0 ? req.url.slice(i) : ''}`, { as: who });
  }

  @Get('volumes/by-hour')
  @ApiOperation({ summary: 'The trades of a trade date by the hour they were executed (Paris time), cancelled ones left out; hours with none absent' })
  @ApiOkResponse({ type: [HourlyExecutions] })
  @ApiQuery(dateQuery('tradeDate', 'The trade date', true))
  volumesByHour(@Query('tradeDate') tradeDate: string | undefined, @CurrentOperator() who: Operator) {
    return this.up.call('capture', 'GET', `/volumes/by-hour?${new URLSearchParams({ tradeDate: tradeDate ?? '' })}`, { as: who });
  }

  @Get('exceptions/:id')
  @ApiOperation({ summary: 'One exception: every broken rule, the original bytes, the attempts and the resolution' })
  @ApiOkResponse({ type: CaptureException })
  exception(@Param('id') id: string, @CurrentOperator() who: Operator) {
    return this.up.call('capture', 'GET', `/exceptions/${encodeURIComponent(id)}`, { as: who });
  }

  @Get('referential/:entity')
  @ApiOperation({
    summary: `The referential: ${REFERENTIAL.join(', ')}, by key a page at a time (?limit=&after=, after the last key seen; the history's key:version); changed only by an IMPORT_REFERENTIAL proposal`,
  })
  @ApiParam({ name: 'entity', enum: REFERENTIAL })
  @ApiQuery({ name: 'entity', required: false, enum: REFERENTIAL.filter((e) => e !== 'history'), description: 'history: the entity (required there)' })
  @ApiQuery({ name: 'key', required: false, type: String, description: 'history: the versions of one key only' })
  @ApiPage('key (history: key:version)')
  @ApiExtraModels(Instrument, Party, Account, Ssi, Calendar, ReferentialVersion)
  @ApiOkResponse({
    description: 'The rows of the entity asked for; history: the versions of its rows',
    schema: { anyOf: [arrayOf(Instrument), arrayOf(Party), arrayOf(Account), arrayOf(Ssi), arrayOf(Calendar), arrayOf(ReferentialVersion)] },
  })
  referential(@Param('entity') entity: string, @Req() req: { url: string }, @CurrentOperator() who: Operator) {
    if (!(REFERENTIAL as readonly string[]).includes(entity)) throw new NotFoundException(`no referential ${entity}: ${REFERENTIAL.join(', ')}`);
    const i = req.url.indexOf('?');
    return this.up.call('capture', 'GET', `/referential/${entity}${i >= 0 ? req.url.slice(i) : ''}`, { as: who });
  }
}
