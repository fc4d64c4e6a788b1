import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { SmtpSink } from '@postera/testing';
import { waitFor } from '@postera/testing';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { E2eEnv } from '../../../test/e2e/harness.js';
import { digestId } from '../src/delivery/digest.repository.js';
import {
  account,
  accountUpserted,
  callAs,
  captured,
  caughtUp,
  day,
  getJson,
  notificationEnv,
  pdfText,
  publish,
  Topics,
  trade,
  validated,
} from './notification-fixtures.js';

// The delivery policy on the real broker, database and SMTP server: a DAILY client's three avis of
// a business day arrive as one mail at the close with three PDFs; an IMMEDIATE client's as three
// mails; the webhooks go per notice for both.
jest.setTimeout(240_000);

const BUSINESS_DATE = '2026-11-26';
const NEXT_DATE = '2026-11-27';
const DAILY_MAIL = 'back-office@daily-client.example';
const NOW_MAIL = 'ops@immediate-client.example';
// Trades of 26/11/2026 (the builder's trade date): the avis is due by the end of 27/11/2026 (TARGET).
const daily = ['FO-EQ:DG-1', 'FO-EQ:DG-2', 'FO-EQ:DG-3'].map((ref) => trade(ref, { account: 'CLI-DAILY', clientId: 'C-DAILY' }));
const immediate = ['FO-EQ:IM-1', 'FO-EQ:IM-2', 'FO-EQ:IM-3'].map((ref) => trade(ref, { account: 'CLI-NOW', clientId: 'C-NOW' }));
// Captured on the 26th, validated only after its close: its avis goes in the digest of the 27th's close, its deadline.
const lateValidated = trade('FO-EQ:DG-4', { account: 'CLI-DAILY', clientId: 'C-DAILY' });

