import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { physicalTopic, Topics, type AccountRefV1, type EventEnvelope } from '@postera/contracts';
import { deterministicId } from '@postera/kernel';
import { PEOPLE, REPO_ROOT } from '@postera/devstack';
import { consumeAll, waitFor } from '@postera/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { count, e2eEnv, type E2eEnv } from '../../../test/e2e/harness.js';
import { call } from './capture-fixtures.js';

jest.setTimeout(180_000);

/**
 * A client account's natural person through the built capture process, on the real database and
 * broker: imported (JSON and CSV), stored with the account's version, published on
 * refdata.accounts.v1 as `naturalPerson` (null when none), a change of it a new version, a refusal
 * naming every problem without the personal values, and none of it in the logs.
 */

const JEAN = { firstName: 'Jean', name: 'Dupont', birthDate: '1980-01-01', nationalId: 'FR19800101JEAN#DUPON', scheme: 'CONCAT' } as const;
const account = (id: string, clientName: string) => ({
  account: id,
  clientId: id.replace('CLI-', 'C'),
  clientName,
  accountType: 'CLIENT',
  book: 'CLIENTS',
  language: 'fr',
  baseCurrency: 'EUR',
  accountingCategory: 'PLACEMENT',
  costMethod: 'CMP',
  contacts: [],
});
const PERSON = { ...account('CLI-0101', 'M. Jean Dupont'), naturalPerson: JEAN };
const FOUNDATION = account('CLI-0102', 'Fondation Lumière');
const CSV_HEADER =
  'account,clientId,clientName,accountType,book,language,baseCurrency,accountingCategory,costMethod,firstName,lastName,birthDate,nationalId,nationalIdScheme';

let env: E2eEnv;
let url: string;

/** An import through the API: proposed by an operator, approved by a supervisor. */
const post = (path: string, body: string, contentType: string) =>
  call<Record<string, unknown>>(env.stack, 'POST', `${url}${path}`, PEOPLE.supervisor, { body, contentType, maker: PEOPLE.operator });

async function accountEvents(expected: number): Promise<Array<EventEnvelope<AccountRefV1>>> {
  await waitFor(async () => (await count(env.db, `SELECT count(*) AS n FROM capture.outbox_pending`)) === 0, {
    timeoutMs: 20_000,
    what: 'the outbox relay to publish',
  });
  const messages = await consumeAll(physicalTopic(env.prefix, Topics.refdataAccounts), { expected });
  return messages.map((m) => JSON.parse(m.value) as EventEnvelope<AccountRefV1>);
}

beforeAll(async () => {
  env = await e2eEnv('referential-natural-person', {
    basePort: 4340,
    smtpUrl: 'smtp://127.0.0.1:1',
    services: ['capture'],
    // Every line the service writes, so that the test can say none carries the person.
    serviceEnv: { capture: { LOG_LEVEL: 'trace' } },
  });
  await env.stack.startAll();
  url = env.stack.url('capture');
});

afterAll(async () => {
  await env?.teardown();
});

