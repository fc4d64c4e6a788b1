/**
 * The run's receivers: an SMTP server that keeps only what the checker needs of each mail (its
 * Message-ID and the X-Postera-* headers: notification, notice, kind, trade, digest) — a 50,000-trade run sends
 * tens of thousands of mails with PDFs, too many to keep parsed — and the clients' webhook endpoint.
 */
import { startSmtpSink } from '@postera/testing';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  messageId: string;
  notificationId: string;
  noticeId: string;
  kind: string;
  tradeRef: string;
  /** A daily digest's id (X-Postera-Digest-Id): the mail carries each delivery of that digest. */
  digestId: string;
}

export interface MailSink {
  port: number;
  readonly mails: ReceivedMail[];
  close(): Promise<void>;
}

export { parseHeaders } from '@postera/testing';

/** The shared SMTP sink, keeping of each mail only its Message-ID and X-Postera-* headers. */
export async function startMailSink(): Promise<MailSink> {
  const mails: ReceivedMail[] = [];
  // A sender killed mid-mail resets its connection: the sink ignores it, and the mail it was sending
  // is not counted (its stream never ends).
  const sink = await startSmtpSink({
    parse: false,
    onHeaders: (h) =>
      mails.push({
        messageId: h.get('message-id') ?? '',
        notificationId: h.get('x-postera-notification-id') ?? '',
        noticeId: h.get('x-postera-notice-id') ?? '',
        kind: h.get('x-postera-notice-kind') ?? '',
        tradeRef: h.get('x-postera-trade-ref') ?? '',
        digestId: h.get('x-postera-digest-id') ?? '',
      }),
  });
  return { port: sink.port, mails, close: () => sink.close() };
}

export interface WebhookSink {
  url: string;
  /** The notificationId of every POST received (a retry after a kill repeats it). */
  readonly notificationIds: string[];
  close(): Promise<void>;
}

/** The clients' webhook endpoint: answers 204 and keeps the notificationId of each body. */
export async function startWebhookSink(): Promise<WebhookSink> {
  const notificationIds: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    // A sender killed mid-request aborts it: nothing is counted, and the run goes on.
    req.on('error', () => undefined);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        notificationIds.push(String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { notificationId?: unknown }).notificationId ?? ''));
      } catch {
        notificationIds.push('');
      }
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/postera`,
    notificationIds,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
