import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { envelope, Topics } from '@postera/contracts';
import { eodSummary, loadSampleReferential, openDay, publish, referentialImport, sampleDay, waitUntil } from '@postera/devstack';
import { eventHeaders } from '@postera/platform';
import { produceRaw } from '@postera/testing';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { formatAmount } from '../../apps/console/src/format.js';
import { consoleStack, screenshot, seriousViolations, type ConsoleStack } from './console-browser.js';

// The Books, Referential and Operations screens of the console in a real Chromium, against the real
// stack: each figure the screen shows is compared with the API's own answer, formatted as the screen
// formats it; a download's bytes with the API's bytes; a dead letter made on purpose is offered for
// replay through a proposal; the audit log is refused politely to an operator and shown, verified,
// to the auditor. Screenshots go to .local/console-screenshots/.
jest.setTimeout(420_000);

const DAY = '2026-11-26';
const COUNT = 20;
const DEAD_TOPIC = Topics.captureIntake;

type Json = Record<string, unknown>;

/** The cells of each body row of a table, as the screen shows them. */
const cells = (page: Page, testId: string) =>
  page
    .getByTestId(testId)
    .locator('tbody tr')
    // The tests' TypeScript has no DOM types: a row is read as what it is, cells with their text.
    .evaluateAll((trs) =>
      (trs as Array<{ children: ArrayLike<{ textContent: string | null }> }>).map((tr) => Array.from(tr.children, (c) => c.textContent ?? '')),
    );

