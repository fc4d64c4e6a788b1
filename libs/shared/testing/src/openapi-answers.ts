import { Ajv } from 'ajv';

/** The parts of an OpenAPI 3.0 document the answers are checked against. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
  components?: { schemas?: Record<string, unknown> };
}

/**
 * Real answers checked against the schemas an OpenAPI document gives them (ajv; OpenAPI 3.0's
 * `nullable` included, formats not checked). A path is matched to the document's route by its
 * segments (`/api/proposals/{id}` for `/api/proposals/4f…`), its query left aside.
 */
export class OpenApiAnswers {
  private readonly ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  private readonly routes: Array<{ template: string; pattern: RegExp }>;

  constructor(private readonly doc: OpenApiDocument) {
    this.ajv.addSchema({ $id: 'components', definitions: local(doc.components?.schemas ?? {}) });
    this.routes = Object.keys(doc.paths)
      .map((template) => ({ template, pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`) }))
      // A literal segment wins over a parameter (`/breaks/summary` over `/breaks/{id}`).
      .sort((a, b) => params(a.template) - params(b.template));
  }

  /** The schema the document gives this answer, or undefined when it gives none. */
  schemaOf(method: string, path: string, status: number): unknown {
    const route = this.routeOf(path);
    return route ? this.doc.paths[route]?.[method.toLowerCase()]?.responses?.[String(status)]?.content?.['application/json']?.schema : undefined;
  }

  /** What is wrong with an answer against its schema: [] when it keeps it, or when the document gives it none. */
  problems(method: string, path: string, status: number, body: unknown): string[] {
    const schema = this.schemaOf(method, path, status);
    if (schema === undefined) return [];
    if (this.ajv.validate(local(schema), body)) return [];
    return [`${method} ${path} ${status}: ${this.ajv.errorsText(this.ajv.errors)}`];
  }

  private routeOf(path: string): string | undefined {
    const bare = path.split('?')[0]!;
    return this.routes.find((r) => r.pattern.test(bare))?.template;
  }
}

const params = (template: string) => template.match(/\{/g)?.length ?? 0;

/**
 * A schema of the document as JSON Schema: its references pointing into the one schema the
 * components are added as, and OpenAPI 3.0's `nullable: true` read as "or null" for the whole
 * schema (an enum, a reference to another class), as the document means it.
 */
const local = (x: unknown): object => nullable(JSON.parse(JSON.stringify(x).replaceAll('"#/components/schemas/', '"components#/definitions/'))) as object;

function nullable(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(nullable);
  if (x === null || typeof x !== 'object') return x;
  const entries = Object.entries(x).map(([k, v]) => [k, nullable(v)] as const);
  const own = Object.fromEntries(entries.filter(([k, v]) => !(k === 'nullable' && typeof v === 'boolean')));
  return (x as { nullable?: unknown }).nullable === true ? { anyOf: [own, { type: 'null' }] } : own;
}
