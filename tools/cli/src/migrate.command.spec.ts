import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { postera } from '../test/run-postera.js';
import { MIGRATED } from './migrate.command.js';

// A repository of stand-in services: each built main.js notes that it ran, with its arguments and
// HTTP_PORT, in a log, and exits with the code the test gave it.
let root: string;
const log = () => join(root, 'ran.log');

async function service(main: string, exitCode = 0) {
  const file = join(root, main);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(
    file,
    `import { appendFileSync } from 'node:fs';\n` +
      `appendFileSync(${JSON.stringify(log())}, ${JSON.stringify(main)} + ' ' + process.argv.slice(2).join(' ') + ' HTTP_PORT=' + process.env.HTTP_PORT + '\\n');\n` +
      `console.log('migrated ' + ${JSON.stringify(main)});\n` +
      `process.exit(${exitCode});\n`,
  );
}
const ran = async () => (await readFile(log(), 'utf8').catch(() => '')).split('\n').filter(Boolean);

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'postera-cli-migrate-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('postera migrate', () => {
  it("runs every service's `main.js migrate`, in order, with HTTP_PORT 0 when unset; exit 0", async () => {
    for (const m of MIGRATED) await service(m.main);
    const run = await postera(['migrate'], { root, env: { PATH: process.env.PATH } });
    expect(run.code).toBe(0);
    expect(await ran()).toEqual([
      'services/capture/dist/main.js migrate HTTP_PORT=0',
      'services/settlement/dist/main.js migrate HTTP_PORT=0',
      'services/accounting/dist/main.js migrate HTTP_PORT=0',
      'services/reporting/dist/main.js migrate HTTP_PORT=0',
      'services/notification/dist/main.js migrate HTTP_PORT=0',
      'services/gateway/dist/main.js migrate HTTP_PORT=0',
      'tools/market-sim/dist/main.js migrate HTTP_PORT=0',
    ]);
    expect(run.out).toContain('migrated tools/market-sim/dist/main.js\n');
  });

  it('stops at the first service whose migrations fail, naming it: exit 1, the services after it untouched', async () => {
    for (const m of MIGRATED) await service(m.main, m.name === 'accounting' ? 7 : 0);
    const run = await postera(['migrate'], { root, env: { PATH: process.env.PATH, HTTP_PORT: '4999' } });
    expect(run.code).toBe(1);
    expect(run.err).toBe('postera migrate: migrations failed in accounting (services/accounting/dist/main.js, exit 7)\n');
    expect(await ran()).toEqual([
      'services/capture/dist/main.js migrate HTTP_PORT=4999',
      'services/settlement/dist/main.js migrate HTTP_PORT=4999',
      'services/accounting/dist/main.js migrate HTTP_PORT=4999',
    ]);
  });

  it('named services only, in the order of the list whatever the order given', async () => {
    for (const m of MIGRATED) await service(m.main);
    const run = await postera(['migrate', 'gateway', 'capture'], { root, env: {} });
    expect(run.code).toBe(0);
    expect(await ran()).toEqual(['services/capture/dist/main.js migrate HTTP_PORT=0', 'services/gateway/dist/main.js migrate HTTP_PORT=0']);
  });

  it('a service not built: nothing migrated, "run npm run build first", exit 2', async () => {
    for (const m of MIGRATED.filter((x) => x.name !== 'reporting')) await service(m.main);
    const run = await postera(['migrate'], { root, env: {} });
    expect(run).toEqual({ code: 2, out: '', err: 'postera migrate: services/reporting/dist/main.js missing: run `npm run build` first\n' });
    expect(await ran()).toEqual([]);
  });

  it('an unknown service: exit 2 with the list', async () => {
    const run = await postera(['migrate', 'ledger'], { root, env: {} });
    expect(run.code).toBe(2);
    expect(run.err).toBe('postera migrate: no service ledger (there are capture, settlement, accounting, reporting, notification, gateway, market-sim)\n');
  });
});
