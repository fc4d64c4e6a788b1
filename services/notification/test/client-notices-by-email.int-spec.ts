import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createHash } from 'node:crypto';
import { PEOPLE } from '@postera/devstack';
import type { SmtpSink } from '@postera/testing';
import { amendmentTo100, waitFor } from '@postera/testing';
import type { ParsedMail } from 'mailparser';
import type { E2eEnv } from '../../../test/e2e/harness.js';
import { formatDate, issueDateOf } from '../src/notifications/domain/date-format.js';
import {
  account,
  accountUpserted,
  callAs,
  amended,
  cancelled,
  captured,
  caughtUp,
  counterpartyConfirmationIssued,
  day,
  getJson,
  instrumentUpserted,
  instruction,
  notificationEnv,
  pdfText,
  publish,
  Topics,
  trade,
  validated,
} from './notification-fixtures.js';

// The notification service as a built process on the real broker and database, fed hand-built
// events; every notice is received by a real SMTP server on loopback and parsed.
jest.setTimeout(240_000);

const NNBSP = '\u202f';
const NBSP = '\u00a0';
const fr = (s: string) => s.replaceAll('_', NNBSP).replaceAll('~', NBSP);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A table row of a notice's text: the label, the column's spaces, the value, alone on its line. */
const row = (label: string, value: string) => new RegExp(`^  ${escape(label)} +${escape(value)}$`, 'm');
const en = (s: string) => s.replaceAll('~', NBSP);

const CPTY_LEI = '529900T8BM49AURSDO55';
/** The firm's identity on the letterhead, as an operator configures it (made-up figures, no real firm). */
const FIRM_ENV = {
  FIRM_ADDRESS: '1 place de l’Exemple, 75000 Paris',
  FIRM_AUTHORISED_BY: 'ACPR',
  FIRM_REGISTRATION: 'RCS Paris 000 000 000',
  FIRM_LEI: '9695000EXAMPLE000000',
};
/** The day the notices of this run are dated (Paris), and the avis's date as French and English readers write it. */
const TODAY = issueDateOf(new Date());
const [todayFr, todayEn] = [formatDate(TODAY, 'fr'), formatDate(TODAY, 'en')];
const A = trade('FO-EQ:N-A');
// A bond for an English client whose base currency is GBP: 250,000 nominal at 99.875 %, accrued interest 1,232.88.
const B = trade('FO-EQ:N-B', {
  account: 'CLI-EN',
  clientId: 'C-EN',
  isin: 'FR0013508470',
  instrumentType: 'BOND',
  quantity: '250000',
  price: '99.875',
  priceType: 'PERCENT',
  grossAmount: '249687.50',
  accruedInterest: '1232.88',
  fees: [
    { type: 'BROKERAGE', amount: '124.84', currency: 'EUR' },
    { type: 'SETTLEMENT_FEE', amount: '5.00', currency: 'EUR' },
  ],
  feesAmount: '129.84',
  netAmount: '251050.22',
  venue: 'XOFF',
  orderType: 'MARKET',
});
const C = trade('FO-EQ:N-C', { side: 'SELL', netAmount: '8766.97' });
const D = trade('FO-EQ:N-D');
const P = trade('FO-EQ:N-P', { account: 'PROP-1', accountType: 'PROPRIETARY', clientId: 'FIRM' });

