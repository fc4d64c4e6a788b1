#!/usr/bin/env node
/**
 * The main job: a back-office day on this machine, end to end. Topics for a fresh demo run, every
 * service as its own process, the sample referential, a sample day of executions, the day closed
 * and rolled to the settlement date, then the summary a back-office head reads in the morning.
 * The stack stays up (gateway on :3000) until Ctrl-C, unless --exit.
 */
import { Topics } from '@postera/contracts';
import { addBusinessDays, TARGET } from '@postera/kernel';
import { startSmtpSink } from '@postera/testing';
import { join } from 'node:path';
import pg from 'pg';
import {
  closeDay,
  demoPlan,
  demoTradeDateProblem,
  eodSummary,
  formatSummary,
  loadSampleReferential,
  openDay,
  runDaysThroughSettlement,
  todayUtc,
  waitForCapturedAndInstructed,
  waitForDeclarations,
  waitForNotifications,
  type DemoPlan,
} from './day.js';
import { MAIN_JOB_USAGE, mainJobArgs, MainJobArgsError, stageBudgetMs, type MainJobArgs } from './main-job-args.js';
import { Progress } from './progress.js';
import { DEMO_FX_SOURCE, publishDemoFxRates, sampleForeignCurrencies } from './rates.js';
import { sampleConfirmations } from './confirmations.js';
import { publish } from './publish.js';
import { startWebhookSink } from './webhook-sink.js';
import { sampleDay } from './sample.js';
import { CONSOLE_CLIENT_ID, DEMO_USERS, gatewayTrust, startOidcIssuer } from './oidc-issuer.js';
import { DemoSignIns } from './oidc-sign-in.js';
import { REPO_ROOT, Stack } from './stack.js';
import { deleteTopics, ensureTopics } from './topics.js';

let args: MainJobArgs;
try {
  args = mainJobArgs(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof MainJobArgsError)) throw e;
  process.stderr.write(`${e.message}\n`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(`${MAIN_JOB_USAGE}\n`);
  process.exit(0);
}
const exitAtEnd = args.exit;
const count = args.trades;
const budgetMs = stageBudgetMs(count);
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postera_demo';
const basePort = Number(process.env.POSTERA_BASE_PORT ?? 3000);

/** Business days rolled from the trade date to the settlement date (EU T+2 on TARGET; the sample's US trades settle T+1, within it). */
const CYCLE_DAYS = 2;

/**
 * The demo's days (day.ts demoPlan): by default the trade date whose settlement is the last business
 * day of the latest month ended by today, then the next month's first business day when it has come;
 * `--date` chooses another trade date, never one whose cycle would end after today (its month's
 * declarations are then filed only if that cycle closes the month).
 */
function chooseDays(): DemoPlan {
  const today = todayUtc();
  const asked = args.date;
  if (asked === undefined) return demoPlan(today, CYCLE_DAYS);
  const problem = demoTradeDateProblem(asked, today, CYCLE_DAYS);
  if (problem) throw new MainJobArgsError(`--date=${asked} refused: ${problem}`);
  return { tradeDate: asked, monthEnd: addBusinessDays(asked, CYCLE_DAYS, TARGET), after: [] };
}