describe('the console’s books, referential and operations in a real browser', () => {
  let cs: ConsoleStack;
  let deadLetter: { partition: number; offset: string };

  beforeAll(async () => {
    cs = await consoleStack('console-books', { basePort: 6850 });
    const { env } = cs;
    await loadSampleReferential(env.stack);
    await openDay(env.stack, DAY);
    await publish(env.brokers, env.prefix, Topics.tradesExecuted, sampleDay({ tradeDate: DAY, count: COUNT, runId: 'B' }));
    // Every trade captured books its trade-date entry: wait for accounting to have posted them all.
    await waitUntil(
      async () => {
        const s = await eodSummary(env.stack);
        return s.capture.consumed === COUNT && s.capture.captured > 0 && s.accounting.entries >= s.capture.captured;
      },
      'capture to read the executions and accounting to post them',
      120_000,
    );

    // A dead letter: an intake event whose `records` is a string breaks its contract, and its one
    // consumer (reporting) sets it aside on the topic's .dlq.
    const event = envelope({
      type: 'ExecutionsReceived',
      producer: 'capture',
      correlationId: 'intake:e2e-dead-letter',
      causationId: null,
      payload: { businessDate: DAY, receivedAt: `${DAY}T09:15:02.431Z`, outcomes: { CAPTURED: 1 }, records: '1', first: 'x/0/1', last: 'x/0/1' },
    });
    await produceRaw(env.prefix, DEAD_TOPIC, [{ key: 'intake:e2e-dead-letter', value: JSON.stringify(event), headers: eventHeaders(event) }]);
    let letters: Array<{ partition: number; offset: string }> = [];
    await waitUntil(
      async () => (letters = await cs.get(`/api/dlq?topic=${DEAD_TOPIC}`)).length > 0,
      'the broken intake event to reach its dead-letter topic',
      90_000,
    );
    deadLetter = letters[0]!;
  });

  afterAll(async () => {
    await cs?.close();
  });

  it('an operator reads the books of the day as the API gives them and downloads the general ledger byte for byte', async () => {
    const page = await cs.signedIn('olivia.operator');
    await page.getByRole('link', { name: 'Books', exact: true }).click();
    await page.waitForURL(`${cs.gateway}/console/#/books`);

    // The trial balance of the day, one currency: the last the API names, chosen in the picker.
    const balance = await cs.get<Array<Record<'account' | 'name' | 'book' | 'currency' | 'opening' | 'debit' | 'credit' | 'closing', string>>>(
      `/api/exports/trial-balance?from=${DAY}&to=${DAY}`,
    );
    const currency = [...new Set(balance.map((r) => r.currency))].sort().at(-1)!;
    const expected = balance
      .filter((r) => r.currency === currency)
      .map((r) => [r.account, r.name, r.book, ...[r.opening, r.debit, r.credit, r.closing].map((a) => formatAmount(a, 'en-GB', currency))]);
    expect(expected.length).toBeGreaterThan(0);
    await page.getByRole('option', { name: currency, exact: true }).waitFor({ state: 'attached' });
    await page.selectOption('select[name=currency]', currency);
    await waitUntil(async () => JSON.stringify(await cells(page, 'trial-balance')) === JSON.stringify(expected), `the ${currency} trial balance`, 15_000);

    // Cash on the day, as accounting answers it (nothing settled yet on a trade date: then the screen says so).
    const cash = await cs.get<Array<{ currency: string; custodian: string; balance: string }>>(`/api/cash?asOf=${DAY}`);
    const cashRows = cash.map((c) => [c.currency, c.custodian, formatAmount(c.balance, 'en-GB', c.currency)]);
    await waitUntil(async () => JSON.stringify(await cells(page, 'cash')) === JSON.stringify(cashRows), 'the cash balances', 15_000);
    if (cash.length === 0) await page.getByText('No cash movement up to this day.').waitFor();

    // The positions of an account that holds some, chosen in the account picker.
    const accounts = await cs.get<Array<{ account: string }>>('/api/referential/accounts?limit=1000');
    let held: { account: string; rows: string[][] } | null = null;
    for (const a of accounts) {
      const positions = await cs.get<Array<{ isin: string; tradeDateQuantity: string; settlementDateQuantity: string }>>(
        `/api/positions/${encodeURIComponent(a.account)}?asOf=${DAY}`,
      );
      if (positions.length > 0) {
        held = {
          account: a.account,
          rows: positions.map((p) => [p.isin, formatAmount(p.tradeDateQuantity, 'en-GB'), formatAmount(p.settlementDateQuantity, 'en-GB')]),
        };
        break;
      }
    }
    expect(held).not.toBeNull();
    await page.selectOption('select[name=account]', held!.account);
    await waitUntil(
      async () => JSON.stringify((await cells(page, 'positions')).map((r) => r.slice(0, 3))) === JSON.stringify(held!.rows),
      `the positions of ${held!.account}`,
      15_000,
    );

    // The FX results of the day: the API's rows, or the screen's "none" when it has none.
    const fx = await cs.get<{ results: unknown[] }>(`/api/fx/results?from=${DAY}&to=${DAY}`);
    await waitUntil(async () => (await cells(page, 'fx-results')).length === fx.results.length, 'the FX results', 15_000);
    if (fx.results.length === 0) await page.getByText('No FX result on this day.').waitFor();

    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'books-en');

    // The general ledger: fetched with the token, saved by the browser from a blob: the API's very bytes.
    const ledger = Buffer.from(
      await (await fetch(`${cs.gateway}/api/exports/general-ledger?from=${DAY}&to=${DAY}`, { headers: await cs.auth(['operator']) })).arrayBuffer(),
    );
    expect((JSON.parse(ledger.toString('utf8')) as unknown[]).length).toBeGreaterThan(0);
    const [saved] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the general ledger (JSON)' }).click()]);
    expect(saved.suggestedFilename()).toBe(`general-ledger-${DAY}.json`);
    expect((await readFile((await saved.path())!)).equals(ledger)).toBe(true);
    await page
      .getByTestId('download-status')
      .filter({ hasText: `Downloaded: general-ledger-${DAY}.json` })
      .waitFor();

    // The FEC: its bytes when accounting produces it, else the screen says accounting's reason for refusing it.
    const fecAnswer = await fetch(`${cs.gateway}/api/exports/fec?from=${DAY}&to=${DAY}`, { headers: await cs.auth(['operator']) });
    if (fecAnswer.ok) {
      const fec = Buffer.from(await fecAnswer.arrayBuffer());
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the FEC' }).click()]);
      expect((await readFile((await file.path())!)).equals(fec)).toBe(true);
    } else {
      const refusal = ((await fecAnswer.json()) as { message: string }).message;
      await page.getByRole('button', { name: 'Download the FEC' }).click();
      await page.getByTestId('download-status').filter({ hasText: refusal }).waitFor();
    }
    await page.context().close();
  });

  it('the referential screen shows the instruments and parties capture holds', async () => {
    const page = await cs.signedIn('olivia.operator');
    await page.getByRole('link', { name: 'Referential', exact: true }).click();
    await page.waitForURL(`${cs.gateway}/console/#/referential`);

    const instruments = (await cs.get<Array<{ isin: string }>>('/api/referential/instruments?limit=50')).map((i) => i.isin);
    expect(instruments).toEqual(
      referentialImport()
        .instruments.map((i) => i.isin)
        .sort(),
    );
    const keys = async () => (await cells(page, 'referential')).map((r) => r[0]);
    await waitUntil(async () => JSON.stringify(await keys()) === JSON.stringify(instruments), 'the instruments by ISIN', 15_000);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'referential-en');

    const parties = (await cs.get<Array<{ lei: string }>>('/api/referential/parties?limit=50')).map((p) => p.lei);
    expect(parties.length).toBeGreaterThan(0);
    await page.selectOption('select[name=entity]', 'parties');
    await waitUntil(async () => JSON.stringify(await keys()) === JSON.stringify(parties), 'the parties by LEI', 15_000);
    await page.context().close();
  });

  it('an operator proposes the replay of a dead letter and is told the audit log is not for their roles', async () => {
    const page = await cs.signedIn('olivia.operator');
    await page.getByRole('link', { name: 'Operations', exact: true }).click();
    await page.waitForURL(`${cs.gateway}/console/#/operations`);

    // The gateway refuses the audit to an operator; the screen says so politely, not as an error.
    expect((await fetch(`${cs.gateway}/api/audit`, { headers: await cs.auth(['operator']) })).status).toBe(403);
    await page.getByTestId('not-allowed').filter({ hasText: 'Your roles do not allow this.' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);

    await page.selectOption('select[name=topic]', DEAD_TOPIC);
    const place = `${deadLetter.partition}/${deadLetter.offset}`;
    await waitUntil(async () => (await cells(page, 'dead-letters')).some((r) => r[0] === place), `the dead letter ${place}`, 20_000);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'operations-en');

    const row = page.getByTestId('dead-letters').locator('tbody tr', { has: page.getByRole('rowheader', { name: place }) });
    await row.getByRole('button', { name: 'Propose the replay' }).click();
    const said = (await row.getByRole('status').filter({ hasText: 'waits for a second person’s approval' }).textContent())!;
    // The proposal the screen names is the one the gateway holds, pending, for this very letter.
    const pending = await cs.get<Array<{ proposalId: string; kind: string; params: Json }>>('/api/proposals?kind=REPLAY_DLQ', ['supervisor']);
    expect(pending).toHaveLength(1);
    expect(pending[0]!.params).toMatchObject({ topic: DEAD_TOPIC, partition: deadLetter.partition, offset: deadLetter.offset });
    expect(said).toContain(pending[0]!.proposalId);
    await page.context().close();
  });

  it("Today counts the day's dead letters and the parked outbox events; Operations lists a process's parked events as the API gives them", async () => {
    // An event the broker refused for itself (too large), parked in settlement's outbox as the relay parks it.
    await cs.env.db.query(
      `INSERT INTO settlement.outbox_parked (id, event_id, topic, message_key, value, headers, created_at, refusal)
       VALUES (424242, gen_random_uuid(), $1, 'FO-EQ:PARKED', repeat('x', 3000), '{}', now(), 'MESSAGE_TOO_LARGE')`,
      [Topics.settlementEvents],
    );
    type Summary = { reporting: { deadLetters: number | null } };
    // The dead letter made at the start, once reporting has read it from its .dlq.
    await waitUntil(
      async () => ((await cs.get<Summary>(`/api/eod-summary?businessDate=${DAY}`)).reporting.deadLetters ?? 0) > 0,
      'reporting to count the dead letter',
      30_000,
    );
    const deadLetters = (await cs.get<Summary>(`/api/eod-summary?businessDate=${DAY}`)).reporting.deadLetters;
    const parked = await cs.get<{ services: Array<{ service: string; total: number | null }> }>('/api/outbox/parked');
    expect(parked.services.map((p) => [p.service, p.total])).toEqual([
      ['gateway', 0],
      ['capture', 0],
      ['settlement', 1],
      ['accounting', 0],
      ['reporting', 0],
      ['notification', 0],
    ]);

    const page = await cs.signedIn('olivia.operator');
    await page
      .getByTestId('alert-dead-letters')
      .filter({ hasText: `${deadLetters} dead letters today` })
      .waitFor();
    const alert = page.getByTestId('alert-parked-events').filter({ hasText: '1 events parked in the outboxes' });
    await alert.waitFor();
    await alert.getByRole('link').click();
    await page.waitForURL(`${cs.gateway}/console/#/operations`);
    // The first process with events waiting is shown: settlement's.
    await waitUntil(async () => (await cells(page, 'parked-events')).some((r) => r[0] === '424242'), 'the parked event', 15_000);
    const counts = await cells(page, 'parked-counts');
    expect(counts.map((r) => [r[0], r[1]])).toEqual(parked.services.map((p) => [p.service, String(p.total)]));
    const [row] = await cells(page, 'parked-events');
    expect(row!.slice(0, 5)).toEqual(['424242', Topics.settlementEvents, 'FO-EQ:PARKED', '3,000', 'MESSAGE_TOO_LARGE']);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'operations-parked-en');
    await page.context().close();
    await cs.env.db.query(`DELETE FROM settlement.outbox_parked WHERE id = 424242`);
  });

  it('the auditor reads the audit log and its verification as the API gives them', async () => {
    const page = await cs.signedIn('ada.auditor');
    await page.getByRole('link', { name: 'Operations', exact: true }).click();

    const rows = await cs.get<Array<{ seq: number; actor: string; action: string; target: string }>>('/api/audit?after=0&limit=50', ['auditor']);
    expect(rows.map((r) => r.action)).toContain('PROPOSE REPLAY_DLQ');
    const expected = rows.map((r) => [String(r.seq), r.actor, r.action, r.target]);
    await waitUntil(
      async () => JSON.stringify((await cells(page, 'audit')).map((r) => [r[0], r[2], r[3], r[4]])) === JSON.stringify(expected),
      'the audit rows',
      15_000,
    );
    const verdict = await cs.get<{ ok: boolean; headSeq?: number }>('/api/audit/verify', ['auditor']);
    expect(verdict.ok).toBe(true);
    await page
      .getByTestId('audit-verdict')
      .filter({ hasText: `Verified: rows chained and sealed up to no. ${verdict.headSeq}.` })
      .waitFor();
    expect(await page.getByTestId('not-allowed').count()).toBe(0);
    // The dead letter is listed to the auditor, without the replay the gateway would refuse them.
    await page.selectOption('select[name=topic]', DEAD_TOPIC);
    const place = `${deadLetter.partition}/${deadLetter.offset}`;
    await waitUntil(async () => (await cells(page, 'dead-letters')).some((r) => r[0] === place && r[5] === '—'), `the dead letter ${place}, no action`, 20_000);
    expect(await page.getByRole('button', { name: 'Propose the replay' }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'operations-auditor-en');
    await page.context().close();
  });

  it('in French: the books with the figures as French writes them', async () => {
    const page = await cs.signedIn('sam.supervisor', 'fr-FR');
    await page.getByRole('link', { name: 'Comptabilité générale', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Comptabilité générale');

    // The first currency is the one shown until another is chosen.
    const balance = await cs.get<Array<Record<'account' | 'currency' | 'debit' | 'credit', string>>>(`/api/exports/trial-balance?from=${DAY}&to=${DAY}`);
    const currency = [...new Set(balance.map((r) => r.currency))].sort()[0]!;
    const expected = balance
      .filter((r) => r.currency === currency)
      .map((r) => [r.account, formatAmount(r.debit, 'fr-FR', currency), formatAmount(r.credit, 'fr-FR', currency)]);
    expect(expected.length).toBeGreaterThan(0);
    await waitUntil(
      async () => JSON.stringify((await cells(page, 'trial-balance')).map((r) => [r[0], r[4], r[5]])) === JSON.stringify(expected),
      `the ${currency} trial balance in French`,
      15_000,
    );
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'books-fr');
    await page.context().close();
  });
});
