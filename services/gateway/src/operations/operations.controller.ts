import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { READERS, Roles } from '../auth/roles.js';
import { CONFIG } from '@postera/platform';
import type { GatewayConfig } from '../config.js';

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
  constructor(@Inject(CONFIG) private readonly config: GatewayConfig) {}

  private async get(base: string, path: string): Promise<unknown> {
    try {
      const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(this.config.UPSTREAM_TIMEOUT_MS) });
      if (res.status === 404) return null;
      if (!res.ok) return { unavailable: `${base} answered ${res.status}` };
      return await res.json();
    } catch (e) {
      return { unavailable: `${base}: ${(e as Error).message}` };
    }
  }

  @Get('eod-summary')
  @ApiOperation({ summary: 'The end-of-day summary a back-office head reads, from every service' })
  async eodSummary(@Query('businessDate') businessDate?: string) {
    const q = businessDate ? `?businessDate=${encodeURIComponent(businessDate)}` : '';
    const [capture, settlement, accounting, reporting, notification] = await Promise.all([
      this.get(this.config.CAPTURE_URL, '/summary'),
      this.get(this.config.SETTLEMENT_URL, '/summary'),
      this.get(this.config.ACCOUNTING_URL, '/summary'),
      this.get(this.config.REPORTING_URL, `/summary${q}`),
      this.get(this.config.NOTIFICATION_URL, '/summary'),
    ]);
    return { businessDate: businessDate ?? null, capture, settlement, accounting, reporting, notification };
  }

  @Get('trades/:ref/timeline')
  @ApiOperation({ summary: "One trade's timeline across capture, settlement, accounting, reporting and notification" })
  async timeline(@Param('ref') ref: string) {
    const r = encodeURIComponent(ref);
    const [trade, instruction, journal, activity, notifications] = await Promise.all([
      this.get(this.config.CAPTURE_URL, `/trades/${r}`),
      this.get(this.config.SETTLEMENT_URL, `/instructions/by-trade/${r}`),
      this.get(this.config.ACCOUNTING_URL, `/journal/by-trade/${r}`),
      this.get(this.config.REPORTING_URL, `/activity/${r}`),
      this.get(this.config.NOTIFICATION_URL, `/notifications?tradeRef=${r}`),
    ]);
    return { tradeRef: ref, trade, instruction, journal, activity, notifications };
  }

  @Get('exceptions')
  @ApiOperation({ summary: 'The exceptions queue (status OPEN by default; kind INPUT, LIFECYCLE or CONFIRMATION)' })
  exceptions(@Query('status') status = 'OPEN', @Query('kind') kind?: string) {
    const q = new URLSearchParams({ status, ...(kind ? { kind } : {}) });
    return this.get(this.config.CAPTURE_URL, `/exceptions?${q}`);
  }
}
