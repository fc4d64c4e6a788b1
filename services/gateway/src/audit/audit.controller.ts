import { Roles } from '@postera/platform';
import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuditEntry, AuditVerdict } from './audit.dto.js';
import { AuditLog } from './audit-log.js';

/** The audit log, for auditors: read it, and verify its MAC chain and its anchors. Nobody can change it. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Audit rows after a sequence number (paging), optionally of one actor' })
  @ApiOkResponse({ type: [AuditEntry] })
  @ApiQuery({ name: 'after', required: false, schema: { type: 'integer', minimum: 0 }, description: 'The last seq of the page before' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000 } })
  @ApiQuery({ name: 'actor', required: false })
  page(@Query('after') after = '0', @Query('limit') limit = '100', @Query('actor') actor?: string) {
    return this.audit.page(Math.max(0, Number(after) || 0), Math.min(1000, Math.max(1, Number(limit) || 100)), actor);
  }

  @Get('verify')
  @Roles('auditor', 'admin')
  @ApiOperation({
    summary:
      'Verify the chain against its MACs and the newest anchor: ok, or the first row altered or removed, a dropped tail, an altered anchor. from=genesis (default) checks every row; from=anchor starts at the newest anchor that verifies',
  })
  @ApiQuery({ name: 'from', required: false, enum: ['genesis', 'anchor'] })
  @ApiOkResponse({ type: AuditVerdict })
  verify(@Query('from') from = 'genesis') {
    if (from !== 'genesis' && from !== 'anchor') throw new BadRequestException('from is genesis (every row) or anchor (from the newest anchor)');
    return this.audit.verify(from);
  }
}
