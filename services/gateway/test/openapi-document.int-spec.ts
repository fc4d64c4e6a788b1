import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import SwaggerParser from '@apidevtools/swagger-parser';
import { REPO_ROOT } from '@postera/devstack';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eEnv, type E2eEnv } from '../../../test/e2e/harness.js';

// The gateway's OpenAPI document as the built process serves it: valid, a real schema for every
// answer and every body, and exactly the document the console's client was generated from
// (apps/console/src/generated/openapi.json, written by the console's build): a route changed
// without regenerating the client fails here.
jest.setTimeout(180_000);

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  items?: Schema;
  properties?: Record<string, unknown>;
  additionalProperties?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
}
interface Operation {
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** The commands that take no body: the route's path and query say it all. */
const BODILESS = ['POST /api/proposals/{id}/approve', 'POST /api/reconciliations/pnl', 'POST /api/notifications/{id}/resend'];
/**
 * Answers that are arrays but no list: the day's executions by hour are always its 24 hours; an
 * export (trial balance, general ledger) is the document of a period of at most a fiscal year,
 * streamed, as a download is.
 */
const NOT_LISTS = ['GET /api/volumes/by-hour', 'GET /api/exports/{name}'];
/** Lists answered inside an object (with the day or range they are of, or its totals): they page too. */
const ENVELOPED_LISTS = ['GET /api/fails', 'GET /api/penalties/daily', 'GET /api/penalties/monthly', 'GET /api/fx/results'];
const GENERATED = join(REPO_ROOT, 'apps/console/src/generated/openapi.json');
const SCREEN_TYPES = join(REPO_ROOT, 'apps/console/src/schema.ts');

/**
 * What is wrong with a schema given for a media type: JSON is described field by field (a class, an
 * array of one, a union of them, a map of counts), anything else is the bytes of a file or a text.
 */
function schemaProblems(doc: Document, media: string, schema: Schema | undefined, seen = new Set<string>()): string[] {
  if (!schema) return ['no schema'];
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = doc.components.schemas[name];
    if (!target) return [`${schema.$ref} is not in the components`];
    if (seen.has(name)) return [];
    return schemaProblems(doc, media, target, new Set([...seen, name]));
  }
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.length === 0 ? ['an empty union'] : union.flatMap((s) => schemaProblems(doc, media, s, seen));
  if (schema.type === 'array') return schemaProblems(doc, media, schema.items, seen);
  // A file is its bytes whatever its media type (a report filed as JSON among them); a bare string is no JSON answer.
  if (schema.type === 'string') return schema.format === 'binary' || !media.includes('json') ? [] : ['a JSON value given as a bare string'];
  if (schema.type === 'object' || schema.properties) {
    if (Object.keys(schema.properties ?? {}).length > 0) return [];
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object') return [];
    return ['an object without its fields'];
  }
  return [`a schema of no known shape: ${JSON.stringify(schema)}`];
}

describe('the OpenAPI document, on the built gateway', () => {
  let env: E2eEnv;
  let doc: Document;
  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, method, op })));

  beforeAll(async () => {
    env = await e2eEnv('gateway-openapi', { basePort: 6900, smtpUrl: 'smtp://127.0.0.1:1', services: ['gateway'] });
    await env.stack.startAll();
    const res = await fetch(`${env.stack.url('gateway')}/api/docs-json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Document;
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('is a valid OpenAPI 3 document', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('gives every operation a success answer with its schema: JSON field by field, a file as its media type', () => {
    expect(operations().length).toBeGreaterThan(60);
    const problems = operations().flatMap(({ route, op }) => {
      const success = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
      if (success.length === 0) return [`${route}: no 2xx answer`];
      return success.flatMap(([status, answer]) => {
        const content = Object.entries(answer.content ?? {});
        if (content.length === 0) return [`${route} ${status}: no content`];
        return content.flatMap(([media, { schema }]) => schemaProblems(doc, media, schema).map((p) => `${route} ${status} ${media}: ${p}`));
      });
    });
    expect(problems).toEqual([]);
  });

  it('gives every command that takes a body its schema, and every schema its fields', () => {
    const commands = operations().filter(({ method }) => ['post', 'put', 'patch'].includes(method));
    expect(commands.filter(({ op }) => !op.requestBody).map(({ route }) => route)).toEqual(BODILESS);
    const problems = commands.flatMap(({ route, op }) =>
      Object.entries(op.requestBody?.content ?? {}).flatMap(([media, { schema }]) =>
        schemaProblems(doc, media, schema).map((p) => `${route} body ${media}: ${p}`),
      ),
    );
    const components = Object.entries(doc.components.schemas).flatMap(([name, schema]) =>
      schemaProblems(doc, 'application/json', schema).map((p) => `components.${name}: ${p}`),
    );
    expect([...problems, ...components]).toEqual([]);
  });

  it('pages every list: each answer that is an array, and each list inside an object, takes `limit` and `after`', () => {
    const arrays = (s: Schema | undefined): boolean => s?.type === 'array' || (s?.anyOf ?? s?.oneOf ?? []).some(arrays);
    const isArray = (op: Operation) => arrays(op.responses['200']?.content?.['application/json']?.schema);
    const gets = operations().filter(({ method }) => method === 'get');
    const lists = gets.filter(({ route, op }) => (isArray(op) && !NOT_LISTS.includes(route)) || ENVELOPED_LISTS.includes(route));
    expect(lists.length).toBeGreaterThan(20);
    const unpaged = lists.filter(({ op }) => !['limit', 'after'].every((name) => op.parameters?.some((p) => p.in === 'query' && p.name === name)));
    expect(unpaged.map(({ route }) => route)).toEqual([]);
    expect(gets.filter(({ route }) => [...NOT_LISTS, ...ENVELOPED_LISTS].includes(route)).length).toBe(NOT_LISTS.length + ENVELOPED_LISTS.length);
  });

  it('is exactly the document the console’s client was generated from', () => {
    // Regenerate with `npm run generate -w apps/console` (the console's build does it) after changing a route.
    expect(existsSync(GENERATED)).toBe(true);
    const generated = JSON.parse(readFileSync(GENERATED, 'utf8')) as Document;
    expect(doc).toEqual(generated);
  });

  it('names every schema for the console’s screens (apps/console/src/schema.ts)', () => {
    const named = [...readFileSync(SCREEN_TYPES, 'utf8').matchAll(/^export type (\w+) = Schemas\['(\w+)'\];$/gm)].filter(
      ([, alias, schema]) => alias === schema,
    );
    expect(named.map(([, name]) => name).sort()).toEqual(Object.keys(doc.components.schemas).sort());
  });
});
