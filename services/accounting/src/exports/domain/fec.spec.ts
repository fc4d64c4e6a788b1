import { describe, expect, it } from '@jest/globals';
import { Dec } from '@postera/kernel';
import { checkFec } from '../../../test/fec-check.js';
import { fecRows, fecText, isIncomeStatement, toLatin9, type EurBalance, type FecLine, type FecResult, type OpeningInput } from './fec.js';
import { fiscalYearClosingIn } from '../../periods/domain/fiscal-year.js';
import { rateBook } from '../../fx/domain/rate-book.js';
import { CHART_V1, EXISTING_ACCOUNT_KINDS } from '../../ledger/rule-sets/chart-v1.js';

const line = (o: Partial<FecLine>): FecLine => ({
  entrySeq: '1',
  kind: 'SETTLEMENT',
  accountingDate: '2026-11-30',
  tradeRef: 'FO-EQ:T-1',
  validDate: '2026-11-30',
  accountCode: '311000',
  accountName: 'Titres de transaction',
  aux: null,
  currency: 'EUR',
  debit: '5800',
  credit: '0',
  ...o,
});

const FY2026 = fiscalYearClosingIn(2026, '12-31');
const FY2027 = fiscalYearClosingIn(2027, '12-31');
const NAMES = new Map([
  ['529900COUNTERPTY0129', 'Contrepartie Alpha SA'],
  ['CL-0003', 'Mme Claire Dubois'],
]);
const rows = (r: FecResult) => {
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
  return r.rows;
};
/** The EUR columns in cents, for sums. */
const cents = (v: string) => BigInt(v.replace(',', ''));

