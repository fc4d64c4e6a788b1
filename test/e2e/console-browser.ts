import { CONSOLE_CLIENT_ID, DemoSignIns, gatewayTrust, REPO_ROOT, startOidcIssuer, type OidcIssuer, type ServiceName } from '@postera/devstack';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { e2eEnv, type E2eEnv } from './harness.js';

// What every browser test of the console shares: a real OpenID provider the gateway trusts, the
// stack signed in through it, Debian's Chromium, the provider's login page, axe-core and the
// screenshots folder the README names.

export const SCREENSHOTS = join(REPO_ROOT, '.local/console-screenshots');
const AUDIENCE = 'postera-gateway';
// axe-core's source, evaluated in the page through the DevTools protocol: the console's CSP (its own
// scripts only) refuses a script tag added to it, as it should.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface ConsoleStack {
  env: E2eEnv;
  idp: OidcIssuer;
  browser: Browser;
  /** The gateway's origin, e.g. http://127.0.0.1:6800. */
  gateway: string;
  /** A new page in its own browser context (its own cookies: its own person), in a locale. */
  page(locale?: string): Promise<Page>;
  /** The console's sign-in button, then the provider's own login page on its own origin, then back with the code. */
  signIn(page: Page, login: string, button?: string): Promise<void>;
  /** A new page of the console in a locale (en-GB or fr-FR), its person signed in through the provider. */
  signedIn(login: string, locale?: 'en-GB' | 'fr-FR'): Promise<Page>;
  /** Headers for a direct API call as someone with these roles (to compare the screen with the API). */
  auth(roles: string[]): Promise<Record<string, string>>;
  /** Headers for a direct API call as one demo person, signed in through the provider. */
  as(login: string): Promise<Record<string, string>>;
  /** A GET of the API as someone with these roles (an operator unless said), its JSON; a refusal throws with the gateway's words. */
  get<T>(path: string, roles?: string[]): Promise<T>;
  close(): Promise<void>;
}

export async function consoleStack(
  label: string,
  o: { basePort: number; services?: ServiceName[]; env?: Record<string, string>; serviceEnv?: E2eEnv['stack']['o']['serviceEnv'] },
): Promise<ConsoleStack> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const gateway = `http://127.0.0.1:${o.basePort}`;
  const idp = await startOidcIssuer({ port: 0, redirectUris: [`${gateway}/console/`], resource: `${gateway}/api`, audience: AUDIENCE });
  const signIns = new DemoSignIns((login) => ({
    issuer: idp.issuer,
    clientId: CONSOLE_CLIENT_ID,
    redirectUri: `${gateway}/console/`,
    resource: `${gateway}/api`,
    login,
  }));
  const env = await e2eEnv(label, {
    basePort: o.basePort,
    smtpUrl: 'smtp://127.0.0.1:1',
    services: o.services ?? ['gateway', 'capture', 'settlement', 'accounting', 'reporting', 'notification'],
    env: o.env,
    serviceEnv: { ...(o.serviceEnv ?? {}), gateway: { ...gatewayTrust(idp, AUDIENCE, `${gateway}/api`), ...(o.serviceEnv?.gateway ?? {}) } },
    operatorToken: (roles) => signIns.tokenFor(roles),
  });
  await env.stack.startAll();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  const newPage = async (locale = 'en-GB') => (await browser.newContext({ locale, acceptDownloads: true })).newPage();
  const signIn = async (page: Page, login: string, button = 'Sign in') => {
    await page.getByRole('button', { name: button }).click();
    await page.waitForURL((u) => u.toString().startsWith(idp.issuer));
    await page.fill('input[name=login]', login);
    await page.fill('input[name=password]', 'any');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.waitForURL(`${gateway}/console/`);
  };
  return {
    env,
    idp,
    browser,
    gateway,
    page: newPage,
    signIn,
    async signedIn(login, locale = 'en-GB') {
      const page = await newPage(locale);
      await page.goto(`${gateway}/console/`);
      await signIn(page, login, locale === 'fr-FR' ? 'Se connecter' : 'Sign in');
      return page;
    },
    auth: (roles) => env.stack.auth(roles as Parameters<E2eEnv['stack']['auth']>[0]),
    as: async (login) => ({ authorization: `Bearer ${await signIns.token(login)}` }),
    async get<T>(path: string, roles = ['operator']) {
      const res = await fetch(`${gateway}${path}`, { headers: await env.stack.auth(roles as Parameters<E2eEnv['stack']['auth']>[0]) });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async close() {
      await browser.close();
      await env.teardown();
      await idp.close();
    },
  };
}

/** axe-core's serious and critical violations on the page as it stands: what an assistive technology user cannot get past. */
export async function seriousViolations(page: Page): Promise<string[]> {
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

/** A full-page screenshot of the screen as it stands, in the folder the README names. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
