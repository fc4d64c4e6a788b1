import { describe, expect, it } from '@jest/globals';
import { IMPORT_ROWS_MAX, isBicFormat, validateImport, type ImportProblem, type KnownOwners } from './referential-rules.js';

const NOTHING_STORED: KnownOwners = { accounts: new Set(), leis: new Set() };

const share = {
  isin: 'FR0000120271',
  name: 'TotalEnergies SE',
  instrumentType: 'SHARE',
  currency: 'EUR',
  issuerCountry: 'FR',
  placeOfSettlement: 'SICVFRPPXXX',
  liquidityClass: 'LIQUID_SHARE',
  ttfScopeYears: [2026, 2025],
};
const oat = {
  isin: 'FR0013341682',
  name: 'OAT 0.75% 25 November 2028',
  instrumentType: 'BOND',
  currency: 'EUR',
  issuerCountry: 'FR',
  settlementMarket: 'EU',
  placeOfSettlement: 'SICVFRPPXXX',
  liquidityClass: 'SOVEREIGN_DEBT',
  bond: { couponRate: '0.750', couponFrequency: 1, dayCount: 'ACT/ACT-ICMA', maturityDate: '2028-11-25' },
};
const party = { lei: '529900COUNTERPTY0129', name: 'Contrepartie Alpha SA', country: 'FR', bic: 'ALPHFRPPXXX' };
const account = {
  account: 'CLI-0001',
  clientId: 'C0001',
  clientName: 'Mme Claire Dubois',
  accountType: 'CLIENT',
  book: 'CLIENTS',
  language: 'fr',
  email: 'claire.dubois@example.fr',
  baseCurrency: 'EUR',
  accountingCategory: 'PLACEMENT',
  costMethod: 'CMP',
};
const ssi = { owner: 'CLI-0001', market: 'EU', currency: 'EUR', placeOfSettlement: 'SICVFRPPXXX', safekeepingAccount: 'EF-12345' };
const target = {
  code: 'TARGET',
  holidays: [
    { date: '2026-12-25', name: 'Christmas Day' },
    { date: '2026-01-01', name: "New Year's Day" },
  ],
};

/** The problems as `entity row field` strings: what an operator reads first. */
const where = (problems: ImportProblem[]) => problems.map((p) => `${p.entity ?? '-'} ${p.row ?? '-'} ${p.field}`);

describe('validateImport — a valid import', () => {
  const { rows, problems } = validateImport(
    { instruments: [share, oat], parties: [party], accounts: [account], ssis: [ssi], calendars: [target] },
    NOTHING_STORED,
  );

  it('has no problem', () => expect(problems).toEqual([]));

  it('builds instruments in the published shape: market EU by default, TTF years ascending, the coupon in one spelling', () => {
    expect(rows.instruments).toEqual([
      { ...share, settlementMarket: 'EU', ttfScopeYears: [2025, 2026], bond: null },
      { ...oat, ttfScopeYears: [], bond: { ...oat.bond, couponRate: '0.75' } },
    ]);
  });

  it('reads an account email alone as its one EMAIL contact, netting off by default, no natural person', () => {
    expect(rows.accounts).toEqual([{ ...account, contacts: [{ channel: 'EMAIL', address: 'claire.dubois@example.fr' }], netting: false, naturalPerson: null }]);
  });

  it('takes an SSI owned by an account of the same import, with no cash account nor agent', () => {
    expect(rows.ssis).toEqual([{ ...ssi, cashAccount: null, agentBic: null }]);
  });

  it('leaves description and weekend of a calendar to the stored ones and sorts the holidays by date', () => {
    expect(rows.calendars).toEqual([
      {
        code: 'TARGET',
        description: null,
        weekend: null,
        holidays: [
          { date: '2026-01-01', name: "New Year's Day" },
          { date: '2026-12-25', name: 'Christmas Day' },
        ],
      },
    ]);
  });
});

