import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { waitFor, type SmtpSink } from '@postera/testing';
import type { E2eEnv } from '../../../test/e2e/harness.js';
import { account, accountUpserted, captured, caughtUp, notificationEnv, publish, Topics, trade, validated } from './notification-fixtures.js';

// A notice is routed by the transaction that writes it, and the senders are woken at its commit
// (LISTEN/NOTIFY on the notification schema's trigger): with every loop polling only once a minute,
// an avis still leaves within seconds.
jest.setTimeout(120_000);

describe('a notice routed at commit by its writer wakes the senders', () => {
  let env: E2eEnv;
  let smtp: SmtpSink;
  /** The sink's reply to a mail of this trade waits until released (a slow relay). */
  const held = { tradeRef: '', arrived: false, release: () => undefined as void, accepted: [] as string[] };

  beforeAll(async () => {
    ({ env, smtp } = await notificationEnv(
      'notif-wake',
      5140,
      { SEND_POLL_MS: '60000' },
      {
        beforeReply: async (mail) => {
          const ref = String(mail.headers.get('x-postera-trade-ref'));
          if (ref === held.tradeRef)
            await new Promise<void>((r) => {
              held.release = r;
              held.arrived = true;
            });
          held.accepted.push(ref);
        },
      },
    ));
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
    );
    await caughtUp(env, 'refdata-accounts', Topics.refdataAccounts);
  });

  afterAll(async () => {
    held.release(); // a held reply would keep the sender's pass, and so the stop, waiting
    await env?.teardown();
    await smtp?.close();
  });

  it("sends a validated trade's avis within seconds although the router and the senders poll once a minute", async () => {
    // The loops' first passes ran at boot; from now on a minute's pause, unless woken.
    await new Promise((r) => setTimeout(r, 2_000));
    const A = trade('FO-EQ:W-A');
    const published = Date.now();
    await publish(env, Topics.tradeEvents, captured(A), validated(A));
    await smtp.waitFor(1, 20_000);
    expect(Date.now() - published).toBeLessThan(20_000);
    expect(smtp.messages.map((m) => [m.headers.get('x-postera-trade-ref'), m.headers.get('x-postera-notice-kind')])).toEqual([['FO-EQ:W-A', 'AVIS_OPERE']]);
    // Routed by the consumer in the transaction that wrote it (one now() for both), not by the router's next pass.
    const { rows } = await env.db.query(`SELECT status, routed_at = created_at AS same_transaction FROM notification.notices WHERE trade_ref = $1`, [
      A.tradeRef,
    ]);
    expect(rows).toEqual([{ status: 'ROUTED', same_transaction: true }]);
  });

  it('sends an avis routed while a pass waits on a slow server at once, by the other pass (SEND_PASSES 2), not after that pass', async () => {
    const B = trade('FO-EQ:W-B');
    const C = trade('FO-EQ:W-C');
    held.tradeRef = B.tradeRef;
    await publish(env, Topics.tradeEvents, captured(B), validated(B));
    // B's mail is at the server, its reply held: the pass that sends it cannot end.
    await waitFor(async () => held.arrived, { timeoutMs: 20_000, what: "B's mail at the server" });
    await publish(env, Topics.tradeEvents, captured(C), validated(C));
    // C goes out while B's pass is still waiting (with one pass, C would wait for B's reply).
    await smtp.waitFor(2, 20_000);
    expect(held.accepted).toEqual(['FO-EQ:W-A', 'FO-EQ:W-C']);
    held.release();
    await smtp.waitFor(3, 20_000);
    expect(held.accepted).toEqual(['FO-EQ:W-A', 'FO-EQ:W-C', 'FO-EQ:W-B']);
  });
});
