import { Controller, Get, Inject, Query } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { READERS, Roles } from '../auth/roles.js';
import { pageRequest, type PageRequest } from '../http/paging.js';
import { SERVICE_SCHEMA } from '../nest/tokens.js';

/** A parked event as an operator reads it: where it was going, its size, and the broker's answer. */
export interface ParkedEvent {
  id: string;
  eventId: string;
  topic: string;
  key: string | null;
  bytes: number;
  createdAt: Date;
  parkedAt: Date;
  refusal: string;
}

/** The page of parked ids a list asks for: `after` the last outbox id of the page before. */
export const parkedPage = (q: { limit?: string; after?: string }) => pageRequest(q, { max: 1000, dflt: 100, cursor: /^[0-9]{1,19}$/, cursorName: 'id' });

/** How many events of a schema's outbox wait in `outbox_parked`, and since when. */
export async function parkedCount(db: Pick<EntityManager, 'query'>, schema: string): Promise<{ total: number; oldestParkedAt: string | null }> {
  const [row] = (await db.query(`SELECT count(*)::int AS total, min(parked_at) AS "oldestParkedAt" FROM ${schema}.outbox_parked`)) as Array<{
    total: number;
    oldestParkedAt: Date | null;
  }>;
  return { total: row!.total, oldestParkedAt: row!.oldestParkedAt?.toISOString() ?? null };
}

/**
 * A schema's parked events in the order they were written (their outbox id), a page at a time: the
 * size of the value, not the value (it may be what the broker found too large).
 */
export async function parkedEvents(db: Pick<EntityManager, 'query'>, schema: string, page: PageRequest): Promise<ParkedEvent[]> {
  return (await db.query(
    `SELECT id::text AS id, event_id AS "eventId", topic, message_key AS key, octet_length(value) AS bytes, created_at AS "createdAt",
            parked_at AS "parkedAt", refusal
     FROM ${schema}.outbox_parked WHERE $1::bigint IS NULL OR id > $1 ORDER BY id LIMIT $2`,
    [page.after, page.limit],
  )) as ParkedEvent[];
}

/**
 * The events of the service's outbox that the broker refused for themselves (outbox-relay.ts moves
 * them to `<schema>.outbox_parked`): what an operator sees before republishing one
 * (docs/operations.md). Every service behind the gateway has these routes.
 */
@Controller('outbox/parked')
export class ParkedEventsController {
  constructor(
    private readonly ds: DataSource,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  /** How many wait, and since when: the morning's alert. */
  @Get('count')
  @Roles(...READERS, 'admin')
  count() {
    return parkedCount(this.ds, this.schema);
  }

  /** The parked events, oldest first, a page at a time (`after` the last id of the page before). */
  @Get()
  @Roles(...READERS, 'admin')
  list(@Query('limit') limit: string | undefined, @Query('after') after: string | undefined) {
    return parkedEvents(this.ds, this.schema, parkedPage({ limit, after }));
  }
}
