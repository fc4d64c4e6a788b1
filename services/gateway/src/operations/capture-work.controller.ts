import { Body, Controller, Get, Headers, HttpException, Inject, Param, Post, Query } from '@nestjs/common';
import { CONFIG } from '@postera/platform';
import type { GatewayConfig } from '../config.js';

/**
 * The operators' work on capture, through the gateway: the trades waiting for something, manual
 * booking and its approval by a second person, and the exceptions queue (replay, reject). Capture
 * decides; the gateway passes the request on with the person's name (`x-postera-user`) and hands
 * back capture's answer and status unchanged. (Authentication of that name is the gateway's own
 * issue: today the gateway binds to 127.0.0.1.)
 */
@Controller('api')
export class CaptureWorkController {
  constructor(@Inject(CONFIG) private readonly config: GatewayConfig) {}

  private async forward(method: 'GET' | 'POST', path: string, user: string | undefined, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.config.CAPTURE_URL}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(user ? { 'x-postera-user': user } : {}) },
        body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
        signal: AbortSignal.timeout(this.config.UPSTREAM_TIMEOUT_MS),
      });
    } catch (e) {
      throw new HttpException({ message: `capture unavailable: ${(e as Error).message}` }, 502);
    }
    const text = await res.text();
    const payload = text ? (JSON.parse(text) as unknown) : null;
    if (!res.ok) throw new HttpException(payload ?? { message: `capture answered ${res.status}` }, res.status);
    return payload;
  }

  @Get('trades')
  trades(@Query('status') status = 'CAPTURED', @Query('tradeDateTo') tradeDateTo?: string, @Query('limit') limit = '100') {
    const q = new URLSearchParams({ status, limit, ...(tradeDateTo ? { tradeDateTo } : {}) });
    return this.forward('GET', `/trades?${q}`, undefined);
  }

  @Post('trades')
  book(@Body() body: unknown, @Headers('x-postera-user') user?: string) {
    return this.forward('POST', '/trades', user, body);
  }

  @Post('trades/:ref/approve')
  approve(@Param('ref') ref: string, @Headers('x-postera-user') user?: string) {
    return this.forward('POST', `/trades/${encodeURIComponent(ref)}/approve`, user);
  }

  @Get('exceptions/:id')
  exception(@Param('id') id: string) {
    return this.forward('GET', `/exceptions/${encodeURIComponent(id)}`, undefined);
  }

  @Post('exceptions/:id/replay')
  replay(@Param('id') id: string, @Body() body: unknown, @Headers('x-postera-user') user?: string) {
    return this.forward('POST', `/exceptions/${encodeURIComponent(id)}/replay`, user, body);
  }

  @Post('exceptions/:id/reject')
  reject(@Param('id') id: string, @Body() body: unknown, @Headers('x-postera-user') user?: string) {
    return this.forward('POST', `/exceptions/${encodeURIComponent(id)}/reject`, user, body);
  }
}
