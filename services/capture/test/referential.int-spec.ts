import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  AccountRefV1Schema,
  physicalTopic,
  Topics,
  type AccountRefV1,
  type CalendarRefV1,
  type EventEnvelope,
  type InstrumentRefV1,
  type PartyRefV1,
} from '@postera/contracts';
import { PEOPLE } from '@postera/devstack';
import { deterministicId, leiWithCheckDigits, TARGET } from '@postera/kernel';
import type { Person } from '@postera/platform';
import { consumeAll, endOffsets, waitFor } from '@postera/testing';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EntityManager } from 'typeorm';
import { count, e2eEnv, type E2eEnv } from '../../../test/e2e/harness.js';
import { loadReferential } from '../src/referential/referential.reader.js';
import { loadByKeys } from '../src/referential/persistence/referential.repository.js';
import { call } from './capture-fixtures.js';

jest.setTimeout(180_000);

/**
 * The referential on the real database and broker, through the built capture process: the sample
 * file loaded at boot, versioning (identical rows change nothing, a change is a new version with
 * its history row and its event), CSV imports, refusals that list every problem, and the reader
 * the trade pipeline uses.
 */

/** The sample referential the service ships, loaded at boot here as REFERENTIAL_FILE. */
const SAMPLE_FILE = fileURLToPath(new URL('../referential/sample-referential.json', import.meta.url));
type Unversioned<T> = Omit<T, 'version'>;
const sample = JSON.parse(readFileSync(SAMPLE_FILE, 'utf8')) as {
  instruments: Array<Unversioned<InstrumentRefV1>>;
  parties: Array<Unversioned<PartyRefV1>>;
  accounts: Array<Unversioned<AccountRefV1>>;
  calendars: Array<Unversioned<CalendarRefV1>>;
};
const ROWS = { instruments: 11, parties: 3, accounts: 5, ssis: 16, calendars: 2 };
const TOTAL_ENERGIES = sample.instruments.find((i) => i.isin === 'FR0000120271')!;
const NEW_LEI = leiWithCheckDigits('969500SAMPLEDELTA0');

let env: E2eEnv;
let url: string;

const { operator: olivia, operator2: oscar, supervisor: sam, supervisor2: sue, auditor: ada, admin: alan } = PEOPLE;

/** An import through the API: proposed by `maker`, approved by sam (a supervisor). */
const post = (path: string, body: string, contentType: string, maker: Person = olivia) =>
  call<Record<string, unknown>>(env.stack, 'POST', `${url}${path}`, sam, { body, contentType, maker });
const postJson = (path: string, body: unknown, maker?: Person) => post(path, JSON.stringify(body), 'application/json', maker);
const postCsv = (entity: string, text: string, maker?: Person) => post(`/referential/import/${entity}`, text, 'text/csv', maker);

async function get<T>(path: string): Promise<T> {
  const res = await call<T>(env.stack, 'GET', `${url}${path}`, ada);
  expect(res.status).toBe(200);
  return res.body;
}

/** Messages on a refdata topic so far (the sum of its partitions' end offsets). */
async function published(topic: string): Promise<number> {
  const ends = await endOffsets(physicalTopic(env.prefix, topic));
  return [...ends.values()].reduce((n, o) => n + Number(o), 0);
}

async function outboxDrained(): Promise<void> {
  await waitFor(async () => (await count(env.db, `SELECT count(*) AS n FROM capture.outbox_pending`)) === 0, {
    timeoutMs: 20_000,
    what: 'the outbox relay to publish',
  });
}

const historyRows = () => count(env.db, `SELECT count(*) AS n FROM capture.referential_history`);

beforeAll(async () => {
  env = await e2eEnv('referential', {
    basePort: 4300,
    smtpUrl: 'smtp://127.0.0.1:1',
    services: ['capture'],
    serviceEnv: { capture: { REFERENTIAL_FILE: SAMPLE_FILE } },
  });
  await env.stack.startAll();
  url = env.stack.url('capture');
});

afterAll(async () => {
  await env?.teardown();
});

