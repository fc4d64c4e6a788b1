import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOPIC_CATALOGUE, Topics } from '@postera/contracts';

/** What the deploy checks compare the manifests with, read from the code itself. */
export const root = process.cwd();

export interface Unit {
  /** capture, …, market-sim: the Deployment is postera-<name>. */
  name: string;
  dir: string;
  /** Its Postgres schema (`schema: '…'` in src/main.ts). */
  schema: string;
  port: number;
  consumers: Array<{ consumerId: string; topics: string[] }>;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [p] : [];
  });
}

const topicByKey = Topics as Record<string, string>;

/** Every `readonly consumerId = '…'` with the `readonly topics = [Topics.…]` that follows it. */
export function consumersIn(srcDir: string): Unit['consumers'] {
  const out: Unit['consumers'] = [];
  for (const file of walk(srcDir)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/readonly consumerId = '([^']+)';\s*readonly topics = \[([^\]]*)\]/g)) {
      const topics = [...m[2]!.matchAll(/Topics\.(\w+)/g)].map((t) => {
        const name = topicByKey[t[1]!];
        if (!name) throw new Error(`${file}: Topics.${t[1]} is not in the catalogue`);
        return name;
      });
      out.push({ consumerId: m[1]!, topics });
    }
    const declared = [...text.matchAll(/readonly consumerId = '/g)].length;
    const paired = [...text.matchAll(/readonly consumerId = '([^']+)';\s*readonly topics = \[/g)].length;
    if (declared !== paired) throw new Error(`${file}: a consumerId without its topics right after it; the deploy checks cannot read it`);
  }
  return out.sort((a, b) => a.consumerId.localeCompare(b.consumerId));
}

function unit(name: string, dir: string): Unit {
  const main = readFileSync(join(root, dir, 'src/main.ts'), 'utf8');
  const config = readFileSync(join(root, dir, 'src/config.ts'), 'utf8');
  const schema = /schema: '([a-z_]+)'/.exec(main)?.[1];
  const port = /HTTP_PORT: z\.coerce\.number\(\)\.int\(\)\.default\((\d+)\)/.exec(config)?.[1];
  if (!schema || !port) throw new Error(`${dir}: schema or HTTP_PORT default not found`);
  const consumers = consumersIn(join(root, dir, 'src'));
  // The platform adds the follower of the referential's calendars to a service that asks for it (serviceModule).
  if (/followsCalendars: true/.test(main)) consumers.push({ consumerId: `${name}.refdata-calendars`, topics: [Topics.refdataCalendars] });
  return { name, dir, schema, port: Number(port), consumers: consumers.sort((a, b) => a.consumerId.localeCompare(b.consumerId)) };
}

export const services: Unit[] = readdirSync(join(root, 'services'))
  .sort()
  .map((s) => unit(s, `services/${s}`));
export const marketSim: Unit = unit('market-sim', 'tools/market-sim');
export const allUnits: Unit[] = [...services, marketSim];

export const partitions = new Map(TOPIC_CATALOGUE.topics.map((t) => [t.name, t.partitions]));
