// npm run migrate — applies every service's migrations (each in its own schema), in turn.
// Uses the same environment as the services (DATABASE_URL, …); builds nothing: run `npm run build` first.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mains = ['capture', 'settlement', 'accounting', 'reporting', 'notification', 'gateway']
  .map((s) => `services/${s}/dist/main.js`)
  .concat(['tools/market-sim/dist/main.js']);

for (const main of mains) {
  const run = spawnSync(process.execPath, [join(root, main), 'migrate'], { stdio: 'inherit', env: { ...process.env, HTTP_PORT: process.env.HTTP_PORT ?? '0' } });
  if (run.status !== 0) {
    process.stderr.write(`migration failed in ${main} (exit ${run.status})\n`);
    process.exit(run.status ?? 1);
  }
}