describe('the capture referential, on the real database and broker', () => {
  it('imports REFERENTIAL_FILE at boot: every row at version 1, one FILE history row and one event each', async () => {
    const instruments = await get<InstrumentRefV1[]>('/referential/instruments');
    expect(instruments.map((i) => i.isin)).toEqual(sample.instruments.map((i) => i.isin).sort());
    expect(instruments.every((i) => i.version === 1)).toBe(true);
    expect(instruments.find((i) => i.isin === 'FR0013341682')).toEqual({ ...sample.instruments.find((i) => i.isin === 'FR0013341682'), version: 1 });
    expect((await get<unknown[]>('/referential/parties')).length).toBe(ROWS.parties);
    expect((await get<unknown[]>('/referential/accounts')).length).toBe(ROWS.accounts);
    expect((await get<unknown[]>('/referential/ssis')).length).toBe(ROWS.ssis);
    const calendars = await get<Array<{ code: string; holidays: Array<{ date: string; name: string }>; version: number }>>('/referential/calendars');
    expect(calendars.map((c) => [c.code, c.holidays.length, c.version])).toEqual([
      ['TARGET', 37, 1],
      ['US', 82, 1],
    ]);
    expect(calendars[0]!.holidays).toContainEqual({ date: '2026-04-03', name: 'Good Friday' });
    expect(calendars[1]!.holidays).toContainEqual({ date: '2026-07-03', name: 'Independence Day (observed)' });

    expect(
      await count(
        env.db,
        `SELECT count(*) AS n FROM capture.referential_history WHERE source = 'FILE' AND changed_by IS NULL AND approved_by IS NULL AND version = 1`,
      ),
    ).toBe(37);
    expect(await historyRows()).toBe(37);

    await outboxDrained();
    expect(await published(Topics.refdataInstruments)).toBe(ROWS.instruments);
    expect(await published(Topics.refdataParties)).toBe(ROWS.parties);
    expect(await published(Topics.refdataAccounts)).toBe(ROWS.accounts);
    expect(await published(Topics.refdataSsis)).toBe(ROWS.ssis);
    expect(await published(Topics.refdataCalendars)).toBe(ROWS.calendars);
    const cal = await consumeAll(physicalTopic(env.prefix, Topics.refdataCalendars), { expected: 2 });
    const targetEvent = cal
      .map((m) => JSON.parse(m.value) as EventEnvelope<{ holidays: unknown[]; version: number }>)
      .find((e) => e.correlationId === 'TARGET')!;
    expect(targetEvent.eventId).toBe(deterministicId('CalendarUpserted', 'TARGET', '1'));
    expect(targetEvent.payload.holidays).toHaveLength(37);
    expect(targetEvent.payload.version).toBe(1);
  });

  it('re-importing the same referential through the API changes nothing and publishes nothing', async () => {
    const before = { instruments: await published(Topics.refdataInstruments), ssis: await published(Topics.refdataSsis) };
    const res = await postJson('/referential/import', sample);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      instruments: { created: 0, changed: 0, unchanged: 11 },
      parties: { created: 0, changed: 0, unchanged: 3 },
      accounts: { created: 0, changed: 0, unchanged: 5 },
      ssis: { created: 0, changed: 0, unchanged: 16 },
      calendars: { created: 0, changed: 0, unchanged: 2 },
    });
    expect(await historyRows()).toBe(37);
    expect(await count(env.db, `SELECT count(*) AS n FROM capture.instruments WHERE version <> 1`)).toBe(0);
    // Nothing was written to the outbox; give the relay time to prove it published nothing either.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await published(Topics.refdataInstruments)).toBe(before.instruments);
    expect(await published(Topics.refdataSsis)).toBe(before.ssis);
  });

  it('a changed instrument gets version 2, a history row naming both people, and one new event; changed back, version 3 and one more', async () => {
    const renamed = { ...TOTAL_ENERGIES, name: 'TotalEnergies SE (renamed)' };
    const res = await postJson('/referential/import', { instruments: [renamed] }, olivia);
    expect(res.status).toBe(200);
    expect(res.body.instruments).toEqual({ created: 0, changed: 1, unchanged: 0 });

    const stored = (await get<InstrumentRefV1[]>('/referential/instruments')).find((i) => i.isin === TOTAL_ENERGIES.isin);
    expect(stored).toEqual({ ...renamed, version: 2 });
    const history = await get<Array<{ version: number; source: string; changedBy: string | null; approvedBy: string | null; data: InstrumentRefV1 }>>(
      `/referential/history?entity=instruments&key=${TOTAL_ENERGIES.isin}`,
    );
    expect(history.map((h) => [h.version, h.source, h.changedBy, h.approvedBy, h.data.name])).toEqual([
      [1, 'FILE', null, null, 'TotalEnergies SE'],
      [2, 'API', olivia.id, sam.id, 'TotalEnergies SE (renamed)'],
    ]);

    await outboxDrained();
    expect(await published(Topics.refdataInstruments)).toBe(ROWS.instruments + 1);
    const events = (await consumeAll(physicalTopic(env.prefix, Topics.refdataInstruments), { expected: ROWS.instruments + 1 }))
      .filter((m) => m.key === TOTAL_ENERGIES.isin)
      .map((m) => JSON.parse(m.value) as EventEnvelope<InstrumentRefV1>);
    expect(events.map((e) => [e.type, e.payload.version, e.payload.name])).toEqual([
      ['InstrumentUpserted', 1, 'TotalEnergies SE'],
      ['InstrumentUpserted', 2, 'TotalEnergies SE (renamed)'],
    ]);
    expect(events[1]!.eventId).toBe(deterministicId('InstrumentUpserted', TOTAL_ENERGIES.isin, '2'));

    // Back to the first content: a new version (so a new event id), which consumers must see.
    const back = await postJson('/referential/import', { instruments: [TOTAL_ENERGIES] }, oscar);
    expect(back.body.instruments).toEqual({ created: 0, changed: 1, unchanged: 0 });
    await outboxDrained();
    expect(await published(Topics.refdataInstruments)).toBe(ROWS.instruments + 2);
    expect((await get<InstrumentRefV1[]>('/referential/instruments')).find((i) => i.isin === TOTAL_ENERGIES.isin)).toEqual({ ...TOTAL_ENERGIES, version: 3 });
  });

  it('imports parties from CSV: quoted names kept exactly, unchanged rows left alone', async () => {
    const csv = [
      'lei,name,country,bic',
      '529900COUNTERPTY0129,Contrepartie Alpha SA,FR,ALPHFRPPXXX',
      '529900COUNTERPTY0226,"Counterparty ""Beta"", GmbH",DE,BETADEFFXXX',
      `${NEW_LEI},Delta Securities SA,FR,`,
    ].join('\r\n');
    const res = await postCsv('parties', `${csv}\r\n`, sue);
    expect(res.status).toBe(200);
    expect(res.body.parties).toEqual({ created: 1, changed: 1, unchanged: 1 });
    const parties = await get<Array<{ lei: string; name: string; bic: string | null; version: number }>>('/referential/parties');
    expect(parties.map((p) => [p.lei, p.name, p.bic, p.version])).toEqual([
      ['213800COUNTERPTY0344', 'Counterparty Gamma Ltd', 'GAMMGB2LXXX', 1],
      ['529900COUNTERPTY0129', 'Contrepartie Alpha SA', 'ALPHFRPPXXX', 1],
      ['529900COUNTERPTY0226', 'Counterparty "Beta", GmbH', 'BETADEFFXXX', 2],
      [NEW_LEI, 'Delta Securities SA', null, 1],
    ]);
    expect(
      await count(env.db, `SELECT count(*) AS n FROM capture.referential_history WHERE entity = 'parties' AND changed_by = $1 AND approved_by = $2`, [
        sue.id,
        sam.id,
      ]),
    ).toBe(2);
    await outboxDrained();
    expect(await published(Topics.refdataParties)).toBe(ROWS.parties + 2);
  });

  it('refuses an import with problems, listing every one with entity, row and field, and writes nothing', async () => {
    const historyBefore = await historyRows();
    const res = await postJson('/referential/import', {
      instruments: [
        { ...TOTAL_ENERGIES, isin: 'FR0000120272' },
        { ...TOTAL_ENERGIES, isin: 'FR0010916924', instrumentType: 'BOND', ttfScopeYears: [] },
        { ...TOTAL_ENERGIES, isin: 'FR0000571218', name: 'New share that must not be stored' },
      ],
      parties: [{ lei: '529900COUNTERPTY0129', name: 'Contrepartie Alpha SA', country: 'FR', bic: 'ALPHFRPP1' }],
      ssis: [{ owner: 'CLI-9999', market: 'EU', currency: 'EUR', placeOfSettlement: 'SICVFRPPXXX', safekeepingAccount: 'X' }],
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('referential refused; nothing was imported');
    const problems = res.body.problems as Array<{ entity: string; row: number; key: string; field: string }>;
    expect(problems.map((p) => `${p.entity} ${p.row} ${p.key} ${p.field}`)).toEqual([
      'instruments 1 FR0000120272 isin',
      'instruments 2 FR0010916924 bond',
      'parties 1 529900COUNTERPTY0129 bic',
      'ssis 1 CLI-9999:EU:EUR owner',
    ]);
    expect(await historyRows()).toBe(historyBefore);
    expect(await count(env.db, `SELECT count(*) AS n FROM capture.instruments WHERE isin = 'FR0000571218'`)).toBe(0);

    const csv = await postCsv(
      'instruments',
      'isin,name,instrumentType,currency,issuerCountry,placeOfSettlement,liquidityClass\r\n' +
        'FR0000571218,A,SHARE,EUR,FR,SICVFRPPXXX,LIQUID_SHARE\r\n' +
        'XX,B,SHARE,EUR,FR,SICVFRPPXXX,LIQUID_SHARE\r\n',
    );
    expect(csv.status).toBe(400);
    expect((csv.body.problems as Array<{ row: number; field: string }>).map((p) => [p.row, p.field])).toEqual([[3, 'isin']]);
    expect(await count(env.db, `SELECT count(*) AS n FROM capture.instruments WHERE isin = 'FR0000571218'`)).toBe(0);
  });

  it("carries an account's notice delivery policy on refdata.accounts.v1 when set, leaves the event as it was when not, and refuses another value", async () => {
    const carter = sample.accounts.find((a) => a.account === 'CLI-0003')!;
    const daily = { ...carter, account: 'CLI-0103', clientId: 'C0103', noticeDelivery: 'DAILY' as const };
    const none = { ...carter, account: 'CLI-0104', clientId: 'C0104' };
    const accountsBefore = await published(Topics.refdataAccounts);
    const res = await postJson('/referential/import', { accounts: [daily, none] });
    expect(res.status).toBe(200);
    expect(res.body.accounts).toEqual({ created: 2, changed: 0, unchanged: 0 });
    expect(
      (await env.db.query(`SELECT account, notice_delivery FROM capture.accounts WHERE account = ANY($1) ORDER BY account`, [['CLI-0103', 'CLI-0104']])).rows,
    ).toEqual([
      { account: 'CLI-0103', notice_delivery: 'DAILY' },
      { account: 'CLI-0104', notice_delivery: null },
    ]);

    await outboxDrained();
    expect(await published(Topics.refdataAccounts)).toBe(accountsBefore + 2);
    const payloads = new Map(
      (await consumeAll(physicalTopic(env.prefix, Topics.refdataAccounts), { expected: accountsBefore + 2 }))
        .filter((m) => m.key === 'CLI-0103' || m.key === 'CLI-0104')
        .map((m) => [m.key, (JSON.parse(m.value) as EventEnvelope<Record<string, unknown>>).payload]),
    );
    expect(payloads.get('CLI-0103')).toMatchObject({ account: 'CLI-0103', noticeDelivery: 'DAILY', version: 1 });
    // Without a policy the payload has no such key at all: what consumers received before it existed.
    expect(Object.keys(payloads.get('CLI-0104')!)).not.toContain('noticeDelivery');
    expect(Object.keys(payloads.get('CLI-0104')!).sort()).toEqual(
      Object.keys(payloads.get('CLI-0103')!)
        .filter((k) => k !== 'noticeDelivery')
        .sort(),
    );
    // Both are valid AccountRefV1 payloads for the consumers that parse the contract.
    expect(AccountRefV1Schema.parse(payloads.get('CLI-0103')).noticeDelivery).toBe('DAILY');
    expect(AccountRefV1Schema.parse(payloads.get('CLI-0104')).noticeDelivery).toBeUndefined();

    // Read back as GET returns them, the rows import unchanged: no version, no event.
    const accounts = await get<Array<Record<string, unknown>>>('/referential/accounts');
    const readBack = accounts.filter((a) => a.account === 'CLI-0103' || a.account === 'CLI-0104');
    expect(readBack.map((a) => [a.account, a.noticeDelivery, 'noticeDelivery' in a])).toEqual([
      ['CLI-0103', 'DAILY', true],
      ['CLI-0104', undefined, false],
    ]);
    const again = await postJson('/referential/import', { accounts: readBack });
    expect(again.body.accounts).toEqual({ created: 0, changed: 0, unchanged: 2 });

    const historyBefore = await historyRows();
    const refused = await postJson('/referential/import', { accounts: [{ ...none, account: 'CLI-0105', noticeDelivery: 'WEEKLY' }] });
    expect(refused.status).toBe(400);
    expect(refused.body.problems).toEqual([
      { entity: 'accounts', row: 1, key: 'CLI-0105', field: 'noticeDelivery', value: 'WEEKLY', rule: 'IMMEDIATE or DAILY (left out: IMMEDIATE)' },
    ]);
    expect(await historyRows()).toBe(historyBefore);
    expect(await count(env.db, `SELECT count(*) AS n FROM capture.accounts WHERE account = 'CLI-0105'`)).toBe(0);
    // The table holds the rule too: no other path stores another value.
    await expect(env.db.query(`UPDATE capture.accounts SET notice_delivery = 'WEEKLY' WHERE account = 'CLI-0103'`)).rejects.toThrow(/check constraint/);
    await outboxDrained();
    expect(await published(Topics.refdataAccounts)).toBe(accountsBefore + 2);
  });

  it('bounds CSV imports: 413 past 1 MiB, 415 for another content type, 400 for an unknown entity', async () => {
    const big = `lei,name,country\r\n${'x'.repeat(1024 * 1024)}`;
    expect((await postCsv('parties', big)).status).toBe(413);
    expect((await post('/referential/import/parties', 'lei,name,country\r\n', 'text/plain')).status).toBe(415);
    expect((await postCsv('counterparties', 'lei\r\n')).status).toBe(400);
    expect((await call(env.stack, 'GET', `${url}/referential/history?entity=trades`, olivia)).status).toBe(400);
  });

  it('replaces a calendar’s holidays from CSV, keeping its description, and the reader builds calendars from that data', async () => {
    const stored = (await get<Array<{ code: string; description: string; holidays: unknown[] }>>('/referential/calendars'))[0]!;
    const holidays = sample.calendars.find((c) => c.code === 'TARGET')!.holidays;
    const csv = ['code,date,name', ...holidays.map((h) => `TARGET,${h.date},"${h.name}"`), 'TARGET,2026-06-15,Sample closure'].join('\r\n');
    const res = await postCsv('calendar-holidays', csv, oscar);
    expect(res.status).toBe(200);
    expect(res.body.calendars).toEqual({ created: 0, changed: 1, unchanged: 0 });
    const after = (await get<Array<{ code: string; description: string; holidays: unknown[]; version: number }>>('/referential/calendars'))[0]!;
    expect([after.description, after.holidays.length, after.version]).toEqual([stored.description, 38, 2]);

    // The reader, as the trade pipeline calls it, on the same database; every query counted.
    let queries = 0;
    const tx = {
      query: async (sql: string, params?: unknown[]) => {
        queries++;
        return (await env.db.query(sql, params)).rows;
      },
    } as unknown as EntityManager;
    const one = await loadReferential(tx, { accounts: ['CLI-0001'], isins: ['FR0013341682'], leis: ['213800COUNTERPTY0344'] });
    const queriesForOne = queries;
    queries = 0;
    const all = await loadReferential(tx, {
      accounts: sample.accounts.map((a) => a.account).concat('CLI-9999'),
      isins: sample.instruments.map((i) => i.isin),
      leis: sample.parties.map((p) => p.lei),
    });
    expect([queriesForOne, queries]).toEqual([1, 1]); // one round trip per batch, whatever its size
    expect([all.accounts.size, all.instruments.size, all.parties.size]).toEqual([5, 11, 3]);
    // Read through JSON in that one query, each row is what the entity's own read returns through the driver.
    expect(all.accounts).toEqual(await loadByKeys(tx, 'accounts', [...all.accounts.keys()]));
    expect(all.instruments).toEqual(await loadByKeys(tx, 'instruments', [...all.instruments.keys()]));
    expect(all.parties).toEqual(await loadByKeys(tx, 'parties', [...all.parties.keys()]));

    expect(one.instruments.get('FR0013341682')!.bond).toEqual({ couponRate: '0.75', couponFrequency: 1, dayCount: 'ACT/ACT-ICMA', maturityDate: '2028-11-25' });
    expect(one.accounts.get('CLI-0001')).toMatchObject({
      costMethod: 'CMP',
      accountingCategory: 'PLACEMENT',
      contacts: [{ channel: 'EMAIL', address: 'claire.dubois@example.fr' }],
      naturalPerson: { firstName: 'Claire', name: 'Dubois', birthDate: '1972-03-14', nationalId: 'FR19720314CLAIRDUBOI', scheme: 'CONCAT' },
      version: 1,
    });
    expect(all.accounts.get('PROP-TRADING')).toMatchObject({ naturalPerson: null });
    expect(one.parties.get('213800COUNTERPTY0344')).toMatchObject({ bic: 'GAMMGB2LXXX', version: 1 });
    expect(one.ssi('CLI-0001', 'EU', 'EUR')).toMatchObject({ placeOfSettlement: 'SICVFRPPXXX', agentBic: 'PARBFRPPXXX' });
    expect(one.ssi('213800COUNTERPTY0344', 'US', 'USD')).toMatchObject({ placeOfSettlement: 'DTCYUS33XXX', cashAccount: null });
    expect(one.ssi('CLI-0001', 'EU', 'USD')).toBeUndefined();
    // The imported closure is in the calendar read from data, which the kernel's rule-based TARGET does not know.
    expect(TARGET.isBusinessDay('2026-06-15')).toBe(true);
    expect(one.calendar('TARGET')!.isBusinessDay('2026-06-15')).toBe(false);
    expect(one.calendar('TARGET')!.isBusinessDay('2026-04-03')).toBe(false);
    expect(one.calendar('TARGET')!.isBusinessDay('2026-04-02')).toBe(true);
    expect(one.calendar('US')!.isBusinessDay('2026-07-03')).toBe(false);
    expect(one.calendar('XETR')).toBeUndefined();
  });

  it('pages every list by key with `after`: each row once, in order, as the whole list has it; 400 for a bad limit or cursor, 404 for one naming no row', async () => {
    type Row = Record<string, unknown>;
    // Pages of `limit` rows (2 unless said): each list spreads over several pages.
    const lists: Array<{ path: string; key: (r: Row) => string; stored: string; malformed: string[]; unknown: string; limit?: number }> = [
      {
        path: '/referential/instruments',
        key: (r) => r.isin as string,
        stored: `SELECT isin AS k FROM capture.instruments ORDER BY isin`,
        malformed: ['FR000012027', 'fr0000120271', 'FR0000120271:1'],
        unknown: 'FR0000120272',
      },
      {
        path: '/referential/parties',
        key: (r) => r.lei as string,
        stored: `SELECT lei AS k FROM capture.parties ORDER BY lei`,
        malformed: ['529900COUNTERPTY012', '529900COUNTERPTY01A9'],
        unknown: '529900COUNTERPTY0130',
      },
      {
        path: '/referential/accounts',
        key: (r) => r.account as string,
        stored: `SELECT account AS k FROM capture.accounts ORDER BY account`,
        malformed: ['CLI 0001', 'CLI:0001', 'C'.repeat(65)],
        unknown: 'CLI-0000',
      },
      {
        path: '/referential/ssis',
        key: (r) => `${r.owner as string}:${r.market as string}:${r.currency as string}`,
        stored: `SELECT owner || ':' || market || ':' || currency AS k FROM capture.ssis ORDER BY 1`,
        malformed: ['CLI-0001:EU', 'CLI-0001:EU:EURO', 'CLI-0001:XX:EUR'],
        unknown: 'CLI-0001:EU:USD',
      },
      {
        path: '/referential/calendars',
        key: (r) => r.code as string,
        stored: `SELECT code AS k FROM capture.calendars ORDER BY code`,
        malformed: ['target', 'T'.repeat(17)],
        unknown: 'EUREX',
        limit: 1,
      },
      {
        path: '/referential/history?entity=instruments',
        key: (r) => `${r.key as string}:${r.version as number}`,
        stored: `SELECT key || ':' || version AS k FROM capture.referential_history WHERE entity = 'instruments' ORDER BY key, version`,
        malformed: ['FR0000120271', 'FR0000120271:0', 'CLI-0001:1'],
        unknown: 'FR0000120271:99',
      },
      {
        path: '/referential/history?entity=ssis',
        key: (r) => `${r.key as string}:${r.version as number}`,
        stored: `SELECT key || ':' || version AS k FROM capture.referential_history WHERE entity = 'ssis' ORDER BY key, version`,
        malformed: ['CLI-0001:EU:EUR', 'CLI-0001:EU:1'],
        unknown: 'CLI-0001:EU:EUR:2',
      },
      {
        path: `/referential/history?entity=instruments&key=${TOTAL_ENERGIES.isin}`,
        key: (r) => `${r.key as string}:${r.version as number}`,
        stored: `SELECT key || ':' || version AS k FROM capture.referential_history WHERE entity = 'instruments' AND key = '${TOTAL_ENERGIES.isin}' ORDER BY version`,
        malformed: [`${TOTAL_ENERGIES.isin}:x`],
        unknown: `${TOTAL_ENERGIES.isin}:99`,
      },
    ];
    for (const list of lists) {
      const LIMIT = list.limit ?? 2;
      const at = (q: string) => `${url}${list.path}${list.path.includes('?') ? '&' : '?'}${q}`;
      const stored = (await env.db.query<{ k: string }>(list.stored)).rows.map((r) => r.k);
      expect([list.path, stored.length > LIMIT]).toEqual([list.path, true]);
      const whole = await get<Row[]>(list.path);

      const paged: Row[] = [];
      let after: string | undefined;
      let pages = 0;
      while (pages < 100) {
        const res = await call<Row[]>(env.stack, 'GET', at(`limit=${LIMIT}${after === undefined ? '' : `&after=${encodeURIComponent(after)}`}`), ada);
        expect([list.path, after, res.status]).toEqual([list.path, after, 200]);
        pages++;
        expect(res.body.length).toBeLessThanOrEqual(LIMIT);
        paged.push(...res.body);
        if (res.body.length < LIMIT) break;
        after = list.key(res.body.at(-1)!);
      }
      expect([list.path, pages]).toEqual([list.path, Math.floor(stored.length / LIMIT) + 1]);
      // Every stored row once, in the list's order, each exactly as the unpaged list shows it.
      expect([list.path, paged.map(list.key)]).toEqual([list.path, stored]);
      expect(paged).toEqual(whole);

      for (const limit of ['0', '1001', '2.5', 'two'])
        expect([list.path, limit, (await call(env.stack, 'GET', at(`limit=${limit}`), ada)).status]).toEqual([list.path, limit, 400]);
      for (const after of list.malformed) {
        const res = await call(env.stack, 'GET', at(`after=${encodeURIComponent(after)}`), ada);
        expect([list.path, after, res.status]).toEqual([list.path, after, 400]);
      }
      const unknown = await call<{ message: string }>(env.stack, 'GET', at(`after=${encodeURIComponent(list.unknown)}`), ada);
      expect([list.path, unknown.status]).toEqual([list.path, 404]);
      expect(unknown.body.message).toContain(list.unknown);
    }
  });
});