describe('a client account’s natural person, on the real database and broker', () => {
  it('publishes AccountUpserted with naturalPerson filled for a person and null for an account without one', async () => {
    const res = await post('/referential/import', JSON.stringify({ accounts: [PERSON, FOUNDATION] }), 'application/json');
    expect(res.status).toBe(200);
    expect(res.body.accounts).toEqual({ created: 2, changed: 0, unchanged: 0 });

    const events = await accountEvents(2);
    const person = events.find((e) => e.correlationId === 'CLI-0101')!;
    expect(person.type).toBe('AccountUpserted');
    expect(person.eventId).toBe(deterministicId('AccountUpserted', 'CLI-0101', '1'));
    expect(person.payload).toEqual({ ...PERSON, email: null, netting: false, version: 1 });
    expect(person.payload.naturalPerson).toEqual(JEAN);
    const foundation = events.find((e) => e.correlationId === 'CLI-0102')!;
    expect(foundation.payload.naturalPerson).toBeNull();
    expect(foundation.payload.version).toBe(1);

    // Stored with the account's version, in its columns and in the history of the version.
    const stored = (await call<AccountRefV1[]>(env.stack, 'GET', `${url}/referential/accounts`, PEOPLE.auditor)).body;
    expect(stored.map((a) => [a.account, a.naturalPerson, a.version])).toEqual([
      ['CLI-0101', JEAN, 1],
      ['CLI-0102', null, 1],
    ]);
    const { rows } = await env.db.query(
      `SELECT natural_person_birth_date::text AS birth, natural_person_id_scheme AS scheme FROM capture.accounts WHERE account = 'CLI-0101'`,
    );
    expect(rows).toEqual([{ birth: '1980-01-01', scheme: 'CONCAT' }]);
    const history = await env.db.query(`SELECT data -> 'naturalPerson' AS p FROM capture.referential_history WHERE key = 'CLI-0101' AND version = 1`);
    expect(history.rows).toEqual([{ p: JEAN }]);
  });

  it('makes a change of the natural person a new version, and the same person again no change (CSV)', async () => {
    const same = `${CSV_HEADER}\r\nCLI-0101,C0101,M. Jean Dupont,CLIENT,CLIENTS,fr,EUR,PLACEMENT,CMP,Jean,Dupont,1980-01-01,FR19800101JEAN#DUPON,CONCAT\r\n`;
    expect((await post('/referential/import/accounts', same, 'text/csv')).body.accounts).toEqual({ created: 0, changed: 0, unchanged: 1 });

    // The first name corrected to the full one (and the CONCAT with it, hyphen left out); the foundation stays without a person.
    const changed = [
      CSV_HEADER,
      'CLI-0101,C0101,M. Jean-Pierre Dupont,CLIENT,CLIENTS,fr,EUR,PLACEMENT,CMP,Jean-Pierre,Dupont,1980-01-01,FR19800101JEANPDUPON,CONCAT',
      'CLI-0102,C0102,Fondation Lumière,CLIENT,CLIENTS,fr,EUR,PLACEMENT,CMP,,,,,',
    ].join('\r\n');
    const res = await post('/referential/import/accounts', changed, 'text/csv');
    expect(res.status).toBe(200);
    expect(res.body.accounts).toEqual({ created: 0, changed: 1, unchanged: 1 });

    const events = (await accountEvents(3)).filter((e) => e.correlationId === 'CLI-0101');
    expect(events.map((e) => [e.payload.version, e.payload.naturalPerson?.nationalId])).toEqual([
      [1, 'FR19800101JEAN#DUPON'],
      [2, 'FR19800101JEANPDUPON'],
    ]);
    expect(events[1]!.eventId).toBe(deterministicId('AccountUpserted', 'CLI-0101', '2'));
    expect(events[1]!.payload.naturalPerson).toEqual({ ...JEAN, firstName: 'Jean-Pierre', nationalId: 'FR19800101JEANPDUPON' });
  });

  it('refuses a person with problems, naming each without its value, and writes nothing', async () => {
    const historyBefore = await count(env.db, `SELECT count(*) AS n FROM capture.referential_history`);
    const res = await post(
      '/referential/import',
      JSON.stringify({
        accounts: [
          { ...PERSON, account: 'CLI-0103', naturalPerson: { ...JEAN, birthDate: '1980-01-02', nationalId: 'FR19800101JEAN#DUPONT' } },
          { ...account('PROP-0104', 'House'), accountType: 'PROPRIETARY', accountingCategory: 'TRADING', naturalPerson: JEAN },
          { ...account('CLI-0105', 'Mme Anna Peeters'), naturalPerson: { firstName: 'Anna', name: 'Peeters', birthDate: '1875-06-30' } },
        ],
      }),
      'application/json',
    );
    expect(res.status).toBe(400);
    const problems = res.body.problems as Array<{ row: number; key: string; field: string; rule: string; value?: unknown }>;
    expect(problems.map((p) => `${p.row} ${p.key} ${p.field}`)).toEqual([
      '1 CLI-0103 naturalPerson.nationalId', // 21 characters
      '1 CLI-0103 naturalPerson.nationalId', // 19800101 is not the birth date given
      '2 PROP-0104 naturalPerson', // only on a client account
      '3 CLI-0105 naturalPerson.nationalId', // all or none
      '3 CLI-0105 naturalPerson.scheme',
      '3 CLI-0105 naturalPerson.birthDate', // before 1900
    ]);
    expect(problems.some((p) => 'value' in p)).toBe(false);
    expect(await count(env.db, `SELECT count(*) AS n FROM capture.referential_history`)).toBe(historyBefore);
    expect(await count(env.db, `SELECT count(*) AS n FROM capture.accounts WHERE account IN ('CLI-0103', 'PROP-0104', 'CLI-0105')`)).toBe(0);
  });

  it('holds the rules in the table too: a CONCAT that disagrees with the birth date, or half a person, is refused', async () => {
    await expect(env.db.query(`UPDATE capture.accounts SET natural_person_national_id = 'FR19800102JEANPDUPON' WHERE account = 'CLI-0101'`)).rejects.toThrow(
      /accounts_natural_person_national_id/,
    );
    await expect(env.db.query(`UPDATE capture.accounts SET natural_person_national_id = 'FR19800101JE#NPDUPON' WHERE account = 'CLI-0101'`)).rejects.toThrow(
      /accounts_natural_person_national_id/,
    );
    await expect(env.db.query(`UPDATE capture.accounts SET natural_person_name = NULL WHERE account = 'CLI-0101'`)).rejects.toThrow(
      /accounts_natural_person_whole/,
    );
    await expect(env.db.query(`UPDATE capture.accounts SET account_type = 'PROPRIETARY' WHERE account = 'CLI-0101'`)).rejects.toThrow(
      /accounts_natural_person_client/,
    );
  });

  it('writes none of the person into the service’s logs', () => {
    const log = readFileSync(join(REPO_ROOT, '.local/test-logs', env.prefix, 'capture.log'), 'utf8');
    expect(log.length).toBeGreaterThan(0);
    for (const personal of ['Dupont', 'DUPON', '1980-01-01', '19800101', 'Jean-Pierre', 'Peeters', '1875-06-30']) expect(log).not.toContain(personal);
  });
});
