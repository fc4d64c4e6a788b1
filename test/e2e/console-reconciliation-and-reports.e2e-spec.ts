import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Topics } from '@postera/contracts';
import { closeDay, eodSummary, loadSampleReferential, openDay, publish, sampleDay, waitUntil } from '@postera/devstack';
import { Dec } from '@postera/kernel';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { formatAmount } from '../../apps/console/src/format.js';
import { consoleStack, screenshot, seriousViolations, type ConsoleStack } from './console-browser.js';

// The Reconciliation and Reports screens of the console in a real Chromium, against the real stack:
// a bank's camt.053 that disagrees with the books is uploaded in the browser, its breaks shown as the
// API holds them, one put under investigation and resolved by two people; a statement the reader
// refuses is dropped on the drop zone and its problem shown; a report is filed from the screen after
// the close, and a file of it downloaded, its SHA-256 computed here, in the browser and stated by the
// API, all three equal. Screenshots go to .local/console-screenshots/.
jest.setTimeout(420_000);

const DAY = '2026-11-26';
const COUNT = 12;
// A statement the reader refuses whole (only a closing available balance, no booked one): from the
// ISO 20022 readers' own corpus of refused files.
const REFUSED = new URL('../../libs/shared/iso20022/corpus/not-ok/camt053-no-closing-booked.xml', import.meta.url);

interface Break {
  breakId: string;
  kind: string;
  subject: string;
  item: string;
  field: string;
  ours: string | null;
  theirs: string | null;
  difference: string | null;
  status: string;
}

/** The cells of each body row of a table, as the screen shows them. */
const cells = (page: Page, testId: string) =>
  page
    .getByTestId(testId)
    .locator('tbody tr')
    // The tests' TypeScript has no DOM types: a row is read as what it is, cells with their text.
    .evaluateAll((trs) =>
      (trs as Array<{ children: ArrayLike<{ textContent: string | null }> }>).map((tr) => Array.from(tr.children, (c) => c.textContent ?? '')),
    );

/**
 * A bank's end-of-day camt.053.001.08 for one cash account, shaped as a French bank sends it (IBAN
 * and servicer, booked opening and closing balances, a transactions summary, each entry with its
 * bank reference and the trade's EndToEndId): opening plus the entries is the closing balance.
 */