describe('client notices by email, on the real broker, database and an SMTP server', () => {
  let env: E2eEnv;
  let smtp: SmtpSink;
  const url = () => env.stack.url('notification');
  const mail = (subject: RegExp, to?: string): ParsedMail => {
    const found = smtp.messages.filter((m) => subject.test(m.subject ?? '') && (!to || JSON.stringify(m.to).includes(to)));
    expect(found.map((m) => m.subject)).toHaveLength(1);
    return found[0]!;
  };
  const waitMails = (n: number) => smtp.waitFor(n, 30_000);
  const closeDay = async (d: string) => {
    await publish(env, Topics.businessDay, day('BusinessDayClosed', d));
    await caughtUp(env, 'business-day', Topics.businessDay);
  };
  const openDay = async (d: string) => {
    await publish(env, Topics.businessDay, day('BusinessDayOpened', d));
    await caughtUp(env, 'business-day', Topics.businessDay);
  };

  beforeAll(async () => {
    // No WEBHOOK_SECRETS_KEY here: a webhook secret cannot be set (webhooks.int-spec runs with one).
    ({ env, smtp } = await notificationEnv('notif-email', 5100, { FAIL_REMINDER_AFTER_BUSINESS_DAYS: '1', ...FIRM_ENV }, {}, { webhookSecretsKey: null }));
    await env.stack.startAll();
    await publish(
      env,
      Topics.refdataAccounts,
      accountUpserted(
        account({
          account: 'CLI-FR',
          clientId: 'C-FR',
          language: 'fr',
          email: 'camille@example.fr',
          contacts: [{ channel: 'EMAIL', address: 'camille@example.fr' }],
        }),
      ),
      accountUpserted(
        account({
          account: 'CLI-EN',
          clientId: 'C-EN',
          clientName: 'Emily Carter',
          language: 'en',
          baseCurrency: 'GBP',
          contacts: [{ channel: 'EMAIL', address: 'emily@example.co.uk' }],
        }),
      ),
      accountUpserted(account({ account: 'PROP-1', clientId: 'FIRM', accountType: 'PROPRIETARY', contacts: [] })),
    );
    await caughtUp(env, 'refdata-accounts', Topics.refdataAccounts);
    // The share is named in the referential (an older version first: the newer name wins); the bond FR0013508470 is not.
    await publish(
      env,
      Topics.refdataInstruments,
      instrumentUpserted('FR0000120271', 'TOTAL SE', { version: 1 }),
      instrumentUpserted('FR0000120271', 'TotalEnergies SE', { version: 2 }),
    );
    await caughtUp(env, 'refdata-instruments', Topics.refdataInstruments);
    await openDay('2026-11-26');
  });

  afterAll(async () => {
    await env?.teardown();
    await smtp?.close();
  });

  it("sends one avis d'opéré per validated client trade, with the content of art. 59(4), in French and English, with a readable PDF", async () => {
    const vA = validated(A);
    // Captured owes nothing yet; a redelivered validation adds nothing; a proprietary trade owes nothing.
    await publish(env, Topics.tradeEvents, captured(A), captured(B), captured(D), captured(P), vA, validated(B), validated(P), vA);
    await waitMails(2);
    await caughtUp(env, 'trade-events', Topics.tradeEvents);
    await new Promise((r) => setTimeout(r, 1000));
    expect(smtp.messages).toHaveLength(2);

    // The trades settled on 30/11/2026, before the day this runs: the avis, dated today, tells it in the past.
    expect(TODAY > '2026-11-30').toBe(true);
    const avisFr = mail(/^Avis d'opéré — Achat 150 TotalEnergies SE \(ISIN FR0000120271\) — 26\/11\/2026$/, 'camille@example.fr');
    for (const line of [
      'Postera Securities',
      '1 place de l’Exemple, 75000 Paris',
      "Prestataire de services d'investissement agréé par l'ACPR",
      'RCS Paris 000 000 000 — LEI 9695000EXAMPLE000000',
      fr(
        'Le montant net de 8_784,53~EUR a été débité de votre compte CLI-FR le 30/11/2026, contre livraison de 150 titres TotalEnergies SE (ISIN FR0000120271).',
      ),
      'dans un délai de 2 jours ouvrés à compter de la réception de cet avis',
    ])
      expect(avisFr.text).toContain(line);
    for (const [label, value] of [
      ['Client', 'Camille Durand (identifiant client C-FR)'],
      ["Date de l'avis", todayFr],
      ['Jour de négociation', '26/11/2026'],
      ["Date et heure d'exécution", '26/11/2026 à 09:15:02 UTC'],
      ["Type d'ordre", 'à cours limité'],
      ["Lieu d'exécution", 'XPAR (MIC)'],
      ['Instrument', 'TotalEnergies SE (ISIN FR0000120271)'],
      ['Sens', 'Achat'],
      ['Quantité', '150'],
      ['Prix unitaire', fr('58,505~EUR')],
      ['Montant brut', fr('8_775,75~EUR')],
      ['Commission', fr('8,78~EUR')],
      ['Montant net à votre débit', fr('8_784,53~EUR')],
      ['Date de règlement', '30/11/2026'],
      ['Compte espèces', 'CLI-FR (EUR)'],
    ])
      expect(avisFr.text).toMatch(row(label!, value!));
    expect(avisFr.text).not.toContain('sera débité');
    // Same currency as the account's: no FX line at all.
    expect(avisFr.text).not.toMatch(/Change :/);
    const pdf = avisFr.attachments.find((a) => a.contentType === 'application/pdf');
    expect(pdf?.filename).toBe('avis-d-opere-FO-EQ_N-A.pdf');
    // pdf.js reads the no-break spaces back as spaces; a table's label and value are two strings of a line.
    const pdfFr = (await pdfText(pdf!.content)).replaceAll('\n', ' ');
    for (const text of [
      "AVIS D'OPÉRÉ",
      "Prestataire de services d'investissement agréé par l'ACPR",
      'Camille Durand (identifiant client C-FR)',
      'TotalEnergies SE (ISIN FR0000120271)',
      'Montant net à votre débit',
      '8 784,53 EUR',
      'Le montant net de 8 784,53 EUR a été débité de votre compte CLI-FR le 30/11/2026',
    ])
      expect(pdfFr).toContain(text);

    // The bond has no name in the referential: its ISIN alone, never a made-up name.
    const avisEn = mail(/^Trade confirmation — Buy 250,000\.00.EUR ISIN FR0013508470 — 26 Nov 2026$/, 'emily@example.co.uk');
    for (const [label, value] of [
      ['Client', 'Emily Carter (client id C-EN)'],
      ['Date of this confirmation', todayEn],
      ['Trading day', '26 Nov 2026'],
      ['Order type', 'market'],
      ['Execution venue', 'off venue (XOFF)'],
      ['Instrument', 'ISIN FR0013508470'],
      ['Nominal', en('250,000.00~EUR')],
      ['Price (% of nominal)', '99.875%'],
      ['Gross amount', en('249,687.50~EUR')],
      ['Accrued interest', en('1,232.88~EUR')],
      ['Brokerage', en('124.84~EUR')],
      ['Settlement fee', en('5.00~EUR')],
      ['Total commissions and expenses', en('129.84~EUR')],
      ['Settlement date', '30 Nov 2026'],
    ])
      expect(avisEn.text).toMatch(row(label!, value!));
    for (const line of [
      'Investment firm authorised by the ACPR',
      "Currency conversion: no conversion applied: the trade settles in EUR (your account's base currency: GBP)",
      en(
        'The net amount of 251,050.22~EUR was debited from your account CLI-EN on 30 Nov 2026, against delivery of a nominal of 250,000.00~EUR of ISIN FR0013508470.',
      ),
    ])
      expect(avisEn.text).toContain(line);
    const pdfEn = (await pdfText(avisEn.attachments[0]!.content)).replaceAll('\n', ' ');
    expect(pdfEn).toContain('TRADE CONFIRMATION');
    expect(pdfEn).toContain('Accrued interest');
    expect(pdfEn).toContain('1,232.88 EUR');
    expect(pdfEn).toContain('was debited from your account CLI-EN on 30 Nov 2026');

    // The structured form, kept and served over HTTP.
    const notices = await getJson<Array<{ noticeId: string; kind: string; status: string }>>(
      env,
      `${url()}/notices?tradeRef=${encodeURIComponent(B.tradeRef)}`,
    );
    expect(notices.body.map((n) => [n.kind, n.status])).toEqual([['AVIS_OPERE', 'ROUTED']]);
    const doc = await getJson<{ document: { content: Record<string, unknown>; recipient: Record<string, unknown> } }>(
      env,
      `${url()}/notices/${notices.body[0]!.noticeId}`,
    );
    expect(doc.body.document.content).toMatchObject({
      totalConsideration: '249687.50',
      accruedInterest: '1232.88',
      netAmount: '251050.22',
      unitPrice: '99.875',
      priceType: 'PERCENT',
      fx: { applied: false, baseCurrency: 'GBP', relevant: true },
      settlement: { date: '2026-11-30', account: 'CLI-EN', clientDuty: 'PAY_CASH' },
      instrument: { isin: 'FR0013508470', name: null, type: 'BOND' },
    });
    expect(doc.body.document.recipient).toMatchObject({ name: 'Emily Carter', language: 'en' });
    // Its PDF downloaded: the attachment mailed, byte for byte, with its checksum.
    const download = await callAs(env, `${url()}/notices/${notices.body[0]!.noticeId}/pdf`, { who: PEOPLE.auditor });
    expect([download.status, download.headers.get('content-type'), download.headers.get('content-disposition')]).toEqual([
      200,
      'application/pdf',
      'attachment; filename="trade-confirmation-FO-EQ_N-B.pdf"',
    ]);
    const downloaded = Buffer.from(await download.arrayBuffer());
    expect(downloaded.equals(avisEn.attachments[0]!.content)).toBe(true);
    expect(download.headers.get('x-content-sha256')).toBe(createHash('sha256').update(downloaded).digest('hex'));
    expect((await callAs(env, `${url()}/notices/00000000-0000-4000-8000-000000000000/pdf`, { who: PEOPLE.auditor })).status).toBe(404);
    // An account known as proprietary owes no notice at all.
    const none = await getJson<Array<{ status: string }>>(env, `${url()}/notices?tradeRef=${encodeURIComponent(P.tradeRef)}`);
    expect(none.body).toEqual([]);
  });

  it('an amended trade validated again gets an amendment notice, not a second avis; its cancellation refers to it', async () => {
    const [first] = (await getJson<Array<{ noticeId: string }>>(env, `${url()}/notices?tradeRef=${encodeURIComponent(A.tradeRef)}`)).body;
    const A2 = amendmentTo100(A);
    await publish(env, Topics.tradeEvents, amended(A, A2), validated(A2));
    await waitMails(3);
    const amendment = mail(/^Avis d'opéré rectificatif/);
    expect(amendment.text).toContain(`Cet avis annule et remplace notre avis n° ${first!.noticeId} du `);
    expect(amendment.text).toContain('Modifications : quantity 150 → 100; grossAmount 8775.75 → 5850.50');
    expect(amendment.text).toMatch(row('Quantité', '100'));
    expect(amendment.text).toMatch(row('Instrument', 'TotalEnergies SE (ISIN FR0000120271)'));
    expect(amendment.attachments).toHaveLength(1);

    await publish(env, Topics.tradeEvents, cancelled(A2, 3));
    await waitMails(4);
    const [latest] = (
      await getJson<Array<{ noticeId: string; kind: string }>>(env, `${url()}/notices?tradeRef=${encodeURIComponent(A.tradeRef)}&kind=AMENDMENT_NOTICE`)
    ).body;
    const cancellation = mail(/^Avis d'annulation/);
    expect(cancellation.text).toContain(`Cet avis se rapporte à notre avis n° ${latest!.noticeId} du `);
    expect(cancellation.text).toContain("L'opération suivante est annulée (version 3) ; aucun règlement-livraison n'aura lieu.");
    expect(smtp.messages.filter((m) => /^Avis d'opéré —/.test(m.subject ?? ''))).toHaveLength(1);
  });

  it('settlement: a partial settlement says what remains, then the final confirmation; a fail alerts, and reminds at each close past the threshold', async () => {
    await publish(
      env,
      Topics.settlementEvents,
      instruction(B, {
        status: 'PARTIALLY_SETTLED',
        settledQuantity: '100000',
        settledAmount: '100420.09',
        stepQuantity: '100000',
        stepAmount: '100420.09',
        effectiveSettlementDate: '2026-11-30',
      }),
    );
    await waitMails(5);
    const partial = mail(/^Trade partially settled/);
    expect(partial.text).toContain('Quantity settled: 100,000');
    expect(partial.text).toContain('Quantity still to settle: 150,000');
    expect(partial.text).toContain(en('Amount still to settle: 150,630.13~EUR'));
    await publish(
      env,
      Topics.settlementEvents,
      instruction(B, { status: 'SETTLED', settledQuantity: '250000', settledAmount: '251050.22', effectiveSettlementDate: '2026-12-01' }),
    );
    await waitMails(6);
    expect(mail(/^Trade settled/).text).toContain('Quantity settled: 250,000');

    await closeDay('2026-11-26');
    await openDay('2026-11-27');
    await closeDay('2026-11-27');
    await openDay('2026-11-30');
    const failing = instruction(C, { status: 'FAILING', reason: 'LACK' });
    await publish(env, Topics.settlementEvents, failing, failing);
    await waitMails(7);
    const alert = mail(/^Règlement-livraison en échec/);
    expect(alert.text).toContain("Motif de l'échec : LACK — titres insuffisants sur le compte livreur");
    expect(alert.text).toContain('Date de règlement prévue : 30/11/2026');
    await closeDay('2026-11-30'); // failing since today: the alert went out, no reminder yet
    await openDay('2026-12-01');
    await closeDay('2026-12-01'); // one business day failed: reminder
    await waitMails(8);
    const reminder = mail(/^Rappel : règlement-livraison en échec/);
    expect(reminder.text).toContain('Rappel : le règlement-livraison est toujours en échec au 01/12/2026, depuis le 30/11/2026 (1 jour(s) ouvré(s)).');
    // Routed in the close's own transaction (one now() for both), not by the router's poll.
    const { rows } = await env.db.query(
      `SELECT status, routed_at = created_at AS same_transaction FROM notification.notices WHERE kind = 'SETTLEMENT_FAIL_REMINDER'`,
    );
    expect(rows).toEqual([{ status: 'ROUTED', same_transaction: true }]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(smtp.messages).toHaveLength(8);
  });

  it("reports an avis d'opéré not sent by the end of the first business day after execution", async () => {
    // D was captured on 26 Nov and never validated: its avis was due by the end of 27 Nov, reported at that close.
    const late = await getJson<Array<{ tradeRef: string; deadline: string; reportedOn: string; sentAt: string | null }>>(env, `${url()}/avis/late`);
    expect(late.body).toEqual([
      { tradeRef: D.tradeRef, account: 'CLI-FR', tradeDate: '2026-11-26', deadline: '2026-11-27', reportedOn: '2026-11-27', sentAt: null },
    ]);
    const metrics = await (await fetch(`${url()}/metrics`)).text();
    expect(metrics).toMatch(/postera_notification_avis_late_total\{[^}]*\} 1\b/);
    // Every mail sent: nothing waits for a sender (the backlog the autoscaler reads).
    expect(metrics).toMatch(/postera_notification_deliveries_due\{[^}]*channel="EMAIL"[^}]*\} 0\b/);
    const summary = await getJson<Record<string, number>>(env, `${url()}/summary`);
    expect(summary.body).toMatchObject({ sent: 8, failed: 0, lateAvis: 1, skipped: 0, noContact: 0 });
  });

  it('sends counterparty confirmations to the contacts operators keep in notification', async () => {
    const contactsUrl = `${url()}/counterparty-contacts/${CPTY_LEI}`;
    const contacts = { name: 'Banque Exemple SA', language: 'en', contacts: [{ channel: 'EMAIL', address: 'confirmations@banque-exemple.example' }] };
    // Who may call: a gateway-signed token for notification and this request, from an operator or a supervisor.
    const put = (headers: Record<string, string>, body: unknown = contacts) =>
      fetch(contactsUrl, { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect((await put({})).status).toBe(401);
    expect((await put(await env.stack.gatewayKey.headers('reporting', 'PUT', contactsUrl, PEOPLE.operator))).status).toBe(401);
    expect((await put(await env.stack.as(PEOPLE.operator, 'PUT', `${url()}/counterparty-contacts/969500POSTERAFR00003`))).status).toBe(401);
    expect((await put(await env.stack.as(PEOPLE.auditor, 'PUT', contactsUrl))).status).toBe(403);
    expect((await put(await env.stack.as(PEOPLE.admin, 'PUT', contactsUrl))).status).toBe(403);
    expect((await put(await env.stack.as(PEOPLE.supervisor, 'PUT', contactsUrl, { maker: PEOPLE.supervisor }))).status).toBe(403); // one person twice
    // Without WEBHOOK_SECRETS_KEY a webhook secret is not stored: refused, saying why.
    const withSecret = {
      ...contacts,
      contacts: [{ channel: 'WEBHOOK', address: 'https://hooks.banque-exemple.example/postera', secret: 'a-counterparty-secret-0001' }],
    };
    const refused = await put(await env.stack.as(PEOPLE.operator, 'PUT', contactsUrl), withSecret);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { message: string }).message).toMatch(/WEBHOOK_SECRETS_KEY is not set/);
    expect((await env.db.query(`SELECT 1 FROM notification.counterparty_contacts WHERE lei = $1`, [CPTY_LEI])).rowCount).toBe(0);
    expect((await put(await env.stack.as(PEOPLE.operator, 'PUT', contactsUrl))).status).toBe(200);
    expect((await getJson<{ updatedBy: string }>(env, contactsUrl)).body.updatedBy).toBe(PEOPLE.operator.id);
    await publish(env, Topics.tradeEvents, counterpartyConfirmationIssued('FO-EQ:N-CP', CPTY_LEI));
    await waitMails(9);
    const conf = mail(/^Trade confirmation — FO-EQ:N-CP/, 'confirmations@banque-exemple.example');
    expect(conf.text).toContain('Counterparty: Banque Exemple SA (LEI 529900T8BM49AURSDO55, BIC BEXAFRPPXXX)');
    expect(conf.text).toContain('Your side: Sell');
    expect(conf.text).toContain(en('Settlement amount: 8,775.75~EUR'));
    await waitFor(async () => (await getJson<Record<string, number>>(env, `${url()}/summary`)).body.sent === 9, { timeoutMs: 10_000, what: 'the SENT mark' });
  });

  // The consumer takes a batch's status changes together, following each instruction through them in
  // order: the outcome must be that of the changes applied one by one.
  it('an instruction failing, failing again for the same reason, for another, then settled, published together: one alert per reason, then the confirmation', async () => {
    const E = trade('FO-EQ:N-E');
    const changes = [
      instruction(E, { status: 'FAILING', reason: 'LACK' }),
      instruction(E, { status: 'FAILING', reason: 'LACK' }),
      instruction(E, { status: 'FAILING', reason: 'CLOC' }),
      instruction(E, { status: 'SETTLED', settledQuantity: E.quantity, settledAmount: E.netAmount, effectiveSettlementDate: '2026-12-02' }),
    ];
    await publish(env, Topics.settlementEvents, ...changes);
    await waitMails(12);
    await new Promise((r) => setTimeout(r, 1000));
    const forE = smtp.messages.filter((m) => m.headers.get('x-postera-trade-ref') === E.tradeRef);
    const alerts = forE.filter((m) => /^Règlement-livraison en échec/.test(m.subject ?? ''));
    expect(alerts.map((m) => (/Motif de l'échec : (\w+)/.exec(m.text ?? '') ?? [])[1])).toEqual(expect.arrayContaining(['LACK', 'CLOC']));
    expect(alerts).toHaveLength(2);
    expect(forE.filter((m) => /^Règlement-livraison effectué/.test(m.subject ?? ''))).toHaveLength(1);
    expect(forE).toHaveLength(3);
    expect(smtp.messages).toHaveLength(12);
    // Only a failing instruction keeps a state: C still fails; A and B settled, and so did E, whose row went with it.
    const states = await env.db.query(`SELECT trade_ref, status, reason, to_char(failing_since, 'YYYY-MM-DD') AS since FROM notification.instruction_states`);
    expect(states.rows).toEqual([{ trade_ref: C.tradeRef, status: 'FAILING', reason: 'LACK', since: '2026-11-30' }]);
  });
  it('the notices, deliveries and late avis lists page by keyset: pages of 2 with `after` give the whole list once', async () => {
    for (const [list, id, atLeast] of [
      ['notices', 'noticeId', 5],
      ['notifications', 'notificationId', 5],
      ['avis/late', 'tradeRef', 1],
    ] as const) {
      const all = (await getJson<Array<Record<string, string>>>(env, `${url()}/${list}?limit=500`)).body.map((r) => r[id]!);
      expect(all.length).toBeGreaterThanOrEqual(atLeast);
      const paged: string[] = [];
      let after: string | undefined;
      for (let i = 0; i <= all.length; i++) {
        const page = (await getJson<Array<Record<string, string>>>(env, `${url()}/${list}?limit=2${after ? `&after=${after}` : ''}`)).body.map((r) => r[id]!);
        paged.push(...page);
        if (page.length < 2) break;
        after = page.at(-1);
      }
      expect(paged).toEqual(all);
      expect((await getJson(env, `${url()}/${list}?limit=0`)).status).toBe(400);
    }
  });

  it('an instruction keeps a state while it fails, and none once it settles', async () => {
    const F = trade('FO-EQ:N-F');
    const stateOfF = async () => (await env.db.query(`SELECT status, reason FROM notification.instruction_states WHERE trade_ref = $1`, [F.tradeRef])).rows;
    await publish(env, Topics.settlementEvents, instruction(F, { status: 'FAILING', reason: 'MONY' }));
    await waitMails(13);
    expect(await stateOfF()).toEqual([{ status: 'FAILING', reason: 'MONY' }]);
    await publish(
      env,
      Topics.settlementEvents,
      instruction(F, { status: 'SETTLED', settledQuantity: F.quantity, settledAmount: F.netAmount, effectiveSettlementDate: '2026-12-02' }),
    );
    await waitMails(14);
    expect(smtp.messages.at(-1)!.subject).toMatch(/^Règlement-livraison effectué/);
    expect(await stateOfF()).toEqual([]);
  });
});
