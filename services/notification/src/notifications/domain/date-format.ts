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
