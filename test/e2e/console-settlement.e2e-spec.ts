import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Topics } from '@postera/contracts';
import { eodSummary, loadSampleReferential, openDay, publish, sampleConfirmations, sampleDay, waitUntil } from '@postera/devstack';
import type { Page } from 'playwright-core';
import { formatAmount } from '../../apps/console/src/format.js';
import { consoleStack, screenshot, seriousViolations, type ConsoleStack } from './console-browser.js';
import { count } from './harness.js';

// A fail arranged on purpose from the console: a supervisor sets the simulated CSD's scenario (one
// ISIN fails for lack of securities), rolls the days from Today's commands, and the Settlement
// screen shows the fails with their reason and age and the day's penalties, as the API states them;
// Today's charts and alerts count them.
jest.setTimeout(420_000);

const DAY = '2026-11-26';
const SETTLEMENT_DAY = '2026-11-30'; // T+2 on TARGET: Thursday, Friday, Monday

describe('a settlement fail arranged through the console', () => {
  let cs: ConsoleStack;
  const trades = sampleDay({ tradeDate: DAY, count: 12, runId: 'F' });
  // The ISIN the scenario fails: the first trade's, so at least one trade fails.
  const failingIsin = String(trades[0]!.message.isin);
  const failing = trades.filter((t) => t.message.isin === failingIsin).map((t) => `${String(t.message.sourceSystem)}:${String(t.message.tradeId)}`);

  beforeAll(async () => {
    cs = await consoleStack('console-settlement', {
      basePort: 6890,
      services: ['gateway', 'capture', 'settlement', 'accounting', 'reporting', 'notification', 'market-sim'],
    });
    await loadSampleReferential(cs.env.stack);
    await openDay(cs.env.stack, DAY);
  });

  afterAll(async () => {
    await cs?.close();
  });

  /** Today's day commands: the day, the command, then its confirmation naming the day. */
  const dayCommand = async (page: Page, action: 'Open' | 'Close', date: string) => {
    await page.getByRole('link', { name: 'Today', exact: true }).click();
    const commands = page.getByTestId('day-commands');
    if (!(await commands.isVisible())) await page.getByText('Open or close a day').click();
    await page.fill('input[name=business-date]', date);
    await commands.getByRole('button', { name: action, exact: true }).click();
    await commands.getByRole('button', { name: new RegExp(`^Confirm ${action === 'Open' ? 'opening' : 'closing'} `) }).click();
    await page
      .getByTestId('business-day')
      .filter({ hasText: `Status: ${action === 'Open' ? 'open' : 'closed'}` })
      .waitFor();
  };

  it('a supervisor sets the scenario, rolls the days from Today, and sees the fails and their penalties', async () => {
    const sam = await cs.signedIn('sam.supervisor');

    // The scenario: every instruction in the failing ISIN fails, LACK, for three days.
    await sam.getByRole('link', { name: 'Settlement', exact: true }).click();
    await sam.getByTestId('scenario-rules').waitFor();
    await sam.fill('input[name=rule-isin]', failingIsin);
    await sam.selectOption('select[name=rule-outcome]', 'FAIL');
    await sam.fill('input[name=rule-reason]', 'LACK');
    await sam.fill('input[name=rule-days]', '3');
    await sam.getByRole('button', { name: 'Add the rule and apply' }).click();
    await sam.getByTestId('scenario-rules').locator('tbody tr th').filter({ hasText: failingIsin }).waitFor();
    const scenario = await cs.get<{ rules: Array<{ isin?: string; outcome: string; reason?: string; days?: number }>; setBy: { updatedBy: string } | null }>(
      '/api/simulator/scenario',
    );
    expect(scenario.rules).toContainEqual(expect.objectContaining({ isin: failingIsin, outcome: 'FAIL', reason: 'LACK', days: 3 }));
    expect(scenario.setBy?.updatedBy).toBe('sam.supervisor');

    // The day's executions, confirmed by their counterparties: validated, instructed, matched at the CSD.
    await publish(cs.env.brokers, cs.env.prefix, Topics.tradesExecuted, trades);
    await waitUntil(async () => (await count(cs.env.db, `SELECT count(*) AS n FROM capture.trades`)) === trades.length, 'the trades to be captured', 60_000);
    await publish(cs.env.brokers, cs.env.prefix, Topics.confirmationsReceived, sampleConfirmations(trades));
    await waitUntil(
      async () => (await count(cs.env.db, `SELECT count(*) AS n FROM market_sim.instructions`)) === trades.length,
      'every instruction to reach the CSD',
      90_000,
    );

    // Thursday to Monday, from Today's commands.
    await dayCommand(sam, 'Close', DAY);
    await dayCommand(sam, 'Open', '2026-11-27');
    await dayCommand(sam, 'Close', '2026-11-27');
    await dayCommand(sam, 'Open', SETTLEMENT_DAY);
    await dayCommand(sam, 'Close', SETTLEMENT_DAY);

    // The fails, as settlement lists them: the failing ISIN's trades, LACK, aged from their intended date.
    await waitUntil(
      async () => (await cs.get<{ fails: unknown[] }>('/api/fails')).fails.length === failing.length,
      `the ${failing.length} instruction(s) in ${failingIsin} to fail`,
      90_000,
    );
    const fails = (await cs.get<{ fails: Array<{ tradeRef: string; reason: string; ageBusinessDays: number }> }>('/api/fails')).fails;
    expect(fails.map((f) => f.tradeRef).sort()).toEqual([...failing].sort());
    for (const f of fails) expect(f.reason).toBe('LACK');
    for (const f of fails) expect(f.ageBusinessDays).toBeGreaterThanOrEqual(1);
    // The penalties of Monday, once each has its reference price.
    await waitUntil(
      async () => {
        const daily = await cs.get<{ penalties: Array<{ tradeRef: string; amount: string | null }> }>(`/api/penalties/daily?date=${SETTLEMENT_DAY}`);
        return daily.penalties.filter((p) => failing.includes(p.tradeRef) && p.amount !== null).length === failing.length;
      },
      'the penalties of the fails to accrue',
      90_000,
    );
    const daily = (await cs.get<{ penalties: Array<{ tradeRef: string; amount: string; currency: string }> }>(`/api/penalties/daily?date=${SETTLEMENT_DAY}`))
      .penalties;

    await sam.getByRole('link', { name: 'Settlement', exact: true }).click();
    const failRows = sam.getByTestId('fails').locator('tbody tr');
    await waitUntil(async () => (await failRows.count()) === failing.length, 'the fails on screen', 15_000);
    for (const f of fails) {
      const row = failRows.filter({ hasText: f.tradeRef });
      await expect(row.locator('td').nth(3).textContent()).resolves.toBe('LACK');
      await expect(row.locator('td').nth(5).textContent()).resolves.toBe(String(f.ageBusinessDays));
    }
    // The day's penalties: each amount as the API gives it, written the English way (the console's own formatting).
    await sam.fill('input[name=penalty-day]', SETTLEMENT_DAY);
    const penaltyRows = sam.getByTestId('penalties-daily').locator('tbody tr');
    await waitUntil(async () => (await penaltyRows.count()) === daily.length, 'the penalties on screen', 15_000);
    for (const p of daily) {
      const row = penaltyRows.filter({ hasText: p.tradeRef });
      await expect(row.locator('td').nth(6).textContent()).resolves.toBe(formatAmount(p.amount, 'en-GB'));
      await expect(row.locator('td').nth(7).textContent()).resolves.toBe(p.currency);
    }
    expect(await seriousViolations(sam)).toEqual([]);
    await screenshot(sam, 'settlement-en');

    // Today: the fails by reason and the alert, the same count.
    await sam.getByRole('link', { name: 'Today', exact: true }).click();
    await sam
      .getByTestId('fails-by-reason')
      .locator('.bar', { hasText: 'LACK' })
      .locator('.figure-text')
      .filter({ hasText: String(failing.length) })
      .waitFor();
    await expect(sam.getByTestId('alert-failing').textContent()).resolves.toBe(`${failing.length} failing instructions`);
    const summary = await eodSummary(cs.env.stack);
    expect(summary.settlement.failing).toBe(failing.length);
    expect(await seriousViolations(sam)).toEqual([]);
    await screenshot(sam, 'today-after-close-en');
    await sam.context().close();
  });
});
