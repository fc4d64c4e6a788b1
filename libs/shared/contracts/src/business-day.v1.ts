import { z } from 'zod';
import type { EventEnvelope } from './envelope.js';
import { isoDate } from './wire-schemas.js';

/** ops.business-day.v1 — the business day moves by these events (DESIGN.md §7). Key: calendar code. One partition. */
export const BusinessDayV1Schema = z.object({ calendar: z.string(), businessDate: isoDate });
export type BusinessDayV1 = z.infer<typeof BusinessDayV1Schema>;
export type BusinessDayEvent = EventEnvelope<BusinessDayV1, 'BusinessDayOpened' | 'BusinessDayClosed'>;
