import { describe, expect, it } from '@jest/globals';
import { computeTtf, ttfRateOn, TTF_EXEMPTIONS, type TtfExemptionRules, type TtfInstrument, type TtfSettlement } from './ttf.js';
import { ttfCsv, ttfText } from './ttf-files.js';

// Worked examples of the French financial transaction tax, figures written out.
const TOTAL_ENERGIES = 'FR0000120271';
const LVMH = 'FR0000121014';
const SMALL_CAP = 'FR0000031684';

const instruments = new Map<string, TtfInstrument>([
  [TOTAL_ENERGIES, { isin: TOTAL_ENERGIES, ttfScopeYears: [2024, 2025, 2026] }],
  [LVMH, { isin: LVMH, ttfScopeYears: [2025, 2026] }],
  [SMALL_CAP, { isin: SMALL_CAP, ttfScopeYears: [2024] }],
]);

const rules: TtfExemptionRules = {
  enabled: TTF_EXEMPTIONS,
  marketMakingBooks: ['MM-EQ'],
  liquidityContractBooks: ['LIQ-EQ'],
  primaryMarketSources: ['FO-ECM'],
  intragroupLeis: ['969500GROUPENTITY047'],
  repoLendingBooks: ['REPO'],
  repoLendingSources: [],
};

let n = 0;
function settled(o: Partial<TtfSettlement>): TtfSettlement {
  n += 1;
  return {
    tradeRef: `FO-EQ:T${n}`,
    sourceSystem: 'FO-EQ',
    account: 'CLI-0001',
    payer: 'CL-0001',
    isin: TOTAL_ENERGIES,
    side: 'BUY',
    quantity: '100',
    price: '58.50',
    currency: 'EUR',
    tradeDate: '2026-11-26',
    settlementDate: '2026-11-30',
    capacity: 'AOTC',
    book: 'CLIENT-EQ',
    counterparty: '529900COUNTERPTY0129',
    ...o,
  };
}
const NOV_2026 = { start: '2026-11-01', end: '2026-11-30' };