describe('validateImport — refusals list every problem at once', () => {
  it('names each broken field of an instrument with its row, key, value and rule', () => {
    const { problems } = validateImport(
      {
        instruments: [
          share,
          {
            isin: 'FR0000120272',
            name: ' ',
            instrumentType: 'EQUITY',
            currency: 'EUX',
            issuerCountry: 'fr',
            settlementMarket: 'ASIA',
            placeOfSettlement: 'EUROCLEAR',
            liquidityClass: 'LIQUID',
            ttfScopeYears: [2011, 2026, 2026],
            isinCode: 'x',
          },
        ],
      },
      NOTHING_STORED,
    );
    expect(where(problems)).toEqual([
      'instruments 2 isinCode',
      'instruments 2 isin',
      'instruments 2 name',
      'instruments 2 instrumentType',
      'instruments 2 currency',
      'instruments 2 issuerCountry',
      'instruments 2 settlementMarket',
      'instruments 2 placeOfSettlement',
      'instruments 2 liquidityClass',
      'instruments 2 ttfScopeYears[0]',
      'instruments 2 ttfScopeYears[2]',
    ]);
    expect(problems[1]).toEqual({
      entity: 'instruments',
      row: 2,
      key: 'FR0000120272',
      field: 'isin',
      value: 'FR0000120272',
      rule: expect.stringContaining('check digit'),
    });
    expect(problems[3]!.rule).toBe('one of SHARE, BOND, ETF');
  });

  it('wants bond terms exactly on a BOND, each term valid, the coupon a positive decimal string', () => {
    const { problems } = validateImport(
      {
        instruments: [
          { ...share, ttfScopeYears: [], bond: oat.bond },
          { ...oat, bond: undefined },
          { ...oat, isin: 'FR0010916924', bond: { couponRate: 0.75, couponFrequency: 3, dayCount: 'ACT/365', maturityDate: '2028-02-30' } },
          { ...oat, isin: 'FR0000571218', bond: { couponRate: '0', couponFrequency: 2, dayCount: '30/360', maturityDate: '2029-04-25' } },
          { ...oat, isin: 'FR0011317783', bond: { couponRate: '-1.5', couponFrequency: 2, dayCount: '30/360', maturityDate: '2027-10-25' } },
        ],
      },
      NOTHING_STORED,
    );
    expect(where(problems)).toEqual([
      'instruments 1 bond',
      'instruments 2 bond',
      'instruments 3 bond.couponRate',
      'instruments 3 bond.couponFrequency',
      'instruments 3 bond.dayCount',
      'instruments 3 bond.maturityDate',
      'instruments 4 bond.couponRate',
      'instruments 5 bond.couponRate',
    ]);
    expect(problems[2]).toMatchObject({ key: 'FR0010916924', value: 0.75, rule: expect.stringContaining('positive decimal string') });
  });

  it('keeps the TTF list to shares of French issuers', () => {
    const { problems } = validateImport(
      {
        instruments: [
          { ...share, isin: 'US0378331005', issuerCountry: 'US', ttfScopeYears: [2026] },
          { ...oat, ttfScopeYears: [2026] },
        ],
      },
      NOTHING_STORED,
    );
    expect(where(problems)).toEqual(['instruments 1 ttfScopeYears', 'instruments 2 ttfScopeYears']);
  });

  it('checks parties: LEI check digits, country format, BIC of 8 or 11 characters', () => {
    const { problems } = validateImport(
      {
        parties: [
          { ...party, lei: '529900COUNTERPTY0128' },
          { ...party, lei: '529900COUNTERPTY0226', country: 'FRA', bic: 'ALPHFRPPXX' },
          { ...party, lei: '213800COUNTERPTY0344', bic: 'ALPHFRPP' },
        ],
      },
      NOTHING_STORED,
    );
    expect(where(problems)).toEqual(['parties 1 lei', 'parties 2 country', 'parties 2 bic']);
  });

  it('checks accounts: enumerations, currency, contacts, and email as the first EMAIL contact', () => {
    const { problems } = validateImport(
      {
        accounts: [
          {
            ...account,
            account: 'CLI 0001',
            accountType: 'RETAIL',
            language: 'de',
            baseCurrency: 'XXY',
            accountingCategory: 'HELD_TO_MATURITY',
            costMethod: 'LIFO',
            netting: 'yes',
            email: 'other@example.fr',
            contacts: [
              { channel: 'SMS', address: '+33600000000' },
              { channel: 'EMAIL', address: 'not-an-address' },
              { channel: 'WEBHOOK', address: 'ftp://hooks.example/x' },
            ],
          },
        ],
      },
      NOTHING_STORED,
    );
    expect(where(problems)).toEqual([
      'accounts 1 contacts[0].channel',
      'accounts 1 contacts[1].address',
      'accounts 1 contacts[2].address',
      'accounts 1 email',
      'accounts 1 account',
      'accounts 1 accountType',
      'accounts 1 language',
      'accounts 1 baseCurrency',
      'accounts 1 accountingCategory',
      'accounts 1 costMethod',
      'accounts 1 netting',
    ]);
  });

  it('accepts contacts with email equal to the first EMAIL contact', () => {
    const contacts = [
      { channel: 'WEBHOOK', address: 'https://hooks.example/postera' },
      { channel: 'EMAIL', address: 'claire.dubois@example.fr' },
    ];
    const { rows, problems } = validateImport({ accounts: [{ ...account, contacts }] }, NOTHING_STORED);
    expect(problems).toEqual([]);
    expect(rows.accounts[0]).toMatchObject({ email: 'claire.dubois@example.fr', contacts });
  });

  it('takes a notice delivery policy IMMEDIATE or DAILY; left out, the row has no such field; another value is refused, named', () => {
    const { rows, problems } = validateImport(
      {
        accounts: [
          { ...account, account: 'CLI-0001', noticeDelivery: 'DAILY' },
          { ...account, account: 'CLI-0002', noticeDelivery: 'IMMEDIATE' },
          { ...account, account: 'CLI-0003' },
        ],
      },
      NOTHING_STORED,
    );
    expect(problems).toEqual([]);
    expect(rows.accounts.map((a) => [a.account, a.noticeDelivery])).toEqual([
      ['CLI-0001', 'DAILY'],
      ['CLI-0002', 'IMMEDIATE'],
      ['CLI-0003', undefined],
    ]);
    // Not even an undefined key: the published payload of an account without a policy is unchanged.
    expect(Object.keys(rows.accounts[2]!)).not.toContain('noticeDelivery');

    const refused = validateImport(
      {
        accounts: [
          { ...account, account: 'CLI-0001', noticeDelivery: 'WEEKLY' },
          { ...account, account: 'CLI-0002', noticeDelivery: null },
        ],
      },
      NOTHING_STORED,
    );
    expect(refused.problems).toEqual([
      { entity: 'accounts', row: 1, key: 'CLI-0001', field: 'noticeDelivery', value: 'WEEKLY', rule: 'IMMEDIATE or DAILY (left out: IMMEDIATE)' },
      { entity: 'accounts', row: 2, key: 'CLI-0002', field: 'noticeDelivery', value: null, rule: 'IMMEDIATE or DAILY (left out: IMMEDIATE)' },
    ]);
  });

  it('wants an SSI owner known: an account or party of the import or of the database', () => {
    const stored: KnownOwners = { accounts: new Set(['PROP-TRADING']), leis: new Set(['213800COUNTERPTY0344']) };
    const { problems } = validateImport(
      {
        parties: [party],
        ssis: [
          { ...ssi, owner: 'PROP-TRADING' },
          { ...ssi, owner: '213800COUNTERPTY0344' },
          { ...ssi, owner: '529900COUNTERPTY0129' },
          { ...ssi, owner: 'CLI-0404' },
          { ...ssi, owner: '529900COUNTERPTY0226', market: 'JP', currency: 'JPX', placeOfSettlement: 'JASDEC', safekeepingAccount: '', agentBic: 'X' },
        ],
      },
      stored,
    );
    expect(where(problems)).toEqual([
      'ssis 4 owner',
      'ssis 5 owner',
      'ssis 5 market',
      'ssis 5 currency',
      'ssis 5 placeOfSettlement',
      'ssis 5 safekeepingAccount',
      'ssis 5 agentBic',
    ]);
    expect(problems[0]).toMatchObject({ key: 'CLI-0404:EU:EUR', value: 'CLI-0404' });
  });

  it('checks calendars: code, weekend days, holiday dates and names, a date listed twice', () => {
    const { problems } = validateImport(
      {
        calendars: [
          {
            code: 'target',
            weekend: [0, 7],
            holidays: [
              { date: '2026-12-25', name: 'Christmas Day' },
              { date: '2026-12-25', name: 'Christmas again' },
              { date: '2026-13-01', name: '' },
            ],
          },
          { code: 'US' },
        ],
      },
      NOTHING_STORED,
    );
    expect(where(problems)).toEqual([
      'calendars 1 code',
      'calendars 1 weekend',
      'calendars 1 holidays[1].date',
      'calendars 1 holidays[2].date',
      'calendars 1 holidays[2].name',
      'calendars 2 holidays',
    ]);
  });

  it('refuses a key listed twice, on each repeat', () => {
    const { problems } = validateImport({ instruments: [share, share, share], parties: [party, party] }, NOTHING_STORED);
    expect(where(problems)).toEqual(['instruments 2 isin', 'instruments 3 isin', 'parties 2 lei']);
    expect(problems[0]!.rule).toBe('listed twice in this import');
  });

  it('refuses a body that is not an object, an unknown section, a section that is not a list, and rows that are not objects', () => {
    expect(where(validateImport([share], NOTHING_STORED).problems)).toEqual(['- - (body)']);
    expect(where(validateImport({ instrument: [share], parties: {} }, NOTHING_STORED).problems)).toEqual(['- - instrument', '- - parties']);
    expect(where(validateImport({ parties: ['529900COUNTERPTY0129'] }, NOTHING_STORED).problems)).toEqual(['parties 1 (row)']);
  });

  it(`refuses more than ${IMPORT_ROWS_MAX} rows without looking at them`, () => {
    const { problems } = validateImport({ parties: Array.from({ length: IMPORT_ROWS_MAX + 1 }, () => ({})) }, NOTHING_STORED);
    expect(problems).toEqual([{ entity: null, row: null, key: null, field: '(body)', value: IMPORT_ROWS_MAX + 1, rule: expect.stringContaining('at most') }]);
  });

  it('ignores a version field (rows read back from GET import as they are)', () => {
    expect(validateImport({ parties: [{ ...party, version: 7 }] }, NOTHING_STORED).problems).toEqual([]);
  });
});

describe('isBicFormat (ISO 9362)', () => {
  it.each([
    ['SICVFRPPXXX', true],
    ['DTCYUS33', true],
    ['DTCYUS33XXX', true],
    ['SICVFRPPXX', false],
    ['SICV1RPPXXX', false],
    ['sicvfrppxxx', false],
    ['SICVFRPPXXXX', false],
  ])('%s → %s', (bic, ok) => expect(isBicFormat(bic)).toBe(ok));
});
