import { Roles } from '@postera/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditLog } from './audit-log.js';

/** The audit log, for auditors: read it, and verify its hash chain end to end. Nobody can change it. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Audit rows after a sequence number (paging), optionally of one actor' })
  page(@Query('after') after = '0', @Query('limit') limit = '100', @Query('actor') actor?: string) {
    return this.audit.page(Math.max(0, Number(after) || 0), Math.min(1000, Math.max(1, Number(limit) || 100)), actor);
  }

  @Get('verify')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Recompute the hash chain: ok, or the first row that was altered or removed' })
  verify() {
    return this.audit.verify();
  }
}
