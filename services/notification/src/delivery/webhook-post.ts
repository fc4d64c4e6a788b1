import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { hostOf, refusalMessage, urlProblem, type DestinationRule } from './webhook-destination.js';

/** Addresses of one host looked at, at most. */
const RESOLVED_ADDRESSES_MAX = 32;

/** Resolves a host once: every address it has. */
export type Resolve = (host: string) => Promise<Array<{ address: string }>>;

export const resolveAll: Resolve = (host) => lookup(host, { all: true, verbatim: true });

export interface WebhookPostOptions {
  rule: DestinationRule;
  allowHttp: boolean;
  timeoutMs: number;
  /** Bytes of the answer read at most; then the connection is closed (the body is never kept). */
  readMaxBytes: number;
  resolve?: Resolve;
}

export type WebhookPostOutcome =
  /** The receiver answered: only its status is kept. */
  | { kind: 'answered'; status: number }
  /** Refused before any connection: retrying will not change it. */
  | { kind: 'refused'; error: string }
  /** No answer; the error is one of a few fixed classes, never the text of the failure. */
  | { kind: 'failed'; error: WebhookFailure };

export type WebhookFailure = 'timeout' | 'connection refused' | 'connection reset' | 'host not found' | 'tls error' | 'network error';

/** A fixed class for a failure: the raw text (addresses, ports, a peer's words) is not stored or served. */
export function failureOf(e: unknown): WebhookFailure {
  const code = (e as { code?: string }).code ?? '';
  if (code === 'ETIMEDOUT' || code === 'ABORT_ERR' || (e as Error).name === 'TimeoutError') return 'timeout';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA') return 'host not found';
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return 'tls error';
  return 'network error';
}

class Timeout extends Error {
  override name = 'TimeoutError';
}

/**
 * POSTs a webhook to the one address checked: the host is resolved once, every address it
 * resolves to must pass the destination rule, and the connection goes to the first of them, with
 * the URL's Host header and TLS server name (the certificate is checked against the URL's host).
 * No redirect is followed. At most `readMaxBytes` of the answer are read, then the socket is
 * destroyed: a receiver cannot make the sender hold its body.
 */
export async function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  o: WebhookPostOptions,
): Promise<WebhookPostOutcome> {
  const problem = urlProblem(url, o.allowHttp);
  if (problem) return { kind: 'refused', error: `destination refused: ${problem}` };
  const u = new URL(url);
  const host = hostOf(u);
  const deadline = Date.now() + o.timeoutMs;
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await withTimeout((o.resolve ?? resolveAll)(host), o.timeoutMs)).slice(0, RESOLVED_ADDRESSES_MAX).map((a) => a.address);
  } catch (e) {
    return { kind: 'failed', error: failureOf(e) };
  }
  if (addresses.length === 0) return { kind: 'failed', error: 'host not found' };
  for (const address of addresses) {
    const range = o.rule.refusedRange(address);
    if (range) return { kind: 'refused', error: refusalMessage(host, address, range) };
  }
  try {
    const status = await send(u, addresses[0]!, host, headers, body, Math.max(1, deadline - Date.now()), o.readMaxBytes);
    return { kind: 'answered', status };
  } catch (e) {
    return { kind: 'failed', error: failureOf(e) };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Timeout()), ms)))]).finally(() => clearTimeout(timer));
}

function send(u: URL, address: string, host: string, headers: Record<string, string>, body: string, timeoutMs: number, readMaxBytes: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const https = u.protocol === 'https:';
    const req = (https ? httpsRequest : httpRequest)({
      // The address checked, not the name: nothing resolves it again.
      host: address,
      port: u.port || (https ? 443 : 80),
      path: `${u.pathname}${u.search}`,
      method: 'POST',
      agent: false,
      headers: { ...headers, host: u.host, 'content-length': String(Buffer.byteLength(body)) },
      ...(https && isIP(host) === 0 ? { servername: host } : {}),
    });
    const timer = setTimeout(() => req.destroy(new Timeout()), timeoutMs);
    const done = (f: () => void) => {
      clearTimeout(timer);
      f();
    };
    req.on('error', (e) => done(() => reject(e)));
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      let read = 0;
      const finish = () => done(() => resolve(status));
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read >= readMaxBytes) {
          // Enough: the rest of the answer is never read. The status is what counts.
          res.destroy();
          req.destroy();
          finish();
        }
      });
      res.on('end', finish);
      res.on('error', finish);
      res.on('aborted', finish);
    });
    req.end(body);
  });
}
