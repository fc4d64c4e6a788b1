import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { SmtpSink } from '@postera/testing';
import type { E2eEnv } from '../../../test/e2e/harness.js';
import { digestId } from '../src/delivery/digest.repository.js';
import { account, accountUpserted, captured, caughtUp, day, notificationEnv, publish, Topics, trade, validated } from './notification-fixtures.js';

// A DAILY client's day larger than one digest mail carries (DIGEST_NOTICES_MAX, here 2): five avis
// leave at the close in three mails of 2, 2 and 1, each numbered, on the real broker, database and
// SMTP server.
jest.setTimeout(240_000);

const BUSINESS_DATE = '2026-11-26';
const MAILBOX = 'middle-office@busy-client.example';
const refs = ['FO-EQ:PT-1', 'FO-EQ:PT-2', 'FO-EQ:PT-3', 'FO-EQ:PT-4', 'FO-EQ:PT-5'];
const trades = refs.map((ref) => trade(ref, { account: 'CLI-BUSY', clientId: 'C-BUSY' }));

describe('a busy DAILY client’s digest, in parts', () => {
  let env: E2eEnv;
  let smtp: SmtpSink;

  beforeAll(async () => {
    ({ env, smtp } = await notificationEnv('notif-digest-parts', 5150, { DIGEST_NOTICES_MAX: '2' }));
    await env.stack.startAll();
    await publish(
      env,
      Topics.refdataAccounts,
      accountUpserted(
        account({ account: 'CLI-BUSY', clientId: 'C-BUSY', language: 'fr', noticeDelivery: 'DAILY', contacts: [{ channel: 'EMAIL', address: MAILBOX }] }),
      ),
    );
    await caughtUp(env, 'refdata-accounts', Topics.refdataAccounts);
    await publish(env, Topics.businessDay, day('BusinessDayOpened', BUSINESS_DATE));
    await caughtUp(env, 'business-day', Topics.businessDay);
  });

  afterAll(async () => {
    await env?.teardown();
    await smtp?.close();
  });

  it('5 avis at 2 a mail: three mails of 2, 2 and 1 avis, numbered 1 to 3 of 3, in the order owed, each its own Message-ID', async () => {
    // One at a time, so the order in which they were owed is the references' order.
    for (const t of trades) {
      await publish(env, Topics.tradeEvents, captured(t), validated(t));
      await caughtUp(env, 'trade-events', Topics.tradeEvents);
    }
    const held = await env.db.query(`SELECT count(*)::int AS n FROM notification.notifications WHERE status = 'HELD' AND digest_id IS NULL`);
    expect(held.rows).toEqual([{ n: 5 }]);

    await publish(env, Topics.businessDay, day('BusinessDayClosed', BUSINESS_DATE));
    await caughtUp(env, 'business-day', Topics.businessDay);
    await smtp.waitFor(3, 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(smtp.received).toBe(3);

    const ids = [1, 2, 3].map((part) => digestId('CLI-BUSY', BUSINESS_DATE, 'EMAIL', MAILBOX, part));
    const mails = [...smtp.messages].sort((a, b) =>
      String(a.headers.get('x-postera-digest-part')).localeCompare(String(b.headers.get('x-postera-digest-part'))),
    );
    expect(
      mails.map((m) => ({
        messageId: m.messageId,
        part: m.headers.get('x-postera-digest-part'),
        subject: m.subject,
        files: m.attachments.map((a) => a.filename),
      })),
    ).toEqual([
      {
        messageId: `<digest-${ids[0]}@postera>`,
        part: '1/3',
        subject: 'Vos avis et notifications du 26/11/2026 (2 documents, envoi 1 sur 3)',
        files: ['avis-d-opere-FO-EQ_PT-1.pdf', 'avis-d-opere-FO-EQ_PT-2.pdf'],
      },
      {
        messageId: `<digest-${ids[1]}@postera>`,
        part: '2/3',
        subject: 'Vos avis et notifications du 26/11/2026 (2 documents, envoi 2 sur 3)',
        files: ['avis-d-opere-FO-EQ_PT-3.pdf', 'avis-d-opere-FO-EQ_PT-4.pdf'],
      },
      {
        messageId: `<digest-${ids[2]}@postera>`,
        part: '3/3',
        subject: 'Vos avis et notifications du 26/11/2026 (1 document, envoi 3 sur 3)',
        files: ['avis-d-opere-FO-EQ_PT-5.pdf'],
      },
    ]);

    // Each delivery names the part that carried it; every part SENT with one attempt.
    const { rows } = await env.db.query(
      `SELECT n.trade_ref, n.status, g.part, g.parts, g.notices, g.status AS digest_status,
              (SELECT count(*)::int FROM notification.digest_attempts a WHERE a.digest_id = g.digest_id) AS attempts
       FROM notification.notifications n JOIN notification.digests g USING (digest_id) ORDER BY n.trade_ref`,
    );
    expect(rows).toEqual(
      refs.map((ref, i) => ({
        trade_ref: ref,
        status: 'SENT',
        part: Math.floor(i / 2) + 1,
        parts: 3,
        notices: i < 4 ? 2 : 1,
        digest_status: 'SENT',
        attempts: 1,
      })),
    );
  });

  it('a replayed close adds no part and sends nothing again', async () => {
    await publish(env, Topics.businessDay, day('BusinessDayClosed', BUSINESS_DATE));
    await caughtUp(env, 'business-day', Topics.businessDay);
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.received).toBe(3);
    const digests = await env.db.query(`SELECT count(*)::int AS n FROM notification.digests`);
    expect(digests.rows).toEqual([{ n: 3 }]);
  });
});