describe('TTF worked examples', () => {
  it('a plain buy: 100 × 58.50 = base 5,850.00 EUR × 0.4 % = 23.40 EUR, the payer pays 23 EUR', () => {
    const d = computeTtf(NOV_2026, [settled({})], instruments, rules);
    expect(d.lines).toEqual([
      expect.objectContaining({
        payer: 'CL-0001',
        account: 'CLI-0001',
        isin: TOTAL_ENERGIES,
        tradeDates: ['2026-11-26'],
        settlementDate: '2026-11-30',
        netQuantity: '100',
        averagePrice: '58.50000000',
        base: '5850.00',
        rate: '0.004',
        tax: '23.40',
        exemption: null,
      }),
    ]);
    expect(d.totals).toEqual([{ payer: 'CL-0001', taxLines: '23.40', taxDue: '23' }]);
    expect(d.total).toBe('23');
  });

  it('an intraday buy and partial sell: bought 200 × 10.00 + 100 × 10.30, sold 120 → net 180 × 10.10 = 1,818.00 → 7.27 EUR', () => {
    // Weighted average price of the purchases: (2,000.00 + 1,030.00) / 300 = 10.10; the sale's price plays no part.
    const d = computeTtf(
      NOV_2026,
      [
        settled({ isin: LVMH, quantity: '200', price: '10.00' }),
        settled({ isin: LVMH, quantity: '100', price: '10.30' }),
        settled({ isin: LVMH, side: 'SELL', quantity: '120', price: '10.50' }),
      ],
      instruments,
      rules,
    );
    expect(d.lines).toHaveLength(1);
    expect(d.lines[0]).toMatchObject({
      quantityBought: '300',
      quantitySold: '120',
      netQuantity: '180',
      averagePrice: '10.10000000',
      base: '1818.00',
      tax: '7.27',
    });
    // 1,818.00 × 0.004 = 7.272 → 7.27 (to the cent, half-up) → 7 EUR due.
    expect(d.totals).toEqual([{ payer: 'CL-0001', taxLines: '7.27', taxDue: '7' }]);
  });

  it('a sell-only day declares nothing, and a day that nets to zero neither', () => {
    const sellOnly = computeTtf(NOV_2026, [settled({ side: 'SELL', quantity: '50' })], instruments, rules);
    expect(sellOnly.lines).toEqual([]);
    expect(sellOnly.total).toBe('0');
    const roundTrip = computeTtf(NOV_2026, [settled({ quantity: '50' }), settled({ side: 'SELL', quantity: '50', price: '59.00' })], instruments, rules);
    expect(roundTrip.lines).toEqual([]);
  });

  it('an out-of-scope ISIN (on the 2024 list only) and an unknown one are left out, with the reason', () => {
    const d = computeTtf(
      NOV_2026,
      [settled({ tradeRef: 'FO-EQ:OUT', isin: SMALL_CAP }), settled({ tradeRef: 'FO-EQ:UNK', isin: 'FR0013341781' })],
      instruments,
      rules,
    );
    expect(d.lines).toEqual([]);
    expect(d.excluded).toEqual([
      { tradeRef: 'FO-EQ:OUT', isin: SMALL_CAP, reason: 'not on the 2026 TTF list' },
      { tradeRef: 'FO-EQ:UNK', isin: 'FR0013341781', reason: 'instrument unknown to the referential' },
    ]);
  });

  it('market making (DEAL on the MM-EQ book) is exempt: declared with tax 0.00; with the flag off, 1,000 × 20.00 = 20,000.00 → 80.00 EUR', () => {
    const mm = settled({ account: 'PROP-MM', payer: 'FIRM', quantity: '1000', price: '20.00', capacity: 'DEAL', book: 'MM-EQ' });
    const exempt = computeTtf(NOV_2026, [mm], instruments, rules);
    expect(exempt.lines).toEqual([
      expect.objectContaining({ base: '20000.00', tax: '0.00', exemption: 'MARKET_MAKING', reference: 'PROP-MM/FR0000120271/2026-11-30/MARKET_MAKING' }),
    ]);
    expect(exempt.total).toBe('0');
    // The same trade as AOTC on that book is not market making.
    expect(computeTtf(NOV_2026, [{ ...mm, capacity: 'AOTC' }], instruments, rules).lines[0]).toMatchObject({ tax: '80.00', exemption: null });
    const flagOff = computeTtf(NOV_2026, [mm], instruments, { ...rules, enabled: TTF_EXEMPTIONS.filter((e) => e !== 'MARKET_MAKING') });
    expect(flagOff.lines[0]).toMatchObject({ base: '20000.00', rate: '0.004', tax: '80.00', exemption: null });
    expect(flagOff.total).toBe('80');
  });

  it('across the rate change: settled 31 Mar 2025 at 0.3 % (99.99 EUR), settled 1 Apr 2025 at 0.4 % (133.32 EUR)', () => {
    expect(ttfRateOn('2025-03-31').toString()).toBe('0.003');
    expect(ttfRateOn('2025-04-01').toString()).toBe('0.004');
    // 1,000 × 33.33 = 33,330.00; × 0.003 = 99.99; × 0.004 = 133.32. Both traded before 1 April:
    // the taxable event is the transfer of ownership, so the settlement date picks the rate.
    const d = computeTtf(
      { start: '2025-03-01', end: '2025-04-30' },
      [
        settled({ tradeRef: 'FO-EQ:MAR', quantity: '1000', price: '33.33', tradeDate: '2025-03-27', settlementDate: '2025-03-31' }),
        settled({ tradeRef: 'FO-EQ:APR', quantity: '1000', price: '33.33', tradeDate: '2025-03-28', settlementDate: '2025-04-01' }),
      ],
      instruments,
      rules,
    );
    expect(d.lines.map((l) => [l.tradeRefs[0], l.settlementDate, l.base, l.rate, l.tax])).toEqual([
      ['FO-EQ:MAR', '2025-03-31', '33330.00', '0.003', '99.99'],
      ['FO-EQ:APR', '2025-04-01', '33330.00', '0.004', '133.32'],
    ]);
    expect(d.totals).toEqual([{ payer: 'CL-0001', taxLines: '233.31', taxDue: '233' }]);
  });

  it('rounding: each line to the cent, each payer to the euro (8.50 → 9, 1.25 → 1; 10 EUR in all)', () => {
    const d = computeTtf(
      NOV_2026,
      [
        // 96 × 12.86 = 1,234.56 × 0.004 = 4.93824 → 4.94
        settled({ account: 'CLI-0001', payer: 'CL-0001', isin: TOTAL_ENERGIES, quantity: '96', price: '12.86' }),
        // 8 × 111.11 = 888.88 × 0.004 = 3.55552 → 3.56
        settled({ account: 'CLI-0001', payer: 'CL-0001', isin: LVMH, quantity: '8', price: '111.11' }),
        // 10 × 31.23 = 312.30 × 0.004 = 1.2492 → 1.25
        settled({ account: 'CLI-0002', payer: 'CL-0002', isin: LVMH, quantity: '10', price: '31.23' }),
      ],
      instruments,
      rules,
    );
    expect(d.lines.map((l) => [l.payer, l.isin, l.base, l.tax])).toEqual([
      ['CL-0001', TOTAL_ENERGIES, '1234.56', '4.94'],
      ['CL-0001', LVMH, '888.88', '3.56'],
      ['CL-0002', LVMH, '312.30', '1.25'],
    ]);
    expect(d.totals).toEqual([
      { payer: 'CL-0001', taxLines: '8.50', taxDue: '9' },
      { payer: 'CL-0002', taxLines: '1.25', taxDue: '1' },
    ]);
    expect(d.total).toBe('10');
  });

  it('the CSV carries the art. 58 Q data per line and a TOTAL per payer', () => {
    const d = computeTtf(NOV_2026, [settled({ tradeRef: 'FO-EQ:CSV' })], instruments, rules);
    expect(ttfCsv(d, 'EF123').split('\r\n')).toEqual([
      'record;member_code;payer;account;isin;trade_date;settlement_date;reference;net_quantity;average_price;base_eur;rate;tax_eur;exemption;trade_refs',
      'LINE;EF123;CL-0001;CLI-0001;FR0000120271;2026-11-26;2026-11-30;CLI-0001/FR0000120271/2026-11-30;100;58.50000000;5850.00;0.004;23.40;;FO-EQ:CSV',
      'TOTAL;EF123;CL-0001;;;;;;;;;;23.00;;',
      '',
    ]);
  });

  it('a partial settlement is taxed as it settles: 60 of 100 in November, 40 in December', () => {
    const d = computeTtf(
      NOV_2026,
      [
        settled({ tradeRef: 'FO-EQ:P', quantity: '60', settlementDate: '2026-11-30' }),
        settled({ tradeRef: 'FO-EQ:P', quantity: '40', settlementDate: '2026-12-01' }),
      ],
      instruments,
      rules,
    );
    // 60 × 58.50 = 3,510.00 × 0.004 = 14.04; the December part belongs to December's declaration.
    expect(d.lines.map((l) => [l.netQuantity, l.base, l.tax])).toEqual([['60', '3510.00', '14.04']]);
  });

  describe('written forms: amounts with 2 decimals, average prices with 8 (HALF_UP), whatever the figures', () => {
    const line = (buys: Array<{ quantity: string; price: string }>, sells: Array<{ quantity: string; price: string }> = []) =>
      computeTtf(NOV_2026, [...buys.map((b) => settled(b)), ...sells.map((x) => settled({ ...x, side: 'SELL' }))], instruments, rules);

    it('one buy of 100 × 70: average 70.00000000, base 7000.00, tax 28.00, due 28.00', () => {
      const d = line([{ quantity: '100', price: '70' }]);
      expect(d.lines.map((l) => [l.averagePrice, l.base, l.tax])).toEqual([['70.00000000', '7000.00', '28.00']]);
      expect(ttfCsv(d, 'EF123').split('\r\n').slice(1, 3)).toEqual([
        expect.stringContaining(';100;70.00000000;7000.00;0.004;28.00;;'),
        'TOTAL;EF123;CL-0001;;;;;;;;;;28.00;;',
      ]);
    });

    it('100 × 60.00 + 100 × 62.50: average 12,250.00 / 200 = 61.25000000, base 12250.00, tax 49.00', () => {
      const d = line([
        { quantity: '100', price: '60.00' },
        { quantity: '100', price: '62.50' },
      ]);
      expect(d.lines.map((l) => [l.netQuantity, l.averagePrice, l.base, l.tax])).toEqual([['200', '61.25000000', '12250.00', '49.00']]);
    });

    it('100 × 60.00 + 50 × 62.00, 30 sold: average 9,100.00 / 150 = 60.666… → 60.66666667; base 120 × 60.666… = 7280.00 (from the exact average), tax 29.12', () => {
      const d = line(
        [
          { quantity: '100', price: '60.00' },
          { quantity: '50', price: '62.00' },
        ],
        [{ quantity: '30', price: '61.00' }],
      );
      expect(d.lines.map((l) => [l.netQuantity, l.averagePrice, l.base, l.tax])).toEqual([['120', '60.66666667', '7280.00', '29.12']]);
      expect(ttfCsv(d, 'EF123').split('\r\n')[1]).toContain(';120;60.66666667;7280.00;0.004;29.12;;');
      // 29.12 due to the euro HALF_UP: 29, written with its two decimals.
      expect(ttfCsv(d, 'EF123').split('\r\n')[2]).toBe('TOTAL;EF123;CL-0001;;;;;;;;;;29.00;;');
    });

    it('a 9th decimal of exactly 5 rounds up (HALF_UP, not to even): 1,000 × 10.000000005 → 10.00000001', () => {
      // 1,000 × 10.000000005 = 10,000.000005 → base 10000.00, tax 40.00.
      const d = line([{ quantity: '1000', price: '10.000000005' }]);
      expect(d.lines.map((l) => [l.averagePrice, l.base, l.tax])).toEqual([['10.00000001', '10000.00', '40.00']]);
    });

    it('the readable file states the forms in its header and writes the same figures', () => {
      const d = line([
        { quantity: '100', price: '60.00' },
        { quantity: '50', price: '62.00' },
      ]);
      // 150 × 60.666… = 9,100.00 × 0.004 = 36.40 → 36 EUR due.
      const text = ttfText(d, { memberCode: 'EF123', firmName: 'Postera Securities' }).split('\n');
      expect(text.slice(0, 3)).toEqual([
        'Taxe sur les transactions financières (CGI art. 235 ter ZD) — Postera Securities, member code EF123',
        'Period: settlements from 2026-11-01 to 2026-11-30',
        'Amounts in EUR with 2 decimals (base and tax per line to the cent HALF_UP, due per payer to the euro HALF_UP); average prices with 8 decimals (HALF_UP).',
      ]);
      expect(text).toContain('    net bought 150 × 60.66666667 = base 9100.00 EUR × 0.004 = tax 36.40 EUR');
      expect(text).toContain('    CL-0001: lines 36.40 EUR → due 36.00 EUR');
      expect(text).toContain('Total due: 36.00 EUR');
    });
  });
});
