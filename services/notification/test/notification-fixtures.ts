import { physicalTopic, Topics, type AccountRefV1, type EventEnvelope, type InstructionStatusChangedV1, type TradeEconomics } from '@postera/contracts';
import { PEOPLE } from '@postera/devstack';
import type { Person } from '@postera/platform';
import {
  accountRef,
  counterpartyConfirmationIssued as confirmationIssued,
  instructionStatusChanged,
  produceRaw,
  startSmtpSink,
  tradeEconomics,
  waitFor,
  type SmtpSink,
  type SmtpSinkOptions,
} from '@postera/testing';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { e2eEnv, groupCaughtUp, type E2eEnv } from '../../../test/e2e/harness.js';

/** Buy 150 TotalEnergies at 58.505 EUR: gross 8775.75, commission 8.78 → net 8784.53 (the shared trade), for the French client C-FR. */
export const trade = (ref: string, o: Partial<TradeEconomics> = {}): TradeEconomics =>
  tradeEconomics(ref, { account: 'CLI-FR', counterparty: '529900T8BM49AURSDO55', clientId: 'C-FR', ...o });

/** A client's account of the referential: Camille Durand's, equities, held as an investment, unless said. */
export const account = (a: Partial<AccountRefV1> & Pick<AccountRefV1, 'account'>): AccountRefV1 =>
  accountRef({
    clientId: `C-${a.account}`,
    clientName: 'Camille Durand',
    accountType: 'CLIENT',
    book: 'CLIENT-EQ',
    accountingCategory: 'PLACEMENT',
    ...a,
  });

export {
  accountUpserted,
  instrumentUpserted,
  businessDay as day,
  tradeAmended as amended,
  tradeCancelled as cancelled,
  tradeCaptured as captured,
  tradeValidated as validated,
} from '@postera/testing';

/** The trade's instruction, SETTLED unless said, with no settled figures but those given. */
export const instruction = (t: TradeEconomics, o: Partial<InstructionStatusChangedV1>): EventEnvelope =>
  instructionStatusChanged(t, o.status ?? 'SETTLED', {
    settledQuantity: null,
    settledAmount: null,
    stepQuantity: null,
    stepAmount: null,
    effectiveSettlementDate: null,
    netInstructionId: null,
    ...o,
  });

export async function publish(env: E2eEnv, topic: string, ...events: EventEnvelope[]): Promise<void> {
  await produceRaw(
    env.prefix,
    topic,
    events.map((e) => ({ key: e.correlationId, value: JSON.stringify(e) })),
  );
}

export const caughtUp = (env: E2eEnv, consumer: string, topic: string) =>
  waitFor(() => groupCaughtUp(`${env.prefix}.notification.${consumer}`, physicalTopic(env.prefix, topic)), {
    timeoutMs: 30_000,
    what: `notification.${consumer} to consume ${topic}`,
  });

/**
 * What the tests' notification needs besides the stack's defaults: it runs with NODE_ENV=production
 * (the stack's), so a webhook secret of its own (not the development default); its webhook
 * receivers listen on 127.0.0.1 over plain http.
 */
export const TEST_NOTIFICATION_ENV: Record<string, string> = {
  WEBHOOK_SECRET: 'the-tests-default-webhook-secret-9c1e4a7b',
  WEBHOOK_ALLOW_HTTP: 'true',
  WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
};

/** The key that seals webhook secrets in the tests' notification (32 bytes, base64): fixed, so a test can open what is stored. */
export const TEST_WEBHOOK_SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');

export async function notificationEnv(
  label: string,
  basePort: number,
  env: Record<string, string> = {},
  sink: SmtpSinkOptions = {},
  o: { webhookSecretsKey?: string | null } = {},
): Promise<{ env: E2eEnv; smtp: SmtpSink }> {
  const smtp = await startSmtpSink({ port: 0, ...sink });
  const key = o.webhookSecretsKey === undefined ? TEST_WEBHOOK_SECRETS_KEY : o.webhookSecretsKey;
  const e = await e2eEnv(label, {
    basePort,
    smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
    services: ['notification'],
    env: { SEND_POLL_MS: '50', ...TEST_NOTIFICATION_ENV, ...env },
    // Empty is unset: a stack that provides a default key is overridden.
    serviceEnv: { notification: { WEBHOOK_SECRETS_KEY: key ?? '' } },
  });
  return { env: e, smtp };
}

/** A call to a service of the stack as the gateway would make it for `who` (an auditor unless told): a token bound to this method and path. */
export async function callAs(env: E2eEnv, url: string, o: { method?: string; who?: Person; body?: unknown } = {}): Promise<Response> {
  const method = o.method ?? 'GET';
  const auth = await env.stack.as(o.who ?? PEOPLE.auditor, method, url);
  return fetch(url, {
    method,
    headers: { ...auth, ...(o.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
  });
}

/** A read of JSON by a reader (an auditor unless told). */
export async function getJson<T>(env: E2eEnv, url: string, who: Person = PEOPLE.auditor): Promise<{ status: number; body: T }> {
  const res = await callAs(env, url, { who });
  return { status: res.status, body: (await res.json()) as T };
}

/** The text of every page of a PDF, read by pdf.js (Mozilla's reader), lines joined by newlines. */
export async function pdfText(bytes: Buffer): Promise<string> {
  const doc = await getDocument({
    data: new Uint8Array(bytes),
    useSystemFonts: false,
    isEvalSupported: false,
    disableFontFace: true,
    standardFontDataUrl: fileURLToPath(new URL('../../../node_modules/pdfjs-dist/standard_fonts/', import.meta.url)),
  }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((it) => ('str' in it ? it.str + (it.hasEOL ? '\n' : '') : '')).join(''));
  }
  await doc.destroy();
  return pages.join('\n');
}

/** A counterparty's confirmation of the trade `ref` issued by capture (trade.events.v1), for Banque Exemple SA (`lei`): settlement amount 8775.75. */
export const counterpartyConfirmationIssued = (ref: string, lei: string) =>
  confirmationIssued(tradeEconomics(ref), { lei, name: 'Banque Exemple SA', bic: 'BEXAFRPPXXX' });

/**
 * A receiver answering with a 50 MB body, written as fast as the client reads it from one 64 KiB
 * buffer (the server holds none of it); `written()` says how much the client took before it stopped.
 */
export function hugeAnswer(): { bytes: number; respond(res: ServerResponse): void; written(): number } {
  const bytes = 50 * 1024 * 1024;
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let written = 0;
  return {
    bytes,
    written: () => written,
    respond(res) {
      res.writeHead(200, { 'content-length': String(bytes) });
      const pump = () => {
        while (written < bytes) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    },
  };
}

export { Topics };
