import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Topics } from '@postera/contracts';
import {
  CONSOLE_CLIENT_ID,
  DemoSignIns,
  eodSummary,
  gatewayTrust,
  loadSampleReferential,
  openDay,
  publish,
  REPO_ROOT,
  sampleDay,
  startOidcIssuer,
  waitUntil,
  type OidcIssuer,
} from '@postera/devstack';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { e2eEnv, type E2eEnv } from './harness.js';

// The operators' console in a real Chromium (Debian's, driven by playwright-core), against the real
// stack and a real OpenID provider: sign-in with the authorization code and PKCE through the
// provider's login page, the token kept in memory only, the Today screen in English and French with
// the day's figures, and an accessibility check (axe-core) of each screen with no serious violation.
// Screenshots of each screen go to .local/console-screenshots/.
jest.setTimeout(300_000);

const BASE_PORT = 6800;
const DAY = '2026-11-26';
const AUDIENCE = 'postera-gateway';
const SCREENSHOTS = join(REPO_ROOT, '.local/console-screenshots');
// axe-core's source, evaluated in the page through the DevTools protocol: the console's CSP (its own
// scripts only) refuses a script tag added to it, as it should.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it stands: what an assistive technology user cannot get past. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const result = (await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: unknown[] }> }> } })
      .axe;
    return axe.run();
  })) as { violations: Array<{ id: string; impact: string; help: string; nodes: unknown[] }> };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}, ${v.nodes.length} element(s)`);
}

describe('the operators’ console in a real browser', () => {
  let env: E2eEnv;
  let idp: OidcIssuer;
  let browser: Browser;
  let captured = 0;
  const gateway = `http://127.0.0.1:${BASE_PORT}`;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    idp = await startOidcIssuer({ port: 0, redirectUris: [`${gateway}/console/`], resource: `${gateway}/api`, audience: AUDIENCE });
    const signIns = new DemoSignIns((login) => ({
      issuer: idp.issuer,
      clientId: CONSOLE_CLIENT_ID,
      redirectUri: `${gateway}/console/`,
      resource: `${gateway}/api`,
      login,
    }));
    env = await e2eEnv('console', {
      basePort: BASE_PORT,
      smtpUrl: 'smtp://127.0.0.1:1',
      services: ['gateway', 'capture', 'settlement', 'accounting', 'reporting', 'notification'],
      serviceEnv: { gateway: gatewayTrust(idp, AUDIENCE, `${gateway}/api`) },
      operatorToken: (roles) => signIns.tokenFor(roles),
    });
    await env.stack.startAll();
    await loadSampleReferential(env.stack);
    await openDay(env.stack, DAY);
    const trades = sampleDay({ tradeDate: DAY, count: 40, runId: 'C', invalidEvery: 10 });
    await publish(env.brokers, env.prefix, Topics.tradesExecuted, trades);
    await waitUntil(async () => (await eodSummary(env.stack)).capture.consumed === 40, 'capture to read the 40 executions', 120_000);
    captured = (await eodSummary(env.stack)).capture.captured;
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  });

  /** The console's sign-in button, then the provider's own login page on its own origin, then back with the code. */
  const signInThroughProvider = async (page: Page, button: string, login: string) => {
    await page.getByRole('button', { name: button }).click();
    await page.waitForURL((u) => u.toString().startsWith(idp.issuer));
    await page.fill('input[name=login]', login);
    await page.fill('input[name=password]', 'any');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.waitForURL(`${gateway}/console/`);
  };

  afterAll(async () => {
    await browser?.close();
    await env?.teardown();
    await idp?.close();
  });

  it('an operator signs in through the OpenID provider (code + PKCE) and reads Today: the business day and the figures of the day', async () => {
    const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    await page.goto(`${gateway}/console/`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'sign-in.png'), fullPage: true });

    await signInThroughProvider(page, 'Sign in', 'olivia.operator');
    await expect(page.getByTestId('signed-in-as').textContent()).resolves.toBe('Olivia Operator');
    await expect(page.getByTestId('business-day').textContent()).resolves.toBe('26 November 2026 — Status: open');
    const capturedFigure = page.locator('.figure', { hasText: 'Trades captured' }).locator('dd');
    await capturedFigure.filter({ hasText: new RegExp(`^${captured}$`) }).waitFor();
    expect(captured).toBe(36); // 40 executions, one in ten deliberately broken
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'today-en.png'), fullPage: true });

    // The blotter: the 36 unconfirmed trades (CAPTURED), 25 a page, paged and filtered by the server.
    await page.getByRole('link', { name: 'Trades' }).click();
    await page.waitForURL(`${gateway}/console/#/trades`);
    const rows = page.getByTestId('blotter').locator('tbody tr');
    await rows.nth(24).waitFor();
    expect(await rows.count()).toBe(25);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'trades-en.png'), fullPage: true });
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByTestId('page').filter({ hasText: 'Page 2' }).waitFor();
    await waitUntil(async () => (await rows.count()) === 11, 'the second page: the 11 trades after the first 25', 15_000);
    await expect(page.getByRole('button', { name: 'Next page' }).isDisabled()).resolves.toBe(true);
    // One ISIN: exactly the rows the API holds for it.
    const isin = (await rows.first().locator('td').nth(3).textContent())!;
    const expected = (
      (await (await fetch(`${gateway}/api/trades?isin=${isin}&limit=500`, { headers: await env.stack.auth(['operator']) })).json()) as Array<{
        tradeRef: string;
      }>
    ).map((t) => t.tradeRef);
    await page.fill('input[name=isin]', isin);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByTestId('page').filter({ hasText: 'Page 1' }).waitFor();
    // The rows of the page before stay shown until the answer comes (no flicker): wait for the answer's.
    const shown = async () => (await rows.locator('th').allTextContents()).join(' ');
    await waitUntil(async () => (await shown()) === expected.slice(0, 25).join(' '), `the blotter to show the ${isin} trades`, 15_000);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(36);

    // The exceptions queue: the 4 broken executions, each with every rule it broke, as capture holds them.
    const queue = (await (await fetch(`${gateway}/api/exceptions?kind=INPUT`, { headers: await env.stack.auth(['operator']) })).json()) as Array<{
      reasons: Array<{ field: string; rule: string }>;
    }>;
    expect(queue).toHaveLength(4);
    await page.getByRole('link', { name: 'Exceptions to work' }).click();
    await page.waitForURL(`${gateway}/console/#/exceptions`);
    const cards = page.getByTestId('exceptions').locator('li');
    await waitUntil(async () => (await cards.count()) === 4, 'the four open exceptions', 15_000);
    for (const [i, x] of queue.entries()) expect(await cards.nth(i).locator('tbody tr th').allTextContents()).toEqual(x.reasons.map((r) => r.field));
    await expect(cards.first().locator('p').first().textContent()).resolves.toMatch(/trades\.executed\.v1 · replays tried: 0$/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'exceptions-en.png'), fullPage: true });

    // The token lives in memory: nothing of it in the browser's storage.
    const stored = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }));
    expect(stored).not.toMatch(/eyJ/);
    await page.context().close();
  });

  it('in French: the words, the date and the figures as French writes them; a reload signs in again without the login page', async () => {
    const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
    await page.goto(`${gateway}/console/`);
    await signInThroughProvider(page, 'Se connecter', 'sam.supervisor');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Aujourd’hui');
    await expect(page.getByTestId('business-day').textContent()).resolves.toBe('26 novembre 2026 — Statut : ouverte');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('fr');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'today-fr.png'), fullPage: true });

    // A reload forgets the token (memory only); the provider's session signs in again at once.
    await page.reload();
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${gateway}/console/`);
    await expect(page.getByTestId('signed-in-as').textContent()).resolves.toBe('Sam Supervisor');
    await page.context().close();
  });
});
