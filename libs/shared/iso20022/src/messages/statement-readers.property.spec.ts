import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { parseCamt053 } from './camt053.js';
import { parseSemt002 } from './semt002.js';
import { XmlReadError } from '../xml/read.js';

/**
 * A statement reader never crashes: whatever a bank or a custodian sends — an element dropped,
 * repeated or renamed, a value turned to garbage, a file cut short, a DTD slipped in — each read
 * either returns figures that are decimal strings, or throws an XmlReadError. A TypeError here would
 * be a crash of the reconciliation on somebody else's file.
 */

const corpus = new URL('../../corpus/ok/', import.meta.url);
const seeds = readdirSync(corpus)
  .filter((f) => f.endsWith('.xml'))
  .sort()
  .map((f) => ({ f, xml: readFileSync(new URL(f, corpus), 'utf8') }));

/** The line of each element's start and of its matching end (our corpus writes one element per line, indented). */
function elementSpans(lines: string[]): Array<{ from: number; to: number; name: string }> {
  const spans: Array<{ from: number; to: number; name: string }> = [];
  lines.forEach((l, i) => {
    const open = /^(\s*)<([A-Za-z][\w:]*)[ >]/.exec(l);
    if (!open || l.trimEnd().endsWith('/>')) return;
    const [, indent, name] = open;
    if (l.includes(`</${name}>`)) return spans.push({ from: i, to: i, name: name! });
    const close = lines.findIndex((m, j) => j > i && m.startsWith(`${indent}</${name}>`));
    if (close > i) spans.push({ from: i, to: close, name: name! });
  });
  return spans;
}

type Mutation =
  | { kind: 'drop' | 'duplicate'; at: number }
  | { kind: 'rename'; at: number; name: string }
  | { kind: 'garbage'; at: number; text: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'dtd'; at: number };

function mutate(xml: string, m: Mutation): string {
  const lines = xml.split('\n');
  const spans = elementSpans(lines);
  const span = spans[m.at % Math.max(spans.length, 1)];
  // A document already cut to nothing has no element left to mutate: it stays as it is.
  if (!span || xml.length === 0) return xml;
  switch (m.kind) {
    case 'drop':
      return [...lines.slice(0, span.from), ...lines.slice(span.to + 1)].join('\n');
    case 'duplicate':
      return [...lines.slice(0, span.to + 1), ...lines.slice(span.from, span.to + 1), ...lines.slice(span.to + 1)].join('\n');
    case 'rename': {
      const out = [...lines];
      out[span.from] = out[span.from]!.replace(`<${span.name}`, `<${m.name}`);
      out[span.to] = out[span.to]!.replace(`</${span.name}>`, `</${m.name}>`);
      return out.join('\n');
    }
    case 'garbage': {
      const leaves = [...xml.matchAll(/>([^<>\n]*)<\//g)];
      const leaf = leaves[m.at % Math.max(leaves.length, 1)];
      if (!leaf) return xml;
      const start = leaf.index + 1;
      return xml.slice(0, start) + m.text + xml.slice(start + leaf[1]!.length);
    }
    case 'truncate':
      return xml.slice(0, m.at % xml.length);
    case 'dtd': {
      const withDtd = xml.replace(/(<\?xml[^>]*\?>)?/, (decl) => `${decl}\n<!DOCTYPE Document [<!ENTITY e "&#60;Ntry/&#62;"><!ENTITY big "&e;&e;&e;&e;">]>`);
      const leaves = [...withDtd.matchAll(/>([^<>\n]*)<\//g)];
      const leaf = leaves[m.at % Math.max(leaves.length, 1)];
      if (!leaf) return withDtd;
      return withDtd.slice(0, leaf.index + 1) + '&big;' + withDtd.slice(leaf.index + 1);
    }
  }
}

const garbage = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '-1',
    '-0.00',
    '1e5',
    '1,50',
    'NaN',
    'abc',
    '99999999999999999999999',
    '2026-02-30',
    '2026-13-01T00:00:00',
    'SHOR',
    'true',
    '<',
    '&amp;',
    '&unknown;',
    'CRDT',
  ),
  fc.string({ maxLength: 40 }),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('rename' as const),
    at: fc.nat(),
    name: fc.constantFrom('Ntry', 'Bal', 'Amt', 'Cd', 'Dt', 'DtTm', 'Stmt', 'ISIN', 'Unit', 'X', 'AggtBal', 'ShrtLngInd'),
  }),
  fc.record({ kind: fc.constant('garbage' as const), at: fc.nat(), text: garbage }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dtd' as const), at: fc.nat() }),
);

const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)$/;

/** Reads with the file's reader; returns the figures that must be decimal strings when it reads. */
function read(f: string, xml: string): string[] {
  if (f.startsWith('semt002')) {
    const r = parseSemt002(xml);
    return [...r.holdings, ...r.subAccounts.flatMap((s) => s.holdings)].map((h) => h.quantity);
  }
  return parseCamt053(xml).statements.flatMap((s) => [s.openingBalance, s.closingBalance, ...s.entries.map((e) => e.amount)]);
}

describe('statement readers on mutated statements', () => {
  it('each read either gives decimal figures or throws an XmlReadError, never anything else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), (i, ms) => {
        const { f, xml } = seeds[i]!;
        const mutated = ms.reduce(mutate, xml);
        try {
          for (const v of read(f, mutated)) expect(v).toMatch(DECIMAL);
        } catch (e) {
          if (!(e instanceof XmlReadError)) throw e;
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('the unmutated seeds read (the mutations start from readable statements)', () => {
    for (const { f, xml } of seeds) expect(() => read(f, xml)).not.toThrow();
  });
});
