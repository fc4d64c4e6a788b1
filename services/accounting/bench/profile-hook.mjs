// Loaded with NODE_OPTIONS=--import=<this file> (bench --profile): sums the time of every SQL
// statement by its first words, and of each transaction, and records a CPU profile; both are
// written to PROFILE_DIR when the process exits (sql.txt, and a .cpuprofile for DevTools).
const dir = process.env.PROFILE_DIR ?? '/tmp/accounting-profile';
mkdirSync(dir, { recursive: true });
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');
session.post('HeapProfiler.enable');
session.post('HeapProfiler.startSampling', { samplingInterval: 64 * 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { AsyncLocalStorage } from 'node:async_hooks';
import { join } from 'node:path';
import typeorm from 'typeorm';

const stats = new Map();
const add = (key, ms) => {
  const s = stats.get(key) ?? { n: 0, ms: 0 };
  s.n++;
  s.ms += ms;
  stats.set(key, s);
};
const keyOf = (sql) => sql.replace(/\s+/g, ' ').trim().slice(0, 90);
// Each transaction's steps in order (the timeline of one batch): start, then [statement, ms, rows].
const current = new AsyncLocalStorage();
const timeline = [];
const t0 = performance.now();
const query = typeorm.EntityManager.prototype.query;
typeorm.EntityManager.prototype.query = async function (sql, params) {
  const t = performance.now();
  try {
    return await query.call(this, sql, params);
  } finally {
    const ms = performance.now() - t;
    add(keyOf(sql), ms);
    current.getStore()?.steps.push(`${keyOf(sql).slice(0, 60)} ${ms.toFixed(0)}ms${Array.isArray(params?.[0]) ? ` n=${params[0].length}` : ''}`);
  }
};
const transaction = typeorm.DataSource.prototype.transaction;
typeorm.DataSource.prototype.transaction = async function (...args) {
  const t = performance.now();
  const record = { at: t - t0, steps: [] };
  try {
    return await current.run(record, () => transaction.apply(this, args));
  } finally {
    record.ms = performance.now() - t;
    if (record.steps.length > 1) timeline.push(record);
    add('(whole transaction)', performance.now() - t);
  }
};
process.on('exit', () => {
  const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms);
  const out = rows.map(([k, s]) => `${s.ms.toFixed(0).padStart(8)} ms ${String(s.n).padStart(6)}× ${(s.ms / s.n).toFixed(1).padStart(7)} ms  ${k}`).join('\n');
  writeFileSync(join(dir, 'sql.txt'), out + '\n');
  writeFileSync(join(dir, 'timeline.txt'), timeline.map((r) => `@${r.at.toFixed(0)} +${r.ms.toFixed(0)}ms\n    ${r.steps.join('\n    ')}`).join('\n') + '\n');
  session.post('HeapProfiler.stopSampling', (err, r) => {
    if (!err) writeFileSync(join(dir, `accounting-${process.pid}.heapprofile`), JSON.stringify(r.profile));
  });
  // The inspector answers synchronously on the main thread, so this runs inside 'exit'.
  session.post('Profiler.stop', (err, r) => {
    if (!err) writeFileSync(join(dir, `accounting-${process.pid}.cpuprofile`), JSON.stringify(r.profile));
  });
});
