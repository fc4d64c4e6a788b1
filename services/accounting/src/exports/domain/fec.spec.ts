import { describe, expect, it } from '@jest/globals';
import { checkFec } from '../../../test/builders.js';
import { fecRows, fecText, toLatin9, type FecLine } from './fec.js';

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

describe('the FEC (LPF art. A47 A-1)', () => {
  const lines = [
    line({ accountCode: '903900', accountName: 'Contrepartie des titres à recevoir', debit: '5800', credit: '0' }),
    line({ accountCode: '903100', accountName: 'Titres à recevoir', debit: '0', credit: '5800' }),
    line({ accountCode: '311000', debit: '5800', credit: '0' }),
    line({ accountCode: '622000', accountName: 'Commissions et frais sur titres', debit: '5.8', credit: '0' }),
    line({ accountCode: '512000', accountName: 'Nostro — banques et CSD', aux: 'SICVFRPPXXX', debit: '0', credit: '5805.8' }),
    // A USD entry: 1000.00 USD at 1.05 = 952.38 EUR each side.
    line({ entrySeq: '2', kind: 'PENALTY', currency: 'USD', accountCode: '468100', aux: '529900COUNTERPTY0129', debit: '1000', credit: '0' }),
    line({ entrySeq: '2', kind: 'PENALTY', currency: 'USD', accountCode: '708100', debit: '0', credit: '1000' }),
  ];
  const { rows, problems } = fecRows(lines, (c) => (c === 'USD' ? '1.05' : null));

  it('writes the 18 columns in order, YYYYMMDD dates, comma amounts, both Debit and Credit, the nostro custodian as CompAuxNum', () => {
    expect(problems).toEqual([]);
    expect(rows[4]).toEqual([
      'RGL',
      'Règlements-livraisons',
      '1',
      '20261130',
      '512000',
      'Nostro — banques et CSD',
      'SICVFRPPXXX',
      'SICVFRPPXXX',
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
  it('a foreign-currency line shows its EUR countervalue and the currency amount with its code', () => {
    expect(rows[5]!.slice(11)).toEqual(['952,38', '0,00', '', '', '20261130', '1000,00', 'USD']);
  });
  it('passes the format check with | and with tab', () => {
    expect(checkFec(fecText(rows, '|'), '|')).toEqual([]);
    expect(checkFec(fecText(rows, '\t'), '\t')).toEqual([]);
  });
  it('the check catches a broken file', () => {
    expect(checkFec(fecText([[...rows[0]!.slice(0, 17)]], '|'), '|')).toContain('row 2: 17 columns');
  });
  it('is encoded ISO 8859-15: é is one byte 0xE9, the em dash becomes "-"', () => {
    const b = toLatin9('Règlement — é');
    expect([...b]).toEqual([0x52, 0xe8, 0x67, 0x6c, 0x65, 0x6d, 0x65, 0x6e, 0x74, 0x20, 0x2d, 0x20, 0xe9]);
  });
});
