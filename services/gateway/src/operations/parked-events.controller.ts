import { BadRequestException, Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentOperator, parkedCount, parkedEvents, parkedPage, READERS, Roles, SERVICE_SCHEMA, type Operator } from '@postera/platform';
import { DataSource } from 'typeorm';
import { ApiPage } from '../api-docs.js';
import { Upstream, type ServiceName } from '../upstream/services.js';
import { ParkedEvent, ParkedEventsCount } from './parked-events.dto.js';

/** The processes of the back office whose outboxes an operator watches (the simulated CSD stands for the market, outside it). */
const PROCESSES = ['gateway', 'capture', 'settlement', 'accounting', 'reporting', 'notification'] as const;
type Process = (typeof PROCESSES)[number];

/**
 * The outbox events the broker refused for themselves, parked in each process's schema until an
 * operator republishes them (docs/operations.md): a count per process for the morning's alerts, and
 * each process's events a page at a time. The gateway reads its own; each service answers for its.
 */
@ApiTags('operations')
@ApiBearerAuth()
@Roles(...READERS, 'admin')
@Controller('api/outbox/parked')
export class ParkedOutboxController {
  constructor(
    private readonly up: Upstream,
    private readonly ds: DataSource,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Outbox events parked in each process (the broker refused them): how many, and since when' })
  @ApiOkResponse({ type: ParkedEventsCount })
  async count(@CurrentOperator() who: Operator) {
    const services = await Promise.all(
      PROCESSES.map(async (service) => {
        if (service === 'gateway') return { service, ...(await parkedCount(this.ds, this.schema)) };
        const part = (await this.up.part(service, '/outbox/parked/count', { as: who })) as
          { total: number; oldestParkedAt: string | null } | { unavailable: string } | null;
        // null: a service that answers 404 has no such route (an older version), which is no count either.
        if (part === null || 'unavailable' in part)
          return { service, total: null, oldestParkedAt: null, unavailable: part?.unavailable ?? `${service} has no parked-events route` };
        return { service, ...part };
      }),
    );
    return { services };
  }

  @Get(':service')
  @ApiOperation({ summary: "A process's parked outbox events, oldest first, a page at a time (?limit=&after=, after the last id seen)" })
  @ApiParam({ name: 'service', enum: PROCESSES })
  @ApiOkResponse({ type: [ParkedEvent] })
  @ApiPage('id')
  events(
    @Param('service') service: string,
    @Query('limit') limit: string | undefined,
    @Query('after') after: string | undefined,
    @CurrentOperator() who: Operator,
  ) {
    if (!(PROCESSES as readonly string[]).includes(service)) throw new BadRequestException(`service: one of ${PROCESSES.join(', ')}`);
    const page = parkedPage({ limit, after });
    if (service === 'gateway') return parkedEvents(this.ds, this.schema, page);
    const q = new URLSearchParams({ limit: String(page.limit), ...(page.after ? { after: page.after } : {}) });
    return this.up.call(service as Exclude<Process, 'gateway'> satisfies ServiceName, 'GET', `/outbox/parked?${q}`, { as: who });
  }
}
