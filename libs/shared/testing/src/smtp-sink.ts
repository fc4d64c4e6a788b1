import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpSinkOptions {
  /** 0 or absent: any free port (read it back from `port`). */
  port?: number;
  host?: string;
  /** Largest message accepted; a larger one is refused with 552. */
  messageBytesMax?: number;
  /** Messages kept in memory; the oldest are dropped beyond it (`received` still counts them). */
  messagesMax?: number;
  /**
   * false: accept and count each message without parsing or keeping it, as a fast relay would — for
   * benchmarks, where parsing every mail in the measuring process would be what is measured.
   */
  parse?: boolean;
  /**
   * With parse false: called with the header fields of each accepted message (unfolded, names in
   * lower case; the head only, up to 64 KiB, the body is not kept) — what a long run needs of tens of
   * thousands of mails without holding them.
   */
  onHeaders?: (headers: Map<string, string>) => void;
  /**
   * With parsing: the server's final reply to a message waits until this resolves (a slow or
   * greylisting relay), the message counted only then.
   */
  beforeReply?: (mail: ParsedMail) => Promise<void>;
}

const HEAD_BYTES_MAX = 64 * 1024;

/** Unfolded header fields of a raw message head, first occurrence of each name, names in lower case. */
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

export interface SmtpSink {
  port: number;
  /** Every message accepted, parsed, in arrival order (subject, to, from, text, html, messageId, attachments…). */
  readonly messages: ParsedMail[];
  /** Messages accepted since the start, including any dropped from `messages`. */
  readonly received: number;
  /** Resolves with the messages once at least `count` were accepted; rejects after timeoutMs. */
  waitFor(count: number, timeoutMs: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

const MESSAGE_BYTES_MAX_DEFAULT = 10 * 1024 * 1024;
const MESSAGES_MAX_DEFAULT = 10_000;
/** How long close() lets a client's open (pooled) connection linger before cutting it. */
const CLOSE_TIMEOUT_MS = 500;

/**
 * A real SMTP server on loopback for tests and demos: plain SMTP, no TLS, no authentication, every
 * message parsed with mailparser and kept in memory. It speaks the same protocol a production relay
 * does, so the sender under test goes through its real transport, pool and error paths.
 */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const host = options.host ?? '127.0.0.1';
  const messageBytesMax = options.messageBytesMax ?? MESSAGE_BYTES_MAX_DEFAULT;
  const messagesMax = options.messagesMax ?? MESSAGES_MAX_DEFAULT;
  const messages: ParsedMail[] = [];
  let received = 0;
  const waiters = new Set<() => void>();

  const server = new SMTPServer({
    name: 'postera-smtp-sink',
    banner: 'Postera SMTP sink (test)',
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: messageBytesMax,
    disableReverseLookup: true,
    logger: false,
    closeTimeout: CLOSE_TIMEOUT_MS,
    onData(stream, _session, callback) {
      if (options.parse === false) {
        let head = '';
        let headDone = options.onHeaders === undefined;
        stream.on('data', (chunk: Buffer) => {
          if (headDone) return;
          head += chunk.toString('latin1');
          const end = head.search(/\r?\n\r?\n/);
          if (end >= 0) head = head.slice(0, end);
          headDone = end >= 0 || head.length > HEAD_BYTES_MAX;
        });
        stream.on('end', () => {
          if (stream.sizeExceeded) return callback(Object.assign(new Error(`message exceeds the sink's ${messageBytesMax} bytes`), { responseCode: 552 }));
          options.onHeaders?.(parseHeaders(head));
          received++;
          for (const wake of waiters) wake();
          callback(null, `queued as ${received}`);
        });
        return;
      }
      simpleParser(stream).then(
        async (mail) => {
          await options.beforeReply?.(mail);
          if (stream.sizeExceeded) {
            callback(Object.assign(new Error(`message exceeds the sink's ${messageBytesMax} bytes`), { responseCode: 552 }));
            return;
          }
          received++;
          messages.push(mail);
          if (messages.length > messagesMax) messages.splice(0, messages.length - messagesMax);
          for (const wake of waiters) wake();
          callback(null, `queued as ${received}`);
        },
        (e: Error) => callback(Object.assign(new Error(`unparsable message: ${e.message}`), { responseCode: 554 })),
      );
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A client that misbehaves after start must not crash the test process.
  server.on('error', () => undefined);
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    messages,
    get received() {
      return received;
    },
    waitFor(count, timeoutMs) {
      if (received >= count) return Promise.resolve(messages);
      return new Promise<ParsedMail[]>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`SMTP sink on ${host}:${port}: ${received} of ${count} messages after ${timeoutMs} ms`));
        }, timeoutMs);
        function check() {
          if (received < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages);
        }
        waiters.add(check);
      });
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