async function freshDemoDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  // Only the demo's own database is ever dropped; any other DATABASE_URL is used as it is.
  if (name !== 'postera_demo') return;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'postera_demo' AND pid <> pg_backend_pid()`);
  await c.query('DROP DATABASE IF EXISTS postera_demo');
  await c.query('CREATE DATABASE postera_demo');
  await c.end();
}

const progress = new Progress();
const step = (s: string) => {
  progress.end();
  process.stdout.write(`» ${s}\n`);
};
/** A stage's progress callback: what the waits report while the step's line is not yet written. */
const stage = (name: string) => (detail: string) => progress.update(name, detail);

async function main() {
  const days = chooseDays();
  const tradeDate = days.tradeDate;
  const runId = `demo-${Date.now().toString(36)}`;
  step(`demo run ${runId}: Kafka ${brokers}, database ${new URL(databaseUrl).pathname.slice(1)}, trade date ${tradeDate}, ${count} executions`);
  await freshDemoDatabase(databaseUrl);
  await deleteTopics(brokers, 'demo').catch(() => undefined);
  step(`topics: ${await ensureTopics(brokers, 'demo', runId)} ready under prefix "demo"`);

  const smtpUrl = process.env.SMTP_URL;
  const sink = smtpUrl ? null : await startSmtpSink({ port: Number(process.env.POSTERA_MAIL_PORT ?? 2525) });
  if (sink) step(`client mail goes to a local SMTP server on 127.0.0.1:${sink.port} `);
  const hooks = await startWebhookSink();
  step(`client webhooks go to a local receiver at ${hooks.url}`);

  // The people of the demo sign in at a local OpenID provider; the gateway trusts its keys only.
  const gatewayUrl = `http://127.0.0.1:${basePort}`;
  const oidc = {
    port: Number(process.env.POSTERA_OIDC_PORT ?? basePort + 10),
    // The console as the browser reaches it, by address or by name.
    redirectUris: [`${gatewayUrl}/console/`, `http://localhost:${basePort}/console/`],
    resource: `${gatewayUrl}/api`,
    audience: 'postera-gateway',
  };
  const idp = await startOidcIssuer(oidc);
  const signIns = new DemoSignIns((login) => ({
    issuer: idp.issuer,
    clientId: CONSOLE_CLIENT_ID,
    redirectUri: oidc.redirectUris[0]!,
    resource: oidc.resource,
    login,
  }));
  step(`OpenID provider on ${idp.issuer}: the demo's people sign in there (authorization code with PKCE)`);

  const stack = new Stack({
    operatorToken: (roles) => signIns.tokenFor(roles),
    databaseUrl,
    kafkaBrokers: brokers,
    topicPrefix: 'demo',
    groupPrefix: runId,
    basePort,
    logDir: join(REPO_ROOT, '.local/logs', runId),
    smtpUrl: smtpUrl ?? `smtp://127.0.0.1:${sink!.port}`,
    serviceEnv: {
      gateway: gatewayTrust(idp, oidc.audience, oidc.resource),
      'market-sim': {
        MARKET_SIM_FAIL_RATE: '0.02',
        MARKET_SIM_SEED: 'demo',
        // One Apple instruction in ten matched a business day late (the counterparty instructs late): they
        // settle T+1, so they match at the close of the month's last day, each a late-matching penalty day.
        MARKET_SIM_RULES: JSON.stringify([{ isin: 'US0378331005', share: 0.1, outcome: 'LATE_MATCH', reason: 'CMIS', days: 1 }]),
      },
    },
  });
  const shutdown = async () => {
    step('stopping the services (each finishes its batch in hand)');
    await stack.stopAll();
    await sink?.close();
    await hooks.close();
    await idp.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  stopOnFailure = () => stack.stopAll();

  await stack.startAll(stage('services'));
  step(`services up: gateway ${stack.url('gateway')} (logs in .local/logs/${runId})`);
  await loadSampleReferential(stack, { webhookUrl: hooks.url });
  await openDay(stack, tradeDate);
  step(`business day ${tradeDate} open; referential loaded`);
  // The reference rates of every day the demo closes, published before those closes: each close revalues the books' USD.
  const rateDays = [tradeDate, ...Array.from({ length: CYCLE_DAYS }, (_, i) => addBusinessDays(tradeDate, i + 1, TARGET)), ...days.after];
  await publishDemoFxRates(brokers, 'demo', rateDays);
  step(`reference rates of ${rateDays.join(', ')} published for ${sampleForeignCurrencies().join(', ')} (source "${DEMO_FX_SOURCE}")`);

  const messages = sampleDay({ tradeDate, count, invalidEvery: 50, runId: 'D' });
  // The counterparties confirm most trades; 1 in 40 stays unconfirmed, 1 in 97 is confirmed with another quantity.
  const confirmations = sampleConfirmations(messages, { missingEvery: 40, mismatchEvery: 97 });
  const started = Date.now();
  await Promise.all([publish(brokers, 'demo', Topics.tradesExecuted, messages), publish(brokers, 'demo', Topics.confirmationsReceived, confirmations)]);
  await waitForCapturedAndInstructed(stack, messages.length, budgetMs, confirmations.length, stage('capture'));
  step(
    `${messages.length} executions and ${confirmations.length} counterparty confirmations: captured, confirmed, validated and instructed in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  const settlementDate = await runDaysThroughSettlement(stack, tradeDate, CYCLE_DAYS, budgetMs, { progress: stage('settlement') });
  await waitForNotifications(stack, budgetMs, stage('notices'));
  step(`days closed through ${settlementDate}; settlement cycle run by the simulated CSD`);

  for (const day of days.after) {
    progress.update('days', `opening and closing ${day}`);
    await openDay(stack, day);
    await closeDay(stack, day);
  }
  const lastClosed = days.after.at(-1) ?? settlementDate;
  const month = settlementDate.slice(0, 7);
  if (addBusinessDays(settlementDate, 1, TARGET).slice(0, 7) > month) {
    const versions = await waitForDeclarations(stack, month, lastClosed, 120_000, stage('declarations'));
    step(
      `declarations of ${month} filed by reporting at the close of ${settlementDate} (TTF for the Trésor public, Banque de France balance of payments and holdings)` +
        (days.after.length
          ? `; after the close of ${days.after.join(', ')}: versions ${Object.entries(versions)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}`
          : ''),
    );
  } else step(`declarations of ${month} not filed: the month ends after ${settlementDate}`);
  progress.end();
  const summary = await eodSummary(stack, lastClosed);
  process.stdout.write(`\n${formatSummary(summary, { published: messages.length, businessDate: lastClosed })}\n\n`);
  if (!summary.accounting.balanced) process.exitCode = 1;

  if (exitAtEnd) return shutdown();
  step(`the stack stays up — Ctrl-C to stop. The operators' console: ${stack.url('gateway')}/console/ (the API: ${stack.url('gateway')}/api/docs)`);
  const width = Math.max(...DEMO_USERS.map((p) => p.id.length));
  process.stdout.write(
    `  The demo's people sign in at ${idp.issuer} (any password):\n${DEMO_USERS.map((p) => `    ${p.id.padEnd(width)}  ${p.name} (${p.roles.join(', ')})`).join('\n')}\n`,
  );
  // A working day's token for three of them, signed in as the console would: enough to try four eyes
  // (the operator proposes, the supervisor approves) and the audit log.
  process.stdout.write(`  Their tokens for curl, valid eight hours:\n`);
  for (const [name, login] of [
    ['OPERATOR', 'olivia.operator'],
    ['SUPERVISOR', 'sam.supervisor'],
    ['AUDITOR', 'ada.auditor'],
  ] as const)
    process.stdout.write(`  export ${name}=${await signIns.token(login)}\n`);
  process.stdout.write(`  curl -H "Authorization: Bearer $SUPERVISOR" ${stack.url('gateway')}/api/eod-summary\n`);
}

let stopOnFailure: () => Promise<void> = async () => undefined;

main().catch(async (e) => {
  progress.end();
  if (e instanceof MainJobArgsError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`main job failed: ${(e as Error).stack ?? e}\n`);
  await stopOnFailure().catch(() => undefined);
  process.exit(1);
});
