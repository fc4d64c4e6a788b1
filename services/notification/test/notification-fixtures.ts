import {
  envelope,
  physicalTopic,
  Topics,
  type AccountRefV1,
  type EventEnvelope,
  type InstrumentRefV1,
  type InstructionStatusChangedV1,
  type TradeEconomics,
} from '@postera/contracts';
import { PEOPLE } from '@postera/devstack';
import { deterministicId } from '@postera/kernel';
import type { Person } from '@postera/platform';
import { produceRaw, startSmtpSink, waitFor, type SmtpSink, type SmtpSinkOptions } from '@postera/testing';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { e2eEnv, groupCaughtUp, type E2eEnv } from '../../../test/e2e/harness.js';

/** Buy 150 TotalEnergies at 58.505 EUR: gross 8775.75, commission 8.78 → net 8784.53. */
export function trade(ref: string, o: Partial<TradeEconomics> = {}): TradeEconomics {
  const [sourceSystem = '', tradeId = ''] = ref.split(':');
  return {
    tradeRef: ref,
    sourceSystem,
    tradeId,
    version: 1,
    side: 'BUY',
    isin: 'FR0000120271',
    quantity: '150',
    price: '58.505',
    priceType: 'UNIT',
    currency: 'EUR',
    grossAmount: '8775.75',
    accruedInterest: '0.00',
    feesAmount: '8.78',
    netAmount: '8784.53',
    fees: [{ type: 'COMMISSION', amount: '8.78', currency: 'EUR' }],
    tradeDate: '2026-11-26',
    settlementDate: '2026-11-30',
    executedAt: '2026-11-26T10:15:02.120+01:00',
    venue: 'XPAR',
    account: 'CLI-FR',
    counterparty: '529900T8BM49AURSDO55',
    capacity: 'AOTC',
    orderType: 'LIMIT',
    clientId: 'C-FR',
    accountType: 'CLIENT',
    book: 'CLIENT-EQ',
    instrumentType: 'SHARE',
    settlementMarket: 'EU',
    placeOfSettlement: 'SICVFRPPXXX',
    ssis: { account: null, counterparty: null },
    origin: 'ELECTRONIC',
    lateBooking: false,
    ...o,
  };
}

export function account(a: Partial<AccountRefV1> & Pick<AccountRefV1, 'account'>): AccountRefV1 {
  return {
    clientId: `C-${a.account}`,
    clientName: 'Camille Durand',
    accountType: 'CLIENT',
    book: 'CLIENT-EQ',
    language: 'fr',
    email: null,
    baseCurrency: 'EUR',
    accountingCategory: 'PLACEMENT',
    costMethod: 'CMP',
    contacts: [],
    netting: false,
    version: 1,
    ...a,
  };
}

const ev = <P>(type: string, correlationId: string, payload: P) =>
  envelope({ type, producer: 'test', correlationId, causationId: null, payload }) as EventEnvelope;
export const accountUpserted = (a: AccountRefV1) => ev('AccountUpserted', a.account, a);
/** An instrument of the referential, as capture publishes it on refdata.instruments.v1 (a share of Euronext Paris unless told). */
export const instrumentUpserted = (isin: string, name: string, o: Partial<InstrumentRefV1> = {}) =>
  ev('InstrumentUpserted', isin, {
    isin,
    name,
    instrumentType: 'SHARE',
    currency: 'EUR',
    issuerCountry: 'FR',
    settlementMarket: 'EU',
    placeOfSettlement: 'SICVFRPPXXX',
    liquidityClass: 'LIQUID_SHARE',
    ttfScopeYears: [2026],
    bond: null,
    version: 1,
    ...o,
  } satisfies InstrumentRefV1);
export const captured = (t: TradeEconomics) => ev('TradeCaptured', t.tradeRef, { trade: t, status: 'CAPTURED' });
export const validated = (t: TradeEconomics) => ev('TradeValidated', t.tradeRef, { trade: t, how: 'STRAIGHT_THROUGH', validatedBy: null, status: 'VALIDATED' });
export const amended = (before: TradeEconomics, after: TradeEconomics) => ev('TradeAmended', after.tradeRef, { before, after, status: 'CAPTURED' });
export const cancelled = (t: TradeEconomics, cancelVersion: number) => ev('TradeCancelled', t.tradeRef, { trade: t, cancelVersion, status: 'CANCELLED' });
export const day = (type: 'BusinessDayOpened' | 'BusinessDayClosed', businessDate: string) =>
  ev(type, `business-day:${businessDate}`, { calendar: 'TARGET', businessDate });

export function instruction(t: TradeEconomics, o: Partial<InstructionStatusChangedV1>): EventEnvelope {
  const p: InstructionStatusChangedV1 = {
    instructionId: deterministicId('instruction', t.tradeRef, String(t.version)),
    tradeRef: t.tradeRef,
    tradeVersion: t.version,
    status: 'SETTLED',
    reason: null,
    isin: t.isin,
    side: t.side,
    account: t.account,
    counterparty: t.counterparty,
    currency: t.currency,
    quantity: t.quantity,
    settlementAmount: t.netAmount,
    intendedSettlementDate: t.settlementDate,
    settledQuantity: null,
    settledAmount: null,
    stepQuantity: null,
    stepAmount: null,
    effectiveSettlementDate: null,
    clientId: t.clientId,
    book: t.book,
    netInstructionId: null,
    ...o,
  };
  return ev('InstructionStatusChanged', t.tradeRef, p);
}

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

/** A counterparty's trade confirmation issued by capture (trade.events.v1), for the counterparty `lei`. */
export const counterpartyConfirmationIssued = (ref: string, lei: string) =>
  envelope({
    type: 'CounterpartyConfirmationIssued',
    producer: 'test',
    correlationId: ref,
    causationId: null,
    payload: {
      tradeRef: ref,
      version: 1,
      counterparty: { lei, name: 'Banque Exemple SA', bic: 'BEXAFRPPXXX' },
      side: 'BUY',
      isin: 'FR0000120271',
      quantity: '150',
      price: '58.505',
      priceType: 'UNIT',
      currency: 'EUR',
      tradeDate: '2026-11-26',
      settlementDate: '2026-11-30',
      settlementAmount: '8775.75',
    },
  });

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