describe('notices at the pace of the client’s delivery policy', () => {
  let env: E2eEnv;
  let smtp: SmtpSink;
  let server: Server;
  let port = 0;
  const posts: Array<{ path: string; kind: string }> = [];
  const url = () => env.stack.url('notification');
  const closeDay = async (d: string) => {
    await publish(env, Topics.businessDay, day('BusinessDayClosed', d));
    await caughtUp(env, 'business-day', Topics.businessDay);
  };
  const openDay = async (d: string) => {
    await publish(env, Topics.businessDay, day('BusinessDayOpened', d));
    await caughtUp(env, 'business-day', Topics.businessDay);
  };
  const to = (address: string) => smtp.messages.filter((m) => JSON.stringify(m.to).includes(address));

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        posts.push({ path: req.url ?? '', kind: (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { kind: string }).kind });
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
    ({ env, smtp } = await notificationEnv('notif-digest', 5130));
    await env.stack.startAll();
    await publish(
      env,
      Topics.refdataAccounts,
      accountUpserted(
        account({
          account: 'CLI-DAILY',
          clientId: 'C-DAILY',
          language: 'fr',
          noticeDelivery: 'DAILY',
          contacts: [
            { channel: 'EMAIL', address: DAILY_MAIL },
            { channel: 'WEBHOOK', address: `http://127.0.0.1:${port}/daily` },
          ],
        }),
      ),
      // No noticeDelivery: IMMEDIATE, one mail per notice.
      accountUpserted(
        account({
          account: 'CLI-NOW',
          clientId: 'C-NOW',
          language: 'en',
          contacts: [
            { channel: 'EMAIL', address: NOW_MAIL },
            { channel: 'WEBHOOK', address: `http://127.0.0.1:${port}/now` },
          ],
        }),
      ),
    );
    await caughtUp(env, 'refdata-accounts', Topics.refdataAccounts);
    await openDay(BUSINESS_DATE);
  });

  afterAll(async () => {
    await env?.teardown();
    await smtp?.close();
    await new Promise((r) => server?.close(r));
  });

  it('3 avis: the IMMEDIATE client gets 3 mails at once, the DAILY client none before the close; 3 webhooks each', async () => {
    await publish(
      env,
      Topics.tradeEvents,
      ...[...daily, ...immediate, lateValidated].map((t) => captured(t)),
      ...[...daily, ...immediate].map((t) => validated(t)),
    );
    await smtp.waitFor(3, 30_000);
    await waitFor(() => posts.length === 6, { timeoutMs: 30_000, what: 'six webhooks' });
    await caughtUp(env, 'trade-events', Topics.tradeEvents);
    await new Promise((r) => setTimeout(r, 1500));

    expect(
      to(NOW_MAIL)
        .map((m) => m.headers.get('x-postera-trade-ref'))
        .sort(),
    ).toEqual(['FO-EQ:IM-1', 'FO-EQ:IM-2', 'FO-EQ:IM-3']);
    expect(to(NOW_MAIL).every((m) => m.attachments.length === 1)).toBe(true);
    expect(to(DAILY_MAIL)).toHaveLength(0);
    expect(posts.filter((p) => p.path === '/daily')).toHaveLength(3);
    expect(posts.filter((p) => p.path === '/now')).toHaveLength(3);
    const held = await env.db.query(`SELECT status, digest_id FROM notification.notifications WHERE account = 'CLI-DAILY' AND channel = 'EMAIL'`);
    expect(held.rows).toEqual([0, 1, 2].map(() => ({ status: 'HELD', digest_id: null })));
    const summary = await getJson<Record<string, number>>(env, `${url()}/summary`);
    expect(summary.body).toMatchObject({ sent: 9, held: 3, pending: 0, failed: 0 });
  });

  it('at the close, the DAILY client gets exactly one mail carrying the 3 avis, each its own PDF named by its trade', async () => {
    await closeDay(BUSINESS_DATE);
    await smtp.waitFor(4, 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.received).toBe(4);
    const [digest] = to(DAILY_MAIL);
    expect(to(DAILY_MAIL)).toHaveLength(1);
    const id = digestId('CLI-DAILY', BUSINESS_DATE, 'EMAIL', DAILY_MAIL);
    expect(digest!.messageId).toBe(`<digest-${id}@postera>`);
    expect(digest!.headers.get('x-postera-digest-id')).toBe(id);
    expect(digest!.subject).toBe('Vos avis et notifications du 26/11/2026 (3 documents)');
    expect(digest!.attachments.map((a) => a.filename).sort()).toEqual([
      'avis-d-opere-FO-EQ_DG-1.pdf',
      'avis-d-opere-FO-EQ_DG-2.pdf',
      'avis-d-opere-FO-EQ_DG-3.pdf',
    ]);
    for (const a of digest!.attachments) {
      expect(a.contentType).toBe('application/pdf');
      const ref = a.filename!.replace('avis-d-opere-FO-EQ_', 'FO-EQ:').replace('.pdf', '');
      expect(await pdfText(a.content)).toContain(ref);
      // The text carries each avis in full too.
      expect(digest!.text).toContain(`(${a.filename})`);
    }
    // No webhook more: they went per notice.
    expect(posts).toHaveLength(6);

    // The audit: each notice's delivery names the mail that carried it and when SMTP accepted it.
    const { rows } = await env.db.query(
      `SELECT n.trade_ref, n.status, n.digest_id, n.sent_at = g.sent_at AS same_instant, g.message_id, g.status AS digest_status, g.notices,
              (SELECT count(*)::int FROM notification.delivery_attempts a WHERE a.notification_id = n.notification_id) AS own_attempts
       FROM notification.notifications n JOIN notification.digests g USING (digest_id) ORDER BY n.trade_ref`,
    );
    expect(rows).toEqual(
      daily.map((t) => ({
        trade_ref: t.tradeRef,
        status: 'SENT',
        digest_id: id,
        same_instant: true,
        message_id: `<digest-${id}@postera>`,
        digest_status: 'SENT',
        notices: 3,
        own_attempts: 0,
      })),
    );
    const attempts = await env.db.query(`SELECT attempt_no, outcome, started_at <= finished_at AS ordered, smtp_response FROM notification.digest_attempts`);
    expect(attempts.rows).toEqual([{ attempt_no: 1, outcome: 'SENT', ordered: true, smtp_response: expect.stringMatching(/^250 /) }]);
    // One attempt row per immediate mail, written at its outcome with its start and end.
    const immediateAttempts = await env.db.query(
      `SELECT a.attempt_no, a.outcome, a.started_at <= a.finished_at AS ordered FROM notification.delivery_attempts a
       JOIN notification.notifications n USING (notification_id) WHERE n.account = 'CLI-NOW' AND n.channel = 'EMAIL'`,
    );
    expect(immediateAttempts.rows).toEqual([0, 1, 2].map(() => ({ attempt_no: 1, outcome: 'SENT', ordered: true })));

    const [one] = (await env.db.query(`SELECT notification_id, notice_id FROM notification.notifications WHERE trade_ref = 'FO-EQ:DG-2' AND channel = 'EMAIL'`))
      .rows as Array<{
      notification_id: string;
      notice_id: string;
    }>;
    const delivery = await getJson<{ status: string; digest: { messageId: string; sentAt: string; notices: number; attempts: unknown[] } }>(
      env,
      `${url()}/notifications/${one!.notification_id}`,
    );
    expect(delivery.body).toMatchObject({ status: 'SENT', digest: { messageId: `<digest-${id}@postera>`, notices: 3 } });
    expect(delivery.body.digest.attempts).toHaveLength(1);
    // The PDF downloaded is the one mailed, byte for byte: drawn again from the same notice, not stored.
    const res = await callAs(env, `${url()}/notices/${one!.notice_id}/pdf`);
    const downloaded = Buffer.from(await res.arrayBuffer());
    const mailed = digest!.attachments.find((a) => a.filename === 'avis-d-opere-FO-EQ_DG-2.pdf')!.content;
    expect(createHash('sha256').update(downloaded).digest('hex')).toBe(createHash('sha256').update(mailed).digest('hex'));
  });

  it('an avis in the digest of its deadline’s close is on time; a replayed close sends nothing more', async () => {
    await openDay(NEXT_DATE);
    await publish(env, Topics.tradeEvents, validated(lateValidated));
    await caughtUp(env, 'trade-events', Topics.tradeEvents);
    await waitFor(
      async () => (await env.db.query(`SELECT 1 FROM notification.notifications WHERE trade_ref = 'FO-EQ:DG-4' AND status = 'HELD'`)).rowCount === 1,
      {
        timeoutMs: 10_000,
        what: 'the 4th avis held',
      },
    );
    await closeDay(NEXT_DATE);
    await smtp.waitFor(5, 30_000);
    const second = to(DAILY_MAIL).find((m) => m.headers.get('x-postera-business-date') === NEXT_DATE)!;
    expect(second.attachments.map((a) => a.filename)).toEqual(['avis-d-opere-FO-EQ_DG-4.pdf']);
    const late = await getJson<unknown[]>(env, `${url()}/avis/late`);
    expect(late.body).toEqual([]);
    expect((await getJson<Record<string, number>>(env, `${url()}/summary`)).body).toMatchObject({ lateAvis: 0, held: 0, sent: 14 });

    // The same close published again: no delivery is held, and a digest's key (account, day, channel, recipient) is taken.
    await closeDay(NEXT_DATE);
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.received).toBe(5);
    expect((await env.db.query(`SELECT count(*)::int AS n FROM notification.digests`)).rows[0].n).toBe(2);
  });
});
