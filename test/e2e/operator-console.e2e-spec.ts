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
import { mkdirSync } from 'node:fs';
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
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's serious and critical violations on the page as it stands: what an assistive technology user cannot get past. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
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

    await page.getByRole('button', { name: 'Sign in' }).click();
    // The provider's own login page, on its own origin.
    await page.waitForURL((u) => u.toString().startsWith(idp.issuer));
    await page.fill('input[name=login]', 'olivia.operator');
    await page.fill('input[name=password]', 'any');
    await page.getByRole('button', { name: 'Sign-in' }).click();

    await page.waitForURL(`${gateway}/console/`);
    await expect(page.getByTestId('signed-in-as').textContent()).resolves.toBe('Olivia Operator');
    await expect(page.getByTestId('business-day').textContent()).resolves.toBe('26 November 2026 — Status: open');
    const capturedFigure = page.locator('.figure', { hasText: 'Trades captured' }).locator('dd');
    await capturedFigure.filter({ hasText: new RegExp(`^${captured}$`) }).waitFor();
    expect(captured).toBe(36); // 40 executions, one in ten deliberately broken
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'today-en.png'), fullPage: true });

    // The token lives in memory: nothing of it in the browser's storage.
    const stored = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }));
    expect(stored).not.toMatch(/eyJ/);
    await page.context().close();
  });

  it('in French: the words, the date and the figures as French writes them; a reload signs in again without the login page', async () => {
    const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
    await page.goto(`${gateway}/console/`);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL((u) => u.toString().startsWith(idp.issuer));
    await page.fill('input[name=login]', 'sam.supervisor');
    await page.fill('input[name=password]', 'any');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.waitForURL(`${gateway}/console/`);
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
