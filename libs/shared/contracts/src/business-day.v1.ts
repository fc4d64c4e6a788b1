import type { EventEnvelope } from './envelope.js';

/** ops.business-day.v1 — the business day moves by these events (DESIGN.md §7). Key: calendar code. One partition. */
export interface BusinessDayV1 {
  calendar: string;
  businessDate: string;
}
export type BusinessDayEvent = EventEnvelope<BusinessDayV1, 'BusinessDayOpened' | 'BusinessDayClosed'>;
