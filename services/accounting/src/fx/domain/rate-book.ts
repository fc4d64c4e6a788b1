/**
 * The ECB rate a line in a foreign currency is converted at: its date's, or the last publication's
 * shortly before. The FEC and the FX-result report read rates the same way.
 */

/**
 * The ECB publishes no rate on weekends and TARGET holidays; the longest gap is Easter (Thursday's
 * rate serves Good Friday to Easter Monday: 4 days). An older rate is not taken: a line is refused
 * rather than converted at a rate from weeks before.
 */
export const RATE_AGE_DAYS_MAX = 4;

function daysBefore(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

export type RateOn = (currency: string, date: string) => string | null;

/** `rateOn(currency, date)`: units per EUR of the date, else of the latest publication at most `ageDaysMax` days before; null when none. */
export function rateBook(rates: ReadonlyArray<{ currency: string; date: string; unitsPerEur: string }>, ageDaysMax = RATE_AGE_DAYS_MAX): RateOn {
  const byCurrency = new Map<string, Map<string, string>>();
  for (const r of rates) byCurrency.set(r.currency, (byCurrency.get(r.currency) ?? new Map<string, string>()).set(r.date, r.unitsPerEur));
  return (currency, date) => {
    const days = byCurrency.get(currency);
    for (let back = 0; days && back <= ageDaysMax; back++) {
      const r = days.get(daysBefore(date, back));
      if (r !== undefined) return r;
    }
    return null;
  };
}