describe('the FEC (LPF art. A47 A-1)', () => {
  const lines = [
    line({ accountCode: '903900', accountName: 'Contrepartie des titres à recevoir', debit: '5800', credit: '0' }),
    line({ accountCode: '903100', accountName: 'Titres à recevoir', debit: '0', credit: '5800' }),
    line({ accountCode: '311000', debit: '5800', credit: '0' }),
    line({ accountCode: '622000', accountName: 'Commissions et frais sur titres', debit: '5.8', credit: '0' }),
    line({ accountCode: '512000', accountName: 'Nostro — banques et CSD', aux: 'SICVFRPPXXX', debit: '0', credit: '5805.8' }),
    // A USD entry: 1000.00 USD at 1.05 USD per EUR = 952.380… → 952.38 EUR each side (half-up).
    line({ entrySeq: '2', kind: 'PENALTY', currency: 'USD', accountCode: '468100', aux: '529900COUNTERPTY0129', debit: '1000', credit: '0' }),
    line({ entrySeq: '2', kind: 'PENALTY', currency: 'USD', accountCode: '708100', debit: '0', credit: '1000' }),
  ];
  const rateOn = rateBook([{ currency: 'USD', date: '2026-11-30', unitsPerEur: '1.05' }]);
  const period = rows(fecRows({ fy: FY2026, lines, opening: null, rateOn, names: NAMES }));

  it('an entry booked after the closed period its event fell in: EcritureDate the booking day, PieceDate the event’s own date, the reason in EcritureLib', () => {
    const late = { entrySeq: '9', kind: 'TRADE_DATE_COMMITMENT', accountingDate: '2026-01-01', validDate: '2026-01-02', pieceDate: '2025-12-30', bookingNote: 'booked 2026-01-01: 2025-12-30 falls in closed period FY2025' };
    const r = rows(
      fecRows({
        fy: FY2026,
        lines: [line({ ...late, accountCode: '903100', debit: '5800', credit: '0' }), line({ ...late, accountCode: '903900', debit: '0', credit: '5800' })],
        opening: null,
        rateOn,
        names: NAMES,
      }),
    );
    expect(r.map((x) => [x[3], x[9], x[10], x[15]])).toEqual([
      ['20260101', '20251230', 'Négociation FO-EQ:T-1 (booked 2026-01-01: 2025-12-30 falls in closed period FY2025)', '20260102'],
      ['20260101', '20251230', 'Négociation FO-EQ:T-1 (booked 2026-01-01: 2025-12-30 falls in closed period FY2025)', '20260102'],
    ]);
    expect(checkFec(fecText(r), '|')).toEqual([]);
  });

  it('writes the 18 columns in order, YYYYMMDD dates, comma amounts, both Debit and Credit, the custodian as CompAuxNum and its name as CompAuxLib', () => {
    expect(period[4]).toEqual([
      'RGL',
      'Règlements-livraisons',
      '1',
      '20261130',
      '512000',
      'Nostro — banques et CSD',
      'SICVFRPPXXX',
      'Euroclear France',
      'FO-EQ:T-1',
      '20261130',
      'Règlement FO-EQ:T-1',
      '0,00',
      '5805,80',
      '',
      '',
      '20261130',
      '',
      '',
    ]);
  });
  it('a foreign-currency line shows its EUR countervalue, the amount in currency and its code; CompAuxLib is the counterparty name, not its LEI', () => {
    expect(period[5]!.slice(6, 8)).toEqual(['529900COUNTERPTY0129', 'Contrepartie Alpha SA']);
    expect(period[5]!.slice(11)).toEqual(['952,38', '0,00', '', '', '20261130', '1000,00', 'USD']);
    expect(period[6]!.slice(11)).toEqual(['0,00', '952,38', '', '', '20261130', '1000,00', 'USD']);
  });
  it("a line's rounding residue goes to the largest line of its currency, never to an EUR line", () => {
    // At 1.5 USD per EUR: 1.00 USD → 0.666… → 0.67 EUR three times = 2.01 EUR; 3.00 USD → 2.00 EUR.
    // Residue 0.01 on the 3.00 USD credit: 2.01. The 10.00 EUR lines stay 10.00.
    const entry = [
      line({ entrySeq: '7', accountCode: '311000', debit: '10', credit: '0' }),
      line({ entrySeq: '7', accountCode: '512000', aux: 'SICVFRPPXXX', debit: '0', credit: '10' }),
      ...['1', '1', '1'].map((d) => line({ entrySeq: '7', currency: 'USD', accountCode: '311000', debit: d, credit: '0' })),
      line({ entrySeq: '7', currency: 'USD', accountCode: '512000', aux: 'DTCYUS33XXX', debit: '0', credit: '3' }),
    ];
    const r = rows(fecRows({ fy: FY2026, lines: entry, opening: null, rateOn: rateBook([{ currency: 'USD', date: '2026-11-30', unitsPerEur: '1.5' }]), names: NAMES }));
    expect(r.map((x) => [x[4], x[11], x[12], x[17]])).toEqual([
      ['311000', '10,00', '0,00', ''],
      ['512000', '0,00', '10,00', ''],
      ['311000', '0,67', '0,00', 'USD'],
      ['311000', '0,67', '0,00', 'USD'],
      ['311000', '0,67', '0,00', 'USD'],
      ['512000', '0,00', '2,01', 'USD'],
    ]);
    expect(r[5]![7]).toBe('The Depository Trust Company');
  });
  it('passes the format check with | and with tab', () => {
    expect(checkFec(fecText(period, '|'), '|')).toEqual([]);
    expect(checkFec(fecText(period, '\t'), '\t')).toEqual([]);
  });
  it('the check catches a broken file', () => {
    expect(checkFec(fecText([[...period[0]!.slice(0, 17)]], '|'), '|')).toContain('row 2: 17 columns');
  });
  it('is encoded ISO 8859-15: é is one byte 0xE9, the em dash becomes "-"', () => {
    const b = toLatin9('Règlement — é');
    expect([...b]).toEqual([0x52, 0xe8, 0x67, 0x6c, 0x65, 0x6d, 0x65, 0x6e, 0x74, 0x20, 0x2d, 0x20, 0xe9]);
  });

  describe('refused rather than wrong', () => {
    it('lists every missing rate (currency and date), once each, sorted — not only the first', () => {
      const usd = (seq: string, date: string) => [
        line({ entrySeq: seq, accountingDate: date, validDate: date, currency: 'USD', accountCode: '311000', debit: '100', credit: '0' }),
        line({ entrySeq: seq, accountingDate: date, validDate: date, currency: 'USD', accountCode: '512000', aux: 'DTCYUS33XXX', debit: '0', credit: '100' }),
      ];
      const jpy = (seq: string, date: string) =>
        usd(seq, date).map((l) => ({ ...l, currency: 'JPY' }));
      const r = fecRows({
        fy: FY2026,
        lines: [...usd('1', '2026-11-26'), ...usd('2', '2026-11-26'), ...jpy('3', '2026-11-27'), ...jpy('4', '2026-11-20'), ...usd('5', '2026-11-30')],
        opening: null,
        rateOn: rateBook([{ currency: 'USD', date: '2026-11-30', unitsPerEur: '1.05' }]),
        names: NAMES,
      });
      expect(r).toEqual({
        ok: false,
        missingRates: [
          { currency: 'JPY', date: '2026-11-20' },
          { currency: 'JPY', date: '2026-11-27' },
          { currency: 'USD', date: '2026-11-26' },
        ],
        missingNames: [],
      });
    });
    it('a line of a day without publication takes the last rate at most 4 days before, not older', () => {
      const book = rateBook([{ currency: 'USD', date: '2026-11-27', unitsPerEur: '1.05' }]); // a Friday
      expect(book('USD', '2026-11-29')).toBe('1.05'); // Sunday
      expect(book('USD', '2026-12-01')).toBe('1.05'); // 4 days after
      expect(book('USD', '2026-12-02')).toBeNull(); // 5 days after
      expect(book('USD', '2026-11-26')).toBeNull(); // never a later rate
      expect(book('GBP', '2026-11-27')).toBeNull();
    });
    it('lists the auxiliary accounts without a name: the code alone is not a CompAuxLib', () => {
      const r = fecRows({
        fy: FY2026,
        lines: [
          line({ accountCode: '461200', aux: '213800COUNTERPTY0344', debit: '10', credit: '0' }),
          line({ accountCode: '461100', aux: 'CL-0003', debit: '0', credit: '10' }),
          line({ entrySeq: '2', accountCode: '461200', aux: '213800COUNTERPTY0344', debit: '0', credit: '5' }),
          line({ entrySeq: '2', accountCode: '512000', aux: 'XXXXFRPPXXX', debit: '5', credit: '0' }),
        ],
        opening: null,
        rateOn,
        names: NAMES,
      });
      expect(r).toEqual({
        ok: false,
        missingRates: [],
        missingNames: [
          { aux: '213800COUNTERPTY0344', account: '461200' },
          { aux: 'XXXXFRPPXXX', account: '512000' },
        ],
      });
    });
  });

  it('ValidDate is the day posted, or the accounting date when it was posted before it', () => {
    const r = rows(
      fecRows({
        fy: FY2026,
        lines: [
          line({ entrySeq: '1', validDate: '2026-11-25', debit: '1', credit: '0' }),
          line({ entrySeq: '1', validDate: '2026-11-25', accountCode: '512000', aux: 'SICVFRPPXXX', debit: '0', credit: '1' }),
          line({ entrySeq: '2', validDate: '2026-12-02', debit: '1', credit: '0' }),
          line({ entrySeq: '2', validDate: '2026-12-02', accountCode: '512000', aux: 'SICVFRPPXXX', debit: '0', credit: '1' }),
        ],
        opening: null,
        rateOn,
        names: NAMES,
      }),
    );
    expect(r.map((x) => [x[3], x[15]])).toEqual([
      ['20261130', '20261130'],
      ['20261130', '20261130'],
      ['20261130', '20261202'],
      ['20261130', '20261202'],
    ]);
  });
});

