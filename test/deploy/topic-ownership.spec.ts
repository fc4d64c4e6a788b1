import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOPIC_CATALOGUE, Topics } from '@postera/contracts';
import { allUnits, root, type Unit } from './sources.js';

/**
 * The broker's ACLs come from the catalogue's producers and consumers (topic-acls.ts); here the
 * catalogue is held to the code: every consumer a service declares reads only topics the catalogue
 * lets it read, and every topic its code emits to is one the catalogue lets it write. A catalogue that
 * forgot one would have the broker refuse the service at start; one that grants more than the code
 * uses is caught too.
 */
const topicByKey = Topics as Record<string, string>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [p] : [];
  });
}

/**
 * The topics a unit's code sends events to: `topic: Topics.x` in an emitted event or an outbox row —
 * not a receipt of what it read (`receipts.push`) nor the stand-in record of a stored input (`partition: -1`).
 */
function producedBy(u: Unit): string[] {
  const names = new Set<string>();
  for (const file of sourceFiles(join(root, u.dir, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const line of text.split('\n')) {
      if (/receipts\.push|partition: -1/.test(line)) continue;
      for (const m of line.matchAll(/topic: Topics\.(\w+)/g)) names.add(topicByKey[m[1]!]!);
    }
    // notification's delivery events go through its repository's outbox insert, named by the constant.
    for (const m of text.matchAll(/^\s+Topics\.(\w+),\s*$/gm)) if (/outbox/i.test(text)) names.add(topicByKey[m[1]!]!);
  }
  return [...names].sort();
}

/** The business-day follower, added to every unit by the platform (serviceModule). */
const FOLLOWER = Topics.businessDay;

describe.each(allUnits.map((u) => [u.name, u] as const))('%s: the catalogue grants what the code uses', (name, u) => {
  it('reads exactly the topics its consumers declare (and the business day)', () => {
    const declared = new Set([FOLLOWER, ...u.consumers.flatMap((c) => c.topics)]);
    const granted = TOPIC_CATALOGUE.topics.filter((t) => t.consumers.includes(name)).map((t) => t.name);
    expect(granted.sort()).toEqual([...declared].sort());
  });

  it('each consumer group is named after it (its group ACL is `<prefix>.<service>.`)', () => {
    for (const c of u.consumers) expect(c.consumerId.startsWith(`${name}.`)).toBe(true);
  });

  it('writes exactly the topics the catalogue names it a producer of', () => {
    const granted = TOPIC_CATALOGUE.topics.filter((t) => t.producers.includes(name)).map((t) => t.name);
    expect(producedBy(u)).toEqual(granted.sort());
  });
});

it('every principal the catalogue names as a producer or consumer is a unit of Postera, or upstream', () => {
  const known = new Set([...allUnits.map((u) => u.name), 'upstream']);
  const named = new Set(TOPIC_CATALOGUE.topics.flatMap((t) => [...t.producers, ...t.consumers]));
  expect([...named].filter((p) => !known.has(p))).toEqual([]);
});
