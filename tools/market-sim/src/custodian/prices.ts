import { Dec } from '@postera/kernel';
import { draw } from './scenario.js';

/**
 * The simulated market's closing price of an ISIN on a day: base × (1 + volatility × (2·draw − 1)),
 * draw from SHA-256(seed | isin | date), rounded HALF-UP to 4 decimal places. Same seed, base and
 * day → same price; volatility 0 → the base every day.
 */
export function closingPrice(seed: string, isin: string, date: string, base: string, volatility: number): string {
  const u = draw(seed, `price:${isin}`, date);
  const move = new Dec(volatility).mul(new Dec(u).mul(2).minus(1));
  return new Dec(base).mul(new Dec(1).plus(move)).toDecimalPlaces(4, Dec.ROUND_HALF_UP).toFixed(4);
}