function camt053(o: { date: string; opening: string; entries: Array<{ ref: string; tradeRef: string; amount: string }> }): string {
  const signed = (amount: Dec) => ({ amt: amount.abs().toFixed(2), ind: amount.isNegative() ? 'DBIT' : 'CRDT' });
  const closing = o.entries.reduce((sum, e) => sum.plus(e.amount), new Dec(o.opening));
  const balance = (code: string, amount: Dec) => {
    const s = signed(amount);
    return `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${s.amt}</Amt><CdtDbtInd>${s.ind}</CdtDbtInd><Dt><Dt>${o.date}</Dt></Dt></Bal>`;
  };
  const entries = o.entries.map((e) => {
    const s = signed(new Dec(e.amount));
    return `<Ntry><NtryRef>${e.ref}</NtryRef><Amt Ccy="EUR">${s.amt}</Amt><CdtDbtInd>${s.ind}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
      <BookgDt><Dt>${o.date}</Dt></BookgDt><ValDt><Dt>${o.date}</Dt></ValDt><AcctSvcrRef>BNP-SEC-${e.ref}</AcctSvcrRef>
      <BkTxCd><Domn><Cd>SECU</Cd><Fmly><Cd>SETT</Cd><SubFmlyCd>${s.ind === 'DBIT' ? 'RVPM' : 'DVPM'}</SubFmlyCd></Fmly></Domn></BkTxCd>
      <NtryDtls><TxDtls><Refs><AcctSvcrRef>BNP-SEC-${e.ref}-1</AcctSvcrRef><EndToEndId>${e.tradeRef}</EndToEndId></Refs></TxDtls></NtryDtls></Ntry>`;
  });
  const stamp = o.date.replaceAll('-', '');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>BNPAFRPP${stamp}EOD000512</MsgId><CreDtTm>${o.date}T22:05:12+01:00</CreDtTm><MsgRcpt><Nm>POSTERA SA</Nm></MsgRcpt></GrpHdr>
    <Stmt>
      <Id>STMT${stamp}-00512</Id><ElctrncSeqNb>512</ElctrncSeqNb><CreDtTm>${o.date}T22:05:12+01:00</CreDtTm>
      <Acct><Id><IBAN>FR7630004000031234567890143</IBAN></Id><Ccy>EUR</Ccy><Svcr><FinInstnId><BICFI>BNPAFRPPXXX</BICFI></FinInstnId></Svcr></Acct>
      ${balance('OPBD', new Dec(o.opening))}
      ${balance('CLBD', closing)}
      <TxsSummry><TtlNtries><NbOfNtries>${o.entries.length}</NbOfNtries></TtlNtries></TxsSummry>
      ${entries.join('\n      ')}
    </Stmt>
  </BkToCstmrStmt>
</Document>
`;
}

describe('the console’s reconciliation and reports in a real browser', () => {
  let cs: ConsoleStack;
  let trade: { ref: string; account: string; amount: string };

  beforeAll(async () => {
    cs = await consoleStack('console-recon', { basePort: 6870 });
    const { env } = cs;
    await loadSampleReferential(env.stack);
    await openDay(env.stack, DAY);
    const day = sampleDay({ tradeDate: DAY, count: COUNT, runId: 'R' });
    await publish(env.brokers, env.prefix, Topics.tradesExecuted, day);
    await waitUntil(
      async () => {
        const s = await eodSummary(env.stack);
        return s.capture.consumed === COUNT && s.capture.captured > 0 && s.accounting.entries >= s.capture.captured;
      },
      'capture to read the executions and accounting to post them',
      120_000,
    );
    // The bank pays one trade of the day: what the client owes (consideration plus commission), paid on a buy, received on a sell.
    const m = day.map((d) => d.message).find((x) => x.currency === 'EUR')!;
    const net = new Dec(String(m.quantity))
      .mul(String(m.price))
      .plus((m.fees as Array<{ amount: string }>)[0]!.amount)
      .toFixed(2);
    trade = { ref: `${String(m.sourceSystem)}:${String(m.tradeId)}`, account: String(m.account), amount: m.side === 'BUY' ? `-${net}` : net };
  });

  afterAll(async () => {
    await cs?.close();
  });

  it('an operator uploads a bank statement that disagrees with the books, sees its breaks, works one, and a supervisor approves its resolution', async () => {
    const page = await cs.signedIn('olivia.operator');
    await page.getByRole('link', { name: 'Reconciliation', exact: true }).click();
    await page.waitForURL(`${cs.gateway}/console/#/reconciliation`);
    await page.getByRole('option', { name: new RegExp(`^${trade.account} `) }).waitFor({ state: 'attached' });
    await page.selectOption('select[name=statement-account]', trade.account);

    // A file the reader refuses, dropped on the drop zone: the screen names the reader's problem as the run holds it.
    const refused = await readFile(REFUSED, 'utf8');
    const dropped = await page.evaluateHandle(
      `(() => { const t = new DataTransfer(); t.items.add(new File([${JSON.stringify(refused)}], 'no-closing-booked.xml', { type: 'text/xml' })); return t; })()`,
    );
    await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer: dropped });
    await page.getByTestId('read-problems').waitFor();
    const [refusedRun] =
      await cs.get<Array<{ runId: string; subject: string; errors: Array<{ row: number; problem: string }> }>>('/api/reconciliations/runs?limit=1');
    expect(refusedRun!.subject).toBe(trade.account);
    expect(refusedRun!.errors.length).toBeGreaterThan(0);
    expect(await page.getByTestId('read-problems').locator('li').allTextContents()).toEqual(refusedRun!.errors.map((p) => `row ${p.row}: ${p.problem}`));

    // The bank's statement of the day, chosen in the file input: the trade paid and an opening balance the books do not have.
    const xml = camt053({ date: DAY, opening: '25000.00', entries: [{ ref: '000512-0001', tradeRef: trade.ref, amount: trade.amount }] });
    await page.locator('input[name=statement]').setInputFiles({ name: `camt053-${DAY}.xml`, mimeType: 'text/xml', buffer: Buffer.from(xml) });
    await page
      .getByTestId('read-subject')
      .filter({ hasText: `${trade.account}:EUR` })
      .waitFor();
    // What the reader read from the bank's file: its own id and account, the balances as the bank wrote them, the entry.
    const closingWritten = formatAmount(new Dec('25000.00').plus(trade.amount).toFixed(2), 'en-GB');
    const read = Object.fromEntries(
      await Promise.all(
        ['statementId', 'their-account', 'opening', 'closing', 'entries'].map(async (id) => [id, await page.getByTestId(`read-${id}`).textContent()] as const),
      ),
    );
    expect(read).toEqual({
      statementId: `STMT${DAY.replaceAll('-', '')}-00512`,
      'their-account': 'FR7630004000031234567890143',
      opening: '25,000.00 EUR',
      closing: `${closingWritten} EUR`,
      entries: '1',
    });
    const breaks = (await cs.get<Break[]>('/api/reconciliations/breaks?status=OPEN&kind=CASH')).filter((b) => b.subject === `${trade.account}:EUR`);
    expect(breaks.length).toBeGreaterThan(0);
    const figures = (b: Pick<Break, 'item' | 'field' | 'ours' | 'theirs' | 'difference'>) => [
      b.item,
      b.field,
      ...[b.ours, b.theirs, b.difference].map((v) => (v === null ? '—' : formatAmount(v, 'en-GB'))),
    ];
    // What the reader made of it: the run's breaks, as the API now holds them (each in its own order: compared sorted).
    const sorted = (rows: string[][]) => rows.map((r) => JSON.stringify(r)).sort();
    expect(sorted((await cells(page, 'read-breaks')).map((r) => r.slice(0, 5)))).toEqual(sorted(breaks.map(figures)));
    // The closing balance disagrees: found is what the bank says, expected what the books say.
    const closing = breaks.find((b) => b.field === 'closingBalance');
    expect(closing).toBeDefined();
    expect(new Dec(closing!.theirs!).eq(new Dec('25000.00').plus(trade.amount))).toBe(true);

    // The open breaks table shows the same, with the difference.
    const row = page.getByTestId(`break-${closing!.breakId}`);
    await row.waitFor();
    expect((await cells(page, 'breaks')).find((r) => r[0] === closing!.item && r[3] === closing!.field)!.slice(0, 7)).toEqual([
      closing!.item,
      'Cash',
      closing!.subject,
      ...figures(closing!).slice(1),
    ]);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'reconciliation-en');

    // Under investigation: the operator's own act, straight to accounting.
    await row.getByText('Work this break').click();
    await row.getByLabel('Comment').fill('asked the bank for the opening balance');
    await row.getByRole('button', { name: 'Put under investigation' }).click();
    // It leaves the open breaks on the screen as it does in the API.
    await row.waitFor({ state: 'detached' });
    await waitUntil(
      async () => (await cs.get<{ status: string }>(`/api/reconciliations/breaks/${closing!.breakId}`)).status === 'INVESTIGATING',
      'the break under investigation',
      15_000,
    );
    await page.selectOption('select[name=break-status]', 'INVESTIGATING');
    const investigating = page.getByTestId(`break-${closing!.breakId}`);
    await investigating.getByRole('cell', { name: 'under investigation', exact: true }).waitFor();

    // Resolving it is a proposal: pending until a supervisor approves.
    await investigating.getByText('Work this break').click();
    await investigating.getByLabel('Comment').fill('opening balance confirmed by the bank: a transfer booked outside Postera');
    await investigating.getByRole('button', { name: 'Propose the resolution' }).click();
    const summary = `resolve break ${closing!.breakId}: opening balance confirmed by the bank: a transfer booked outside Postera`;
    await expect(investigating.getByTestId('proposal-made').textContent()).resolves.toBe(
      `Proposed — ${summary} — it waits for a supervisor’s approval (four eyes).`,
    );
    expect((await cs.get<{ status: string }>(`/api/reconciliations/breaks/${closing!.breakId}`)).status).toBe('INVESTIGATING');

    // Sue approves it from her Approvals screen; accounting resolves the break with both names.
    const sue = await cs.signedIn('sue.supervisor');
    await sue.getByRole('link', { name: 'Approvals', exact: true }).click();
    await sue.getByTestId('waiting').locator('li').filter({ hasText: summary }).getByRole('button', { name: 'Approve' }).click();
    await sue.getByTestId('decision').filter({ hasText: 'carried out' }).waitFor();
    const resolved = await cs.get<{ status: string; history: Array<{ by: string; checkedBy: string | null; to: string }> }>(
      `/api/reconciliations/breaks/${closing!.breakId}`,
    );
    expect(resolved.status).toBe('RESOLVED');
    expect(resolved.history.at(-1)).toMatchObject({ by: 'olivia.operator', checkedBy: 'sue.supervisor', to: 'RESOLVED' });
    await sue.context().close();

    // Back on the operator's screen: the break among the resolved ones, and no longer offered to work.
    await page.selectOption('select[name=break-status]', 'RESOLVED');
    const done = page.getByTestId(`break-${closing!.breakId}`);
    await done.getByRole('cell', { name: 'resolved', exact: true }).waitFor();
    expect(await done.getByText('Work this break').count()).toBe(0);
    await page.context().close();
  });

  it('in French: the breaks with the figures as French writes them', async () => {
    const page = await cs.signedIn('sam.supervisor', 'fr-FR');
    await page.getByRole('link', { name: 'Rapprochements', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Rapprochements');
    const open = await cs.get<Break[]>('/api/reconciliations/breaks?status=OPEN');
    expect(open.length).toBeGreaterThan(0);
    const expected = open.map((b) => [b.item, b.difference === null ? '—' : formatAmount(b.difference, 'fr-FR')]);
    await waitUntil(
      async () => JSON.stringify((await cells(page, 'breaks')).map((r) => [r[0], r[6]])) === JSON.stringify(expected),
      'the open breaks in French',
      15_000,
    );
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'reconciliation-fr');
    await page.context().close();
  });

  it('after the close, an operator files the activity report of the day and downloads a file whose SHA-256 the browser checks', async () => {
    // The day's activity report can be filed once reporting has taken the close of the day.
    await closeDay(cs.env.stack, DAY);
    await waitUntil(
      async () => (await fetch(`${cs.gateway}/api/eod-reports/${DAY}`, { headers: await cs.auth(['operator']) })).ok,
      `reporting to take the close of ${DAY}`,
      90_000,
    );
    const before = await cs.get<Array<{ runId: string }>>(`/api/reports/runs?kind=ACTIVITY&period=${DAY}`);

    const page = await cs.signedIn('olivia.operator');
    await page.getByRole('link', { name: 'Reports', exact: true }).click();
    await page.waitForURL(`${cs.gateway}/console/#/reports`);
    await page.selectOption('select[name=report-kind]', 'ACTIVITY');
    await page.fill('input[name=report-period]', DAY);
    await page.getByRole('button', { name: 'File…' }).click();
    // Filing is direct: the screen asks once more, and nothing is filed until it is confirmed.
    await page.getByTestId('confirm-filing').waitFor();
    expect(await cs.get<unknown[]>(`/api/reports/runs?kind=ACTIVITY&period=${DAY}`)).toHaveLength(before.length);
    await page.getByRole('button', { name: 'Confirm the filing' }).click();
    await page.getByTestId('filing-outcome').filter({ hasText: 'Filed:' }).waitFor();

    const after = await cs.get<Array<{ runId: string; version: number; filedBy: string }>>(`/api/reports/runs?kind=ACTIVITY&period=${DAY}`);
    expect(after).toHaveLength(before.length + 1);
    const filed = after[0]!;
    expect(filed.filedBy).toBe('olivia.operator');
    await expect(page.getByTestId('filing-outcome').textContent()).resolves.toBe(`Filed: Activity report v${filed.version} (${filed.runId})`);
    const detail = await cs.get<{ files: Array<{ name: string; sha256: string; bytes: number }> }>(`/api/reports/runs/${filed.runId}`);
    expect(detail.files.length).toBeGreaterThan(0);

    // The run in the list, with who filed it and each file's stated checksum.
    const runRow = page.getByTestId(`report-run-${filed.runId}`);
    await runRow.waitFor();
    const rowCells = (await cells(page, 'report-runs')).find((r) => r[0] === 'Activity report' && r[5] === 'olivia.operator' && r[3] === 'in force');
    expect(rowCells).toBeDefined();
    const file = detail.files[0]!;
    const item = runRow.getByTestId(`file-${file.name}`);
    await item.getByText(file.sha256).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // The download: the bytes the browser saved hash, here, to what the API states, and the screen says both agree.
    const [saved] = await Promise.all([page.waitForEvent('download'), item.getByRole('button', { name: `Download ${file.name}` }).click()]);
    expect(saved.suggestedFilename()).toBe(file.name);
    const bytes = await readFile((await saved.path())!);
    expect(bytes.length).toBe(file.bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(sha256).toBe(file.sha256);
    await expect(item.getByTestId('checksum-verdict').textContent()).resolves.toBe(`SHA-256 the browser computed: ${sha256} — they agree`);
    await screenshot(page, 'reports-en');

    // An auditor reads the filed reports but may not file one: the gateway refuses, the screen says so politely.
    const ada = await cs.signedIn('ada.auditor');
    await ada.getByRole('link', { name: 'Reports', exact: true }).click();
    await ada.getByTestId(`report-run-${filed.runId}`).waitFor();
    await ada.fill('input[name=report-period]', DAY);
    await ada.getByRole('button', { name: 'File…' }).click();
    await ada.getByRole('button', { name: 'Confirm the filing' }).click();
    await ada.getByTestId('not-allowed').waitFor();
    expect(await cs.get<unknown[]>(`/api/reports/runs?kind=ACTIVITY&period=${DAY}`)).toHaveLength(after.length);
    expect(await seriousViolations(ada)).toEqual([]);
    for (const p of [page, ada]) await p.context().close();
  });
});
