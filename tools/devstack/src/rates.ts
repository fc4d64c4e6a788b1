import { envelope, Topics, type FxRateV1 } from '@postera/contracts';
import { Dec } from '@postera/kernel';
import { publish } from './publish.js';
import { referentialImport } from './sample.js';

/**
 * The source the demo's rates carry: they are made up for the demo day, not the ECB's, and anyone
 * reading accounting.fx_rates or the FX report must be able to tell.
 */
export const DEMO_FX_SOURCE = 'DEMO (devstack, not ECB)';

/** Units per EUR the demo's rates move around; a currency the sample trades that is not here is refused, not guessed. */
const DEMO_FX_BASE: Readonly<Record<string, string>> = { USD: '1.0800', GBP: '0.8600', CHF: '0.9400', JPY: '162.00' };

/** The foreign currencies the sample referential's instruments trade in. */
export function sampleForeignCurrencies(): string[] {
  return [...new Set(referentialImport().instruments.map((i) => i.currency))].filter((c) => c !== 'EUR').sort();
}

/**
 * A reference rate per day and currency, the same for a date whatever the run: the base moved by
 * 0.2 % per step of a 7-day cycle of the date's day number, −0.6 % to +0.6 % (e.g. USD on 2026-12-01,
 * day 20,788, 20,788 mod 7 = 5: 1.0800 × 1.004 = 1.084320 → 1.0843), rounded half-even to the
 * base's decimals (ECB rates carry 4 to 5 significant digits).
 */
export function demoFxRates(days: readonly string[], currencies: readonly string[] = sampleForeignCurrencies()): FxRateV1[] {
  return days.flatMap((rateDate) =>
    currencies.map((currency) => {
      const base = DEMO_FX_BASE[currency];
      if (base === undefined) throw new Error(`no demo rate base for ${currency}: add it to DEMO_FX_BASE`);
      const dayNumber = Math.round(Date.parse(`${rateDate}T00:00:00Z`) / 86_400_000);
      const step = new Dec((dayNumber % 7) - 3).times('0.002');
      const decimals = base.split('.')[1]?.length ?? 0;
      const unitsPerEur = new Dec(base).times(new Dec(1).plus(step)).toDecimalPlaces(decimals, Dec.ROUND_HALF_EVEN).toFixed(decimals);
      return { rateDate, currency, unitsPerEur, source: DEMO_FX_SOURCE };
    }),
  );
}

/** The demo's rates as marketdata.fx-rates.v1 publishes them (key: currency). */
export function demoFxRateEvents(days: readonly string[], currencies?: readonly string[]) {
  return demoFxRates(days, currencies).map((payload) =>
    envelope({ type: 'FxRate', producer: 'devstack', correlationId: payload.currency, causationId: null, payload }),
  );
}

/**
 * Publishes the reference rates of `days` on marketdata.fx-rates.v1 under `prefix`, so that each
 * close of those days revalues the books' foreign-currency positions and the FX report is not empty.
 * Publish a day's rates before its close: a rate after it is a late rate (accounting corrects at once).
 */
export async function publishDemoFxRates(brokers: string, prefix: string, days: readonly string[], currencies?: readonly string[]): Promise<FxRateV1[]> {
  const events = demoFxRateEvents(days, currencies);
  await publish(
    brokers,
    prefix,
    Topics.fxRates,
    events.map((e) => ({ key: e.correlationId, value: JSON.stringify(e) })),
  );
  return events.map((e) => e.payload);
}
