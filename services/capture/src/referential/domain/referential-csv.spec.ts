import { describe, expect, it } from '@jest/globals';
import { csvToImport } from './referential-csv.js';
import { validateImport, type KnownOwners } from './referential-rules.js';

const NOTHING_STORED: KnownOwners = { accounts: new Set(), leis: new Set() };
const lines = (...l: string[]) => `${l.join('\r\n')}\r\n`;

/** CSV → import shape → the rules, as the service does; problems as `row field`. */
function importCsv(entity: Parameters<typeof csvToImport>[0], text: string) {
  const csv = csvToImport(entity, text);
  if (csv.problems.length > 0) return { rows: null, problems: csv.problems.map((p) => `${p.row ?? '-'} ${p.field}`) };
  const v = validateImport(csv.body, NOTHING_STORED, { rowOf: csv.rowOf, holidaysAsRows: entity === 'calendar-holidays', fieldNames: csv.fieldNames });
  return { rows: v.rows, problems: v.problems.map((p) => `${p.row ?? '-'} ${p.field}`) };
}

describe('csvToImport', () => {
  it('reads instruments: bond columns into bond terms, TTF years split on ";", empty cells left out', () => {
    const { rows, problems } = importCsv(
      'instruments',
      lines(
        'isin,name,instrumentType,currency,issuerCountry,settlementMarket,placeOfSettlement,liquidityClass,ttfScopeYears,couponRate,couponFrequency,dayCount,maturityDate',
        'FR0000120271,TotalEnergies SE,SHARE,EUR,FR,,SICVFRPPXXX,LIQUID_SHARE,2025;2026,,,,',
        'US037833AL42,"Apple Inc. 3.85% 4 May 2043",BOND,USD,US,US,DTCYUS33XXX,OTHER_DEBT,,3.85,2,30/360,2043-05-04',
      ),
    );
    expect(problems).toEqual([]);
    expect(rows!.instruments).toEqual([
      expect.objectContaining({ isin: 'FR0000120271', settlementMarket: 'EU', ttfScopeYears: [2025, 2026], bond: null }),
      expect.objectContaining({
        isin: 'US037833AL42',
        name: 'Apple Inc. 3.85% 4 May 2043',
        settlementMarket: 'US',
        bond: { couponRate: '3.85', couponFrequency: 2, dayCount: '30/360', maturityDate: '2043-05-04' },
      }),
    ]);
  });

  it('names problems by the row of the file, an unconvertible cell passed on as it is', () => {
    const csv = csvToImport(
      'instruments',
      lines(
        'isin,name,instrumentType,currency,issuerCountry,placeOfSettlement,liquidityClass,ttfScopeYears,couponRate,couponFrequency,dayCount,maturityDate',
        '',
        'FR0013341682,OAT,BOND,EUR,FR,SICVFRPPXXX,SOVEREIGN_DEBT,,0.75,twice,ACT/ACT-ICMA,',
      ),
    );
    const v = validateImport(csv.body, NOTHING_STORED, { rowOf: csv.rowOf });
    expect(v.problems.map((p) => `${p.row} ${p.field} ${JSON.stringify(p.value)}`)).toEqual([
      '3 bond.couponFrequency "twice"',
      '3 bond.maturityDate undefined',
    ]);
  });

  it('reads accounts: contacts as CHANNEL:address separated by ";", netting true/false, the notice delivery policy', () => {
    const { rows, problems } = importCsv(
      'accounts',
      lines(
        'account,clientId,clientName,accountType,book,language,baseCurrency,accountingCategory,costMethod,contacts,netting,noticeDelivery',
        'CLI-0004,C0004,Fondation Lumière,CLIENT,CLIENTS,fr,EUR,PLACEMENT,CMP,EMAIL:tresorerie@fondation-lumiere.example;WEBHOOK:https://hooks.example/a?b=c,true,DAILY',
      ),
    );
    expect(problems).toEqual([]);
    expect(rows!.accounts[0]).toMatchObject({
      noticeDelivery: 'DAILY',
      email: 'tresorerie@fondation-lumiere.example',
      contacts: [
        { channel: 'EMAIL', address: 'tresorerie@fondation-lumiere.example' },
        { channel: 'WEBHOOK', address: 'https://hooks.example/a?b=c' },
      ],
      netting: true,
    });
  });

  it("reads an account's natural person from its five columns, and names a problem by its column", () => {
    const header =
      'account,clientId,clientName,accountType,book,language,baseCurrency,accountingCategory,costMethod,firstName,lastName,birthDate,nationalId,nationalIdScheme';
    const { rows, problems } = importCsv(
      'accounts',
      lines(
        header,
        'CLI-0042,C0042,M. Jean Dupont,CLIENT,CLIENTS,fr,EUR,PLACEMENT,CMP,Jean,Dupont,1980-01-01,FR19800101JEAN#DUPON,CONCAT',
        'CLI-0043,C0043,Fondation Lumière,CLIENT,CLIENTS,fr,EUR,PLACEMENT,CMP,,,,,',
      ),
    );
    expect(problems).toEqual([]);
    expect(rows!.accounts.map((a) => a.naturalPerson)).toEqual([
      { firstName: 'Jean', name: 'Dupont', birthDate: '1980-01-01', nationalId: 'FR19800101JEAN#DUPON', scheme: 'CONCAT' },
      null,
    ]);

    const bad = importCsv(
      'accounts',
      lines(
        header,
        'CLI-0042,C0042,M. Jean Dupont,CLIENT,CLIENTS,fr,EUR,PLACEMENT,CMP,Jean,,1980-01-01,FR19800102JEAN#DUPON,CONCAT',
        'CLI-0044,C0044,Mme Anna Peeters,CLIENT,CLIENTS,fr,EUR,PLACEMENT,CMP,Anna,Peeters,30/06/1975,BE75063012345,PASSPORT',
      ),
    );
    expect(bad.problems).toEqual(['2 lastName', '2 nationalId', '3 birthDate', '3 nationalIdScheme']);
  });

  it('groups calendar-holidays rows by code, naming a bad holiday by its own row', () => {
    const ok = importCsv(
      'calendar-holidays',
      lines('code,date,name', 'TARGET,2026-12-25,Christmas Day', 'US,2026-07-03,Independence Day', 'TARGET,2026-01-01,New Year'),
    );
    expect(ok.problems).toEqual([]);
    expect(ok.rows!.calendars).toEqual([
      {
        code: 'TARGET',
        description: null,
        weekend: null,
        holidays: [
          { date: '2026-01-01', name: 'New Year' },
          { date: '2026-12-25', name: 'Christmas Day' },
        ],
      },
      { code: 'US', description: null, weekend: null, holidays: [{ date: '2026-07-03', name: 'Independence Day' }] },
    ]);
    const bad = importCsv(
      'calendar-holidays',
      lines('code,date,name', 'TARGET,2026-12-25,Christmas Day', 'US,2026-07-03,Independence Day', 'TARGET,25/12/2026,'),
    );
    expect(bad.problems).toEqual(['4 date', '4 name']);
  });

  it('refuses a header with unknown or missing columns, and rows of the wrong length, before reading values', () => {
    expect(importCsv('parties', lines('lei,name,pays', '529900COUNTERPTY0129,Alpha,FR')).problems).toEqual(['1 pays', '1 country']);
    expect(importCsv('parties', lines('lei,name,country', '529900COUNTERPTY0129,Alpha', '529900COUNTERPTY0226,"Beta, GmbH",DE,x')).problems).toEqual([
      '2 (row)',
      '3 (row)',
    ]);
    expect(importCsv('parties', '').problems).toEqual(['1 (header)']);
    expect(importCsv('parties', lines('lei,name,country', '5299,"Alpha"x,FR')).problems).toEqual(['2 (column 2)']);
  });

  it('reads a party name with a comma and quotes exactly', () => {
    const { rows, problems } = importCsv('parties', lines('lei,name,country,bic', '529900COUNTERPTY0226,"Counterparty ""Beta"", GmbH",DE,'));
    expect(problems).toEqual([]);
    expect(rows!.parties).toEqual([{ lei: '529900COUNTERPTY0226', name: 'Counterparty "Beta", GmbH', country: 'DE', bic: null }]);
  });
});
