import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { READERS, Roles } from '../auth/roles.js';
import { CONFIG } from '@postera/platform';
import type { GatewayConfig } from '../config.js';
import { callService } from '../proposals/upstream.js';

/**
 * The operators' reads of capture through the gateway: the trades waiting for something and one
 * exception. Changes (booking, replay, reject, referential) go through proposals (maker-checker).
 */
@ApiTags('capture')
@ApiBearerAuth()
@Roles(...READERS, 'admin')
@Controller('api')
export class CaptureWorkController {
  constructor(@Inject(CONFIG) private readonly config: GatewayConfig) {}

  @Get('trades')
  @ApiOperation({ summary: 'Trades in a status (CAPTURED by default: the unconfirmed), oldest first' })
  trades(@Query('status') status = 'CAPTURED', @Query('tradeDateTo') tradeDateTo?: string, @Query('limit') limit = '100') {
    const q = new URLSearchParams({ status, limit, ...(tradeDateTo ? { tradeDateTo } : {}) });
    return callService(this.config.CAPTURE_URL, 'GET', `/trades?${q}`, { timeoutMs: this.config.UPSTREAM_TIMEOUT_MS });
  }

  @Get('exceptions/:id')
  @ApiOperation({ summary: 'One exception: every broken rule, the original bytes, the attempts and the resolution' })
  exception(@Param('id') id: string) {
    return callService(this.config.CAPTURE_URL, 'GET', `/exceptions/${encodeURIComponent(id)}`, { timeoutMs: this.config.UPSTREAM_TIMEOUT_MS });
  }
}
