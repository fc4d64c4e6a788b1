/** The run's summary as a person reads it: what was injected, each invariant with its figures. */
import type { ChaosReport } from './run.js';

export function formatReport(r: ChaosReport): string {
  const lines = [
    '',
    `Postera chaos run ${r.runId} — seed ${r.seed} (replay it with --seed=${r.seed}), ${r.options.trades} trades, trade date ${r.tradeDate}`,
    '',
    'Injected',
    ...r.injections.map((i) => `  +${String(i.atSeconds).padStart(6)} s  ${i.description}${i.error ? `  FAILED: ${i.error}` : ''} (${(i.tookMs / 1000).toFixed(1)} s)`),
    ...r.unexpectedExits.map((x) => `  +${String(x.atSeconds).padStart(6)} s  !! ${x.service} exited on its own (code ${x.code}); started again`),
    `  publisher sends retried: ${r.publisherRetries}`,
    '',
    'Verified',
    ...r.verdicts.map((v) => `  ${v.bound ? 'NOTE' : v.pass ? 'PASS' : 'FAIL'}  ${v.invariant}\n        ${v.figures}${v.details ? `\n        ${JSON.stringify(v.details)}` : ''}`),
    '',
    `Phases (s from start): ${Object.entries(r.phases)
      .map(([k, v]) => `${v} ${k.split(' ')[0]}`)
      .join(' · ')}`,
    `${r.pass ? 'PASS' : 'FAIL'} — results in ${r.resultsFile ?? '(not written)'}`,
    '',
  ];
  return lines.join('\n');
}
