import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Topics } from '@postera/contracts';
import { eodSummary, loadSampleReferential, openDay, publish, SAMPLE_REFERENTIAL, sampleDay, waitUntil } from '@postera/devstack';
import { Dec } from '@postera/kernel';
import { consoleStack, screenshot, seriousViolations, type ConsoleStack } from './console-browser.js';

// The operators' console in a real Chromium (Debian's, driven by playwright-core), against the real
// stack and a real OpenID provider: sign-in with the authorization code and PKCE through the
// provider's login page, the token kept in memory only, the Today screen in English and French with
// the day's figures, the blotter and the exceptions against the API's answers, and an accessibility
// check (axe-core) of each screen with no serious violation. Screenshots go to .local/console-screenshots/.
jest.setTimeout(300_000);

const DAY = '2026-11-26';

describe('the operators’ console in a real browser', () => {
  let cs: ConsoleStack;
  let captured = 0;
  const trades = sampleDay({ tradeDate: DAY, count: 40, runId: 'C', invalidEvery: 10 });
  const gateway = 'http://127.0.0.1:6800';

  beforeAll(async () => {
    cs = await consoleStack('console', { basePort: 6800 });
    const { env } = cs;
    await loadSampleReferential(env.stack);
    await openDay(env.stack, DAY);
    await publish(env.brokers, env.prefix, Topics.tradesExecuted, trades);
    await waitUntil(async () => (await eodSummary(env.stack)).capture.consumed === 40, 'capture to read the 40 executions', 120_000);
    captured = (await eodSummary(env.stack)).capture.captured;
  });

  afterAll(async () => {
    await cs?.close();
  });

  it('an operator signs in through the OpenID provider (code + PKCE) and reads Today: the business day and the figures of the day', async () => {
    const page = await cs.page('en-GB');
    await page.goto(`${gateway}/console/`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in');

    await cs.signIn(page, 'olivia.operator');
    await expect(page.getByTestId('signed-in-as').textContent()).resolves.toBe('Olivia Operator');
    await expect(page.getByTestId('business-day').textContent()).resolves.toBe('26 November 2026 — Status: open');
    const capturedFigure = page.locator('.figure', { hasText: 'Trades captured' }).locator('dd');
    await capturedFigure.filter({ hasText: new RegExp(`^${captured}$`) }).waitFor();
    expect(captured).toBe(36); // 40 executions, one in ten deliberately broken
    // The executions by hour: the captured ones (every tenth broken), by the hour written in their
    // time (+01:00 in November is Paris time), as the chart writes them.
    const perHour = new Map<string, number>();
    for (const [i, t] of trades.entries()) {
      if ((i + 1) % 10 === 0) continue;
      const hour = `${String(t.message.executedAt).slice(11, 13)}:00`;
      perHour.set(hour, (perHour.get(hour) ?? 0) + 1);
    }
    const hourly = page.getByTestId('executions-by-hour').locator('.bar');
    await hourly.first().waitFor();
    const drawn = await hourly.allInnerTexts();
    expect(drawn.map((b) => b.split(/\s+/).join(' '))).toEqual([...perHour.entries()].sort().map(([h, n]) => `${h} ${n}`));
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'today-en');

    // The blotter: the 36 unconfirmed trades (CAPTURED), 25 a page, paged and filtered by the server.
    await page.getByRole('link', { name: 'Trades', exact: true }).click();
    await page.waitForURL(`${gateway}/console/#/trades`);
    const rows = page.getByTestId('blotter').locator('tbody tr');
    await rows.nth(24).waitFor();
    expect(await rows.count()).toBe(25);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'trades-en');
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByTestId('page').filter({ hasText: 'Page 2' }).waitFor();
    await waitUntil(async () => (await rows.count()) === 11, 'the second page: the 11 trades after the first 25', 15_000);
    await expect(page.getByRole('button', { name: 'Next page' }).isDisabled()).resolves.toBe(true);
    // One ISIN: exactly the rows the API holds for it.
    const isin = (await rows.first().locator('td').nth(3).textContent())!;
    const expected = (
      (await (await fetch(`${gateway}/api/trades?isin=${isin}&limit=500`, { headers: await cs.auth(['operator']) })).json()) as Array<{
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
    const queue = (await (await fetch(`${gateway}/api/exceptions?kind=INPUT`, { headers: await cs.auth(['operator']) })).json()) as Array<{
      reasons: Array<{ field: string; rule: string }>;
    }>;
    expect(queue).toHaveLength(4);
    await page.getByRole('link', { name: 'Exceptions to work', exact: true }).click();
    await page.waitForURL(`${gateway}/console/#/exceptions`);
    const cards = page.getByTestId('exceptions').locator('li');
    await waitUntil(async () => (await cards.count()) === 4, 'the four open exceptions', 15_000);
    for (const [i, x] of queue.entries()) expect(await cards.nth(i).locator('tbody tr th').allTextContents()).toEqual(x.reasons.map((r) => r.field));
    await expect(cards.first().locator('p').first().textContent()).resolves.toMatch(/trades\.executed\.v1 · replays tried: 0$/);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'exceptions-en');

    // The token lives in memory: nothing of it in the browser's storage.
    const stored = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }));
    expect(stored).not.toMatch(/eyJ/);
    await page.context().close();
  });

  it('in French: the words, the date and the figures as French writes them; a reload signs in again without the login page', async () => {
    const page = await cs.signedIn('sam.supervisor', 'fr-FR');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Aujourd’hui');
    await expect(page.getByTestId('business-day').textContent()).resolves.toBe('26 novembre 2026 — Statut : ouverte');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('fr');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'today-fr');

    // A reload forgets the token (memory only); the provider's session signs in again at once.
    await page.reload();
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${gateway}/console/`);
    await expect(page.getByTestId('signed-in-as').textContent()).resolves.toBe('Sam Supervisor');
    await page.context().close();
  });

  it('an operator corrects an exception; a supervisor books a trade by hand, is refused its approval, and each is approved by another supervisor', async () => {
    const api = async <T>(path: string, headers: Record<string, string>, method = 'GET') => {
      const res = await fetch(`${gateway}${path}`, { method, headers });
      return { status: res.status, json: (await res.json()) as T };
    };
    // Olivia, an operator, corrects the execution whose quantity came as a JSON number.
    const queue = (
      await api<Array<{ exceptionId: string; reasons: Array<{ field: string }>; original: string }>>('/api/exceptions?kind=INPUT', await cs.auth(['operator']))
    ).json;
    const wrong = queue.find((x) => x.reasons.some((r) => r.field === 'quantity'))!;
    const original = JSON.parse(wrong.original) as Record<string, unknown>;
    expect(original.quantity).toBe(150);
    const olivia = await cs.signedIn('olivia.operator');
    await olivia.getByRole('link', { name: 'Exceptions to work', exact: true }).click();
    const card = olivia.getByTestId(`exception-${wrong.exceptionId}`);
    await card.getByText('Correct and replay').click();
    await card.locator('textarea[name=corrected]').fill(JSON.stringify({ ...original, quantity: '150' }, null, 2));
    await card.getByRole('button', { name: 'Propose the corrected replay' }).click();
    await expect(card.getByTestId('proposal-made').textContent()).resolves.toBe(
      `Proposed — replay exception ${wrong.exceptionId} corrected — it waits for a supervisor’s approval (four eyes).`,
    );

    // Sam, a supervisor, books a phone trade by hand.
    const [instrument, account, party] = [SAMPLE_REFERENTIAL.instruments[0]!, SAMPLE_REFERENTIAL.accounts[0]!, SAMPLE_REFERENTIAL.parties[0]!];
    const price = new Dec(instrument.refPriceCents).div(100).toFixed(2);
    const sam = await cs.signedIn('sam.supervisor');
    await sam.getByRole('link', { name: 'Trades', exact: true }).click();
    await sam.getByText('Book a trade by hand').click();
    await sam.fill('input[name=book-account]', account.account);
    await sam.fill('input[name=book-counterparty]', party.lei);
    await sam.fill('input[name=book-isin]', instrument.isin);
    await sam.selectOption('select[name=book-side]', 'SELL');
    await sam.fill('input[name=book-quantity]', '75');
    await sam.fill('input[name=book-price]', price);
    await sam.fill('input[name=book-currency]', instrument.currency);
    await sam.fill('input[name=book-tradeDate]', DAY);
    await sam.fill('input[name=book-time]', '15:30');
    await sam.fill('input[name=book-commission]', '0.93');
    expect(await seriousViolations(sam)).toEqual([]);
    await screenshot(sam, 'book-trade-en');
    await sam.getByRole('button', { name: 'Propose the booking' }).click();
    const booking = `book SELL 75 ${instrument.isin} at ${price} ${instrument.currency} for ${account.account}`;
    await expect(sam.getByTestId('proposal-made').textContent()).resolves.toBe(`Proposed — ${booking} — it waits for a supervisor’s approval (four eyes).`);

    // His Approvals: his own booking he may only withdraw; Olivia's replay waits for him.
    await sam.getByRole('link', { name: 'Approvals', exact: true }).click();
    const mine = sam.getByTestId('mine').locator('li');
    await mine.filter({ hasText: booking }).waitFor();
    expect(await mine.count()).toBe(1);
    await expect(mine.first().getByRole('button', { name: 'Approve' }).count()).resolves.toBe(0);
    await expect(mine.first().getByRole('button', { name: 'Withdraw' }).count()).resolves.toBe(1);
    const waiting = sam.getByTestId('waiting').locator('li');
    await waiting.filter({ hasText: `replay exception ${wrong.exceptionId}` }).waitFor();
    // The difference it makes: the one field corrected, the JSON number made a decimal string.
    const correction = waiting
      .filter({ hasText: `replay exception ${wrong.exceptionId}` })
      .getByTestId('correction')
      .locator('tbody tr');
    await correction.first().waitFor();
    expect(await correction.allInnerTexts()).toEqual(['quantity\t150\t"150"']);
    expect(await seriousViolations(sam)).toEqual([]);
    await screenshot(sam, 'approvals-en');
    // The gateway refuses the maker's approval as well, whatever the screen offers.
    const [bookingProposal] = (await api<Array<{ proposalId: string; maker: string }>>('/api/proposals?kind=BOOK_TRADE', await cs.as('sam.supervisor'))).json;
    expect(bookingProposal!.maker).toBe('sam.supervisor');
    const refused = await api<{ message: string }>(`/api/proposals/${bookingProposal!.proposalId}/approve`, await cs.as('sam.supervisor'), 'POST');
    expect(refused.status).toBe(403);
    expect(refused.json.message).toMatch(/^maker-checker: you proposed BOOK_TRADE/);

    // Sam approves Olivia's correction: capture replays it, and the trade is on the blotter, validated.
    await waiting
      .filter({ hasText: `replay exception ${wrong.exceptionId}` })
      .getByRole('button', { name: 'Approve' })
      .click();
    await sam.getByTestId('decision').filter({ hasText: 'carried out' }).waitFor();
    const replay = JSON.parse((await sam.getByTestId('decision-result').textContent())!) as {
      replayed: { status: string; tradeRef: string };
      approved: { status: string; maker: string; validatedBy: string };
    };
    const replayedRef = `${String(original.sourceSystem)}:${String(original.tradeId)}`;
    expect(replay.replayed).toMatchObject({ status: 'REPLAYED', tradeRef: replayedRef });
    expect(replay.approved).toMatchObject({ status: 'VALIDATED', maker: 'olivia.operator', validatedBy: 'sam.supervisor' });
    // Olivia opens the trade's own page (the blotter links each reference to it; validated, the trade
    // may already be instructed, so it is reached by its reference).
    await olivia.evaluate(`window.location.hash = ${JSON.stringify(`#/trade/${encodeURIComponent(replayedRef)}`)}`);
    await expect(olivia.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(`Trade ${replayedRef}`);
    await expect(olivia.getByTestId('validated-by').textContent()).resolves.toBe('sam.supervisor');
    // Its history: captured by the replay, then validated by Sam (status, event, by).
    const history = (await olivia.getByTestId('trade-history').locator('tbody tr').allInnerTexts()).map((r) => r.split('\t').slice(1).join(' | '));
    expect(history[0]).toMatch(/^CAPTURED \| /);
    expect(history).toContainEqual(expect.stringMatching(/^VALIDATED \| .+ \| sam\.supervisor$/));
    expect(await seriousViolations(olivia)).toEqual([]);
    await screenshot(olivia, 'trade-en');

    // Sue, the other supervisor, approves Sam's booking: capture books it under Sam's name, validated by Sue.
    const sue = await cs.signedIn('sue.supervisor');
    await sue.getByRole('link', { name: 'Approvals', exact: true }).click();
    await sue.getByTestId('waiting').locator('li').filter({ hasText: booking }).getByRole('button', { name: 'Approve' }).click();
    await sue.getByTestId('decision').filter({ hasText: 'carried out' }).waitFor();
    const booked = JSON.parse((await sue.getByTestId('decision-result').textContent())!) as {
      booked: { tradeRef: string };
      approved: { status: string; maker: string; validatedBy: string };
    };
    expect(booked.approved).toMatchObject({ status: 'VALIDATED', maker: 'sam.supervisor', validatedBy: 'sue.supervisor' });
    const timeline = await api<{ trade: { quantity: string; side: string; maker: string; validatedBy: string; isin: string } }>(
      `/api/trades/${encodeURIComponent(booked.booked.tradeRef)}/timeline`,
      await cs.auth(['operator']),
    );
    expect(timeline.json.trade).toMatchObject({ side: 'SELL', isin: instrument.isin, maker: 'sam.supervisor', validatedBy: 'sue.supervisor' });
    expect(new Dec(timeline.json.trade.quantity).eq(75)).toBe(true);
    for (const p of [olivia, sam, sue]) await p.context().close();
  });
});
