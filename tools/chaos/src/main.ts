#!/usr/bin/env node
/**
 * npm run chaos [-- --trades=50000 --seconds=3100 --seed=42 --window=660 --kills=13 --broker-restarts=2
 *               --postgres-restarts=2 --poisons=9 --bad-trades=6 --kill-gateway --no-replay --keep]
 * The fault-injection run on its own broker and Postgres; prints what it injected and what it verified,
 * writes chaos-results/<run>.json, exits 1 on any failed invariant.
 */
import { formatReport } from './report.js';
import { abortActiveRun, defaultOptions, runChaos } from './run.js';
import { KILLABLE_DEFAULT } from './faults.js';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'];
  }),
);
const int = (name: string): number | undefined => {
  const v = args.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} wants a whole number, got ${v}`);
  return n;
};

async function main() {
  const trades = int('trades') ?? Number(process.env.CHAOS_TRADES ?? 50_000);
  const base = defaultOptions(trades);
  const o = defaultOptions(trades, {
    seconds: int('seconds') ?? base.seconds,
    seed: int('seed') ?? base.seed,
    windowSeconds: int('window') ?? base.windowSeconds,
    kills: int('kills') ?? base.kills,
    brokerRestarts: Math.max(1, int('broker-restarts') ?? base.brokerRestarts),
    postgresRestarts: Math.max(1, int('postgres-restarts') ?? base.postgresRestarts),
    poisons: Math.max(1, int('poisons') ?? base.poisons),
    badTrades: int('bad-trades') ?? base.badTrades,
    killable: args.has('kill-gateway') ? [...KILLABLE_DEFAULT, 'gateway'] : KILLABLE_DEFAULT,
    replay: !args.has('no-replay'),
    keep: args.has('keep'),
  });
  const report = await runChaos(o);
  process.stdout.write(formatReport(report));
  process.exitCode = report.pass ? 0 : 1;
}

// An interrupted or crashed orchestrator stops its broker, Postgres and services before it exits.
let aborting = false;
const abort = (why: string, exitCode: number) => {
  if (aborting) return;
  aborting = true;
  process.stderr.write(`chaos run ${why}: stopping every process of the run\n`);
  void abortActiveRun().finally(() => process.exit(exitCode));
};
process.on('SIGINT', () => abort('interrupted (SIGINT)', 130));
process.on('SIGTERM', () => abort('terminated (SIGTERM)', 143));
process.on('uncaughtException', (e) => {
  process.stderr.write(`chaos orchestrator crashed: ${e.stack ?? e}\n`);
  abort('crashed', 1);
});

main().catch((e) => {
  process.stderr.write(`chaos run failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