describe('who may call capture, on the real process', () => {
  const instruments = () => `${url}/referential/instruments`;
  const importUrl = () => `${url}/referential/import`;
  const renamed = (name: string) => ({ instruments: [{ ...TOTAL_ENERGIES, name }] });
  const versionOfTotal = async () =>
    (await env.db.query<{ version: number }>(`SELECT version FROM capture.instruments WHERE isin = $1`, [TOTAL_ENERGIES.isin])).rows[0]!.version;

  it('refuses a call without a token, with a token for another service, or with a token minted for another path (401)', async () => {
    expect((await call(env.stack, 'GET', instruments(), null)).status).toBe(401);
    expect((await call(env.stack, 'POST', importUrl(), null, { body: renamed('no token') })).status).toBe(401);

    const forSettlement = await env.stack.gatewayKey.headers('settlement', 'GET', instruments(), olivia);
    expect((await call(env.stack, 'GET', instruments(), null, { headers: forSettlement })).status).toBe(401);

    const forParties = await env.stack.as(olivia, 'GET', `${url}/referential/parties`);
    expect((await call(env.stack, 'GET', instruments(), null, { headers: forParties })).status).toBe(401);
    const forGet = await env.stack.as(sam, 'GET', importUrl(), { maker: olivia });
    expect((await call(env.stack, 'POST', importUrl(), null, { body: renamed('wrong method'), headers: forGet })).status).toBe(401);

    // The platform's probes stay open.
    expect((await call(env.stack, 'GET', `${url}/health/live`, null)).status).toBe(200);
  });

  it('lets every reader role read (2xx), and refuses one that is none (403)', async () => {
    for (const who of [olivia, sam, ada, alan]) expect([who.id, (await call(env.stack, 'GET', instruments(), who)).status]).toEqual([who.id, 200]);
    expect((await call(env.stack, 'GET', `${url}/summary`, ada)).status).toBe(200);
    expect((await call(env.stack, 'GET', instruments(), { id: 'nobody', name: 'Nobody', roles: [] })).status).toBe(403);
  });

  it('refuses a change of two people made by one (403), and changes nothing', async () => {
    const history = await historyRows();
    const version = await versionOfTotal();
    const tradesBefore = await count(env.db, `SELECT count(*) AS n FROM capture.trades`);

    // One person alone, whatever their role.
    for (const who of [olivia, sam, alan]) {
      expect([who.id, (await call(env.stack, 'POST', importUrl(), who, { body: renamed(`by ${who.id} alone`) })).status]).toEqual([who.id, 403]);
    }
    const csvAlone = await call(env.stack, 'POST', `${url}/referential/import/parties`, olivia, { body: 'lei,name,country\r\n', contentType: 'text/csv' });
    expect(csvAlone.status).toBe(403);
    const trade = {
      sourceSystem: 'DESK',
      tradeId: 'WHO-1',
      tradeDate: '2026-11-26',
      side: 'BUY',
      isin: TOTAL_ENERGIES.isin,
      quantity: '1',
      price: '1',
      currency: 'EUR',
      account: 'CLI-0001',
      counterparty: '529900COUNTERPTY0129',
    };
    expect((await call(env.stack, 'POST', `${url}/trades`, olivia, { body: trade })).status).toBe(403);
    expect((await call(env.stack, 'POST', `${url}/trades/DESK%3AWHO-1/approve`, sam)).status).toBe(403);
    expect((await call(env.stack, 'POST', `${url}/exceptions/00000000-0000-0000-0000-000000000000/reject`, sam, { body: { comment: 'x' } })).status).toBe(403);

    // Two names, one person: the maker approving their own proposal.
    const selfApproved = await call(env.stack, 'POST', importUrl(), sam, { body: renamed('self-approved'), maker: sam });
    expect(selfApproved.status).toBe(403);
    expect(selfApproved.body.problems).toEqual([`maker-checker: ${sam.id} proposed this change and cannot also approve it`]);
    // A checker without the checker's role, and a maker without a maker's.
    expect((await call(env.stack, 'POST', importUrl(), oscar, { body: renamed('checked by an operator'), maker: olivia })).status).toBe(403);
    expect((await call(env.stack, 'POST', importUrl(), sam, { body: renamed('made by an auditor'), maker: ada })).status).toBe(403);

    expect(await historyRows()).toBe(history);
    expect(await versionOfTotal()).toBe(version);
    expect(await count(env.db, `SELECT count(*) AS n FROM capture.trades`)).toBe(tradesBefore);
    expect(await count(env.db, `SELECT count(*) AS n FROM capture.four_eyes_approvals WHERE maker = checker`)).toBe(0);
  });

  it('applies an approved change once: the same four-eyes token again is refused (409)', async () => {
    const history = await historyRows();
    const version = await versionOfTotal();
    const headers = await env.stack.as(sam, 'POST', importUrl(), { proposal: 'proposal-who-may-call', maker: olivia });
    const body = renamed('TotalEnergies SE (approved once)');

    const first = await call(env.stack, 'POST', importUrl(), null, { body, headers });
    expect([first.status, first.body.instruments]).toEqual([200, { created: 0, changed: 1, unchanged: 0 }]);
    const replayed = await call(env.stack, 'POST', importUrl(), null, { body, headers });
    expect(replayed.status).toBe(409);

    expect(await historyRows()).toBe(history + 1);
    expect(await versionOfTotal()).toBe(version + 1);
    const last = await env.db.query(`SELECT changed_by, approved_by FROM capture.referential_history WHERE key = $1 ORDER BY version DESC LIMIT 1`, [
      TOTAL_ENERGIES.isin,
    ]);
    expect(last.rows).toEqual([{ changed_by: olivia.id, approved_by: sam.id }]);
    const spent = await env.db.query(`SELECT maker, checker, method, path FROM capture.four_eyes_approvals WHERE proposal_id = 'proposal-who-may-call'`);
    expect(spent.rows).toEqual([{ maker: olivia.id, checker: sam.id, method: 'POST', path: '/referential/import' }]);
  });

  it('holds both people in the table too: an API history row without its checker, or checked by its maker, is refused', async () => {
    const row = [TOTAL_ENERGIES.isin, JSON.stringify(TOTAL_ENERGIES)];
    await expect(
      env.db.query(
        `INSERT INTO capture.referential_history (entity, key, version, data, source, changed_by) VALUES ('instruments', $1, 99, $2, 'API', 'x')`,
        row,
      ),
    ).rejects.toThrow(/referential_history_api_checked/);
    await expect(
      env.db.query(
        `INSERT INTO capture.referential_history (entity, key, version, data, source, changed_by, approved_by) VALUES ('instruments', $1, 99, $2, 'API', 'x', 'x')`,
        row,
      ),
    ).rejects.toThrow(/referential_history_two_people/);
  });
});