describe('the à-nouveaux (journal AN) open the fiscal year', () => {
  // The year 2026 as the journal holds it at the end of the year, summed per account and auxiliary (EUR lines):
  //   311000 +5800.00 · 622000 +5.80 (fees) · 767000 −120.00 (gain) · 512000 Euroclear France −5685.80
  //   903100 +1000.00 / 903900 −1000.00 (a buy made 30 Dec, settling in January: still a commitment)
  //   479000 (USD) +43.29 / 766000 −43.29 (FX gain at the last close)
  // and a USD settlement on 15 Dec: 311000 D 1000.00 USD / 512000 DTC C 1000.00 USD, at 1.05 → 952.38 EUR.
  const eur = (accountCode: string, balance: string, aux: string | null = null): EurBalance => ({ accountCode, accountName: `compte ${accountCode}`, aux, balance, validDate: '2026-12-31' });
  const opening: OpeningInput = {
    eurBalances: [
      eur('311000', '5800.00'),
      eur('622000', '5.80'),
      eur('767000', '-120.00'),
      eur('512000', '-5685.80', 'SICVFRPPXXX'),
      eur('903100', '1000.00'),
      eur('903900', '-1000.00'),
      eur('479000', '43.29', 'USD'),
      eur('766000', '-43.29'),
    ],
    foreignLines: [
      line({ entrySeq: '40', accountingDate: '2026-12-15', validDate: '2026-12-15', currency: 'USD', accountCode: '311000', debit: '1000', credit: '0' }),
      line({ entrySeq: '40', accountingDate: '2026-12-15', validDate: '2026-12-15', currency: 'USD', accountCode: '512000', aux: 'DTCYUS33XXX', debit: '0', credit: '1000' }),
    ],
  };
  const rateOn = rateBook([{ currency: 'USD', date: '2026-12-15', unitsPerEur: '1.05' }]);

  it('carries classes 1–5 and 9 per account, auxiliary and currency, and the net of classes 6–7 to 120000: 5.80 − 120.00 − 43.29 = −157.49, a profit', () => {
    const r = rows(fecRows({ fy: FY2027, lines: [], opening, rateOn, names: NAMES }));
    expect(r.map((x) => [x[0], x[2], x[3], x[4], x[6], x[7], x[11], x[12], x[15], x[16], x[17]])).toEqual([
      ['AN', 'AN20270101', '20270101', '311000', '', '', '5800,00', '0,00', '20270101', '', ''],
      ['AN', 'AN20270101', '20270101', '311000', '', '', '952,38', '0,00', '20270101', '1000,00', 'USD'],
      ['AN', 'AN20270101', '20270101', '479000', 'USD', 'dollar des États-Unis', '43,29', '0,00', '20270101', '', ''],
      ['AN', 'AN20270101', '20270101', '512000', 'DTCYUS33XXX', 'The Depository Trust Company', '0,00', '952,38', '20270101', '1000,00', 'USD'],
      ['AN', 'AN20270101', '20270101', '512000', 'SICVFRPPXXX', 'Euroclear France', '0,00', '5685,80', '20270101', '', ''],
      ['AN', 'AN20270101', '20270101', '903100', '', '', '1000,00', '0,00', '20270101', '', ''],
      ['AN', 'AN20270101', '20270101', '903900', '', '', '0,00', '1000,00', '20270101', '', ''],
      ['AN', 'AN20270101', '20270101', '120000', '', '', '0,00', '157,49', '20270101', '', ''],
    ]);
    expect(r[0]![1]).toBe('A-nouveaux');
    expect(r[7]![5]).toBe("Résultat de l'exercice (bénéfice)");
    // Balanced: 5800.00 + 952.38 + 43.29 + 1000.00 = 7795.67 = 952.38 + 5685.80 + 1000.00 + 157.49.
    expect(checkFec(fecText(r, '|'), '|')).toEqual([]);
  });
  it('a loss goes to 129000 on the debit side; an entry of the closed year posted after the opening dates their ValidDate', () => {
    const loss: OpeningInput = {
      eurBalances: [{ ...eur('667000', '250.00'), validDate: '2027-01-05' }, eur('512000', '-250.00', 'SICVFRPPXXX')],
      foreignLines: [],
    };
    const r = rows(fecRows({ fy: FY2027, lines: [], opening: loss, rateOn, names: NAMES }));
    expect(r.map((x) => [x[4], x[5], x[11], x[12], x[15]])).toEqual([
      ['512000', 'compte 512000', '0,00', '250,00', '20270105'],
      ['129000', "Résultat de l'exercice (perte)", '250,00', '0,00', '20270105'],
    ]);
  });
  it('come first, then the entries of the period', () => {
    const r = rows(
      fecRows({
        fy: FY2027,
        lines: [line({ entrySeq: '41', accountingDate: '2027-01-04', validDate: '2027-01-04', debit: '1', credit: '0' }), line({ entrySeq: '41', accountingDate: '2027-01-04', validDate: '2027-01-04', accountCode: '512000', aux: 'SICVFRPPXXX', debit: '0', credit: '1' })],
        opening,
        rateOn,
        names: NAMES,
      }),
    );
    expect(r.map((x) => x[0])).toEqual(['AN', 'AN', 'AN', 'AN', 'AN', 'AN', 'AN', 'AN', 'RGL', 'RGL']);
  });
  it('are refused with the rates their foreign lines lack', () => {
    expect(fecRows({ fy: FY2027, lines: [], opening, rateOn: rateBook([]), names: NAMES })).toEqual({ ok: false, missingRates: [{ currency: 'USD', date: '2026-12-15' }], missingNames: [] });
  });
  it("equal the closing balances of the previous year's FEC, account by account (EUR columns), the income statement aside", () => {
    // The 2026 FEC of a few entries, then the 2027 AN from the same journal.
    const journal2026 = [
      line({ entrySeq: '1', debit: '5800', credit: '0' }),
      line({ entrySeq: '1', accountCode: '622000', debit: '5.8', credit: '0' }),
      line({ entrySeq: '1', accountCode: '512000', aux: 'SICVFRPPXXX', debit: '0', credit: '5805.8' }),
      line({ entrySeq: '2', accountingDate: '2026-12-15', currency: 'USD', accountCode: '311000', debit: '333.33', credit: '0' }),
      line({ entrySeq: '2', accountingDate: '2026-12-15', currency: 'USD', accountCode: '311000', debit: '666.67', credit: '0' }),
      line({ entrySeq: '2', accountingDate: '2026-12-15', currency: 'USD', accountCode: '512000', aux: 'DTCYUS33XXX', debit: '0', credit: '1000' }),
      line({ entrySeq: '3', accountingDate: '2026-12-16', currency: 'USD', accountCode: '512000', aux: 'DTCYUS33XXX', debit: '700.01', credit: '0' }),
      line({ entrySeq: '3', accountingDate: '2026-12-16', currency: 'USD', accountCode: '311000', debit: '0', credit: '600' }),
      line({ entrySeq: '3', accountingDate: '2026-12-16', currency: 'USD', accountCode: '767000', debit: '0', credit: '100.01' }),
    ];
    const rates = rateBook([
      { currency: 'USD', date: '2026-12-15', unitsPerEur: '1.07' },
      { currency: 'USD', date: '2026-12-16', unitsPerEur: '1.0913' },
    ]);
    const fec2026 = rows(fecRows({ fy: FY2026, lines: journal2026, opening: null, rateOn: rates, names: NAMES }));
    const eurLines = journal2026.filter((l) => l.currency === 'EUR');
    const byKey = new Map<string, EurBalance>();
    for (const l of eurLines) {
      const k = `${l.accountCode}|${l.aux ?? ''}`;
      const balance = new Dec(byKey.get(k)?.balance ?? '0').plus(l.debit).minus(l.credit).toFixed(2);
      byKey.set(k, { accountCode: l.accountCode, accountName: l.accountName, aux: l.aux, balance, validDate: '2026-11-30' });
    }
    const an = rows(fecRows({ fy: FY2027, lines: [], opening: { eurBalances: [...byKey.values()], foreignLines: journal2026.filter((l) => l.currency !== 'EUR') }, rateOn: rates, names: NAMES }));
    const balances = (rs: string[][]) => {
      const m = new Map<string, bigint>();
      for (const x of rs) if (!isIncomeStatement(x[4]!)) m.set(`${x[4]}|${x[6]}|${x[17]}`, (m.get(`${x[4]}|${x[6]}|${x[17]}`) ?? 0n) + cents(x[11]!) - cents(x[12]!));
      for (const [k, v] of m) if (v === 0n) m.delete(k);
      return m;
    };
    const closing2026 = balances(fec2026);
    const opening2027 = balances(an);
    opening2027.delete('120000||');
    expect(opening2027).toEqual(closing2026);
    // The result carried is the net of classes 6–7 in the 2026 FEC: 5.80 − 100.01 / 1.0913 (91.64) = −85.84.
    expect(an.find((x) => x[4] === '120000')!.slice(11, 13)).toEqual(['0,00', '85,84']);
  });
});

describe('the chart agrees with the PCG classes the à-nouveaux use', () => {
  it('every income-statement account (kind PNL) is of class 6 or 7, and no other is', () => {
    const kinds = { ...EXISTING_ACCOUNT_KINDS, ...Object.fromEntries(CHART_V1.map((a) => [a.code, a.kind])) };
    for (const [code, kind] of Object.entries(kinds)) expect([code, isIncomeStatement(code)]).toEqual([code, kind === 'PNL']);
  });
});
