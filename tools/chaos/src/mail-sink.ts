/**
 * A real SMTP server that keeps only what the checker needs of each mail: its Message-ID and the
 * X-Postera-* headers (notification, notice, kind, trade). A 50,000-trade run sends tens of thousands
 * of mails with PDFs; keeping them parsed in memory (the test sink) is not an option.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  messageId: string;
  notificationId: string;
  noticeId: string;
  kind: string;
  tradeRef: string;
}

export interface MailSink {
  port: number;
  readonly mails: ReceivedMail[];
  close(): Promise<void>;
}

const HEADER_BYTES_MAX = 64 * 1024;

/** Unfolded header lines of a raw message head, name lower-cased. */
export function parseHeaders(head: string): Map<string, string> {
  const out = new Map<string, string>();
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    if (!out.has(name)) out.set(name, line.slice(i + 1).trim());
  }
  return out;
}

export async function startMailSink(): Promise<MailSink> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    name: 'postera-chaos-sink',
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 500,
    onData(stream, _session, callback) {
      let head = '';
      let done = false;
      stream.on('data', (chunk: Buffer) => {
        if (done) return;
        head += chunk.toString('latin1');
        const end = head.search(/\r?\n\r?\n/);
        if (end >= 0) {
          head = head.slice(0, end);
          done = true;
        } else if (head.length > HEADER_BYTES_MAX) done = true;
      });
      stream.on('end', () => {
        const h = parseHeaders(head);
        mails.push({
          messageId: h.get('message-id') ?? '',
          notificationId: h.get('x-postera-notification-id') ?? '',
          noticeId: h.get('x-postera-notice-id') ?? '',
          kind: h.get('x-postera-notice-kind') ?? '',
          tradeRef: h.get('x-postera-trade-ref') ?? '',
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // A sender killed mid-mail resets its connection (ECONNRESET): expected here, and the mail it was
  // sending is not counted (its stream never ends). Unhandled, the error would end the chaos run.
  server.on('error', () => undefined);
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
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
