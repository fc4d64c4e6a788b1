import { isIsoDate, isIsoTimestampWithZone } from '@postera/kernel';
import type { Language } from './amount-format.js';

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A business date (ISO) as the reader writes it: fr 26/11/2026, en 26 Nov 2026. */
export function formatDate(date: string, language: Language): string {
  if (!isIsoDate(date)) throw new Error(`cannot format ${JSON.stringify(date)}: not an ISO date`);
  const [y, m, d] = date.split('-') as [string, string, string];
  return language === 'fr' ? `${d}/${m}/${y}` : `${Number(d)} ${MONTHS_EN[Number(m) - 1]} ${y}`;
}

/**
 * An execution timestamp as date and time in UTC, said so: the zone of the trading platform is not
 * the client's, and a time without its zone is a wrong time for someone.
 */
export function formatTimestampUtc(timestamp: string, language: Language): string {
  if (!isIsoTimestampWithZone(timestamp)) throw new Error(`cannot format ${JSON.stringify(timestamp)}: not an ISO timestamp with zone`);
  const iso = new Date(timestamp).toISOString(); // normalised to UTC: YYYY-MM-DDTHH:MM:SS.sssZ
  const time = iso.slice(11, 19);
  return language === 'fr' ? `${formatDate(iso.slice(0, 10), 'fr')} à ${time} UTC` : `${formatDate(iso.slice(0, 10), 'en')} at ${time} UTC`;
}

/**
 * The firm's time zone: a notice is dated as the back office in Paris dates it, so one issued at
 * 23:30 UTC on 29 November is dated 30 November there (00:30 in Paris, winter time).
 */
export const NOTICE_TIME_ZONE = 'Europe/Paris';

const ISSUE_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: NOTICE_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The ISO date on which a notice issued at `instant` is dated (in NOTICE_TIME_ZONE). */
export function issueDateOf(instant: Date): string {
  if (Number.isNaN(instant.getTime())) throw new Error('cannot date a notice: invalid instant');
  const parts = Object.fromEntries(ISSUE_DAY.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}
