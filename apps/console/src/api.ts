import type { Answer, PathParams, Query, ReadRoute, ReferentialRows, ServiceUnavailable } from './schema';

/** A call to the gateway's API as the person signed in. A refusal says the gateway's own words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Every problem the gateway named (a refused proposal lists them all). */
    readonly problems: string[] = [],
  ) {
    super(problems.length > 0 ? `${message}: ${problems.join('; ')}` : message);
  }
}

async function refusal(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => ({}))) as { message?: string | string[]; problems?: string[] };
  const message = Array.isArray(body.message) ? body.message.join('; ') : (body.message ?? res.statusText);
  return new ApiError(res.status, message, body.problems ?? []);
}

export async function apiGet<T>(path: string, token: string): Promise<T> {
  return (await apiGetWithHeaders<T>(path, token)).body;
}

/** A GET whose answer says part of what it means in its headers (the dead letters' next page, a browse cut short). */
export async function apiGetWithHeaders<T>(path: string, token: string): Promise<{ body: T; headers: Headers }> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  if (!res.ok) throw await refusal(res);
  return { body: (await res.json()) as T, headers: res.headers };
}

/**
 * What a GET of a route is asked with: the parameters its path names, if it names any, and its
 * query, required when the route requires some of it.
 */
type Asked<P extends ReadRoute> = ([PathParams<P>] extends [never] ? { path?: never } : { path: PathParams<P> }) &
  ([Query<P>] extends [never] ? { query?: never } : Partial<Query<P>> extends Query<P> ? { query?: Query<P> } : { query: Query<P> });

/**
 * A GET of a route as the generated document names it (`'/api/trades/{ref}/timeline'`), its path
 * parameters filled in and its query typed, its answer the document's: a route, a parameter or an
 * answer changed at the gateway fails the console's compile. A query value left undefined or empty
 * is not sent, as a filter not set.
 */
export function apiGetRoute<P extends ReadRoute>(
  route: P,
  token: string,
  ...[asked]: Partial<Asked<P>> extends Asked<P> ? [asked?: Asked<P>] : [asked: Asked<P>]
): Promise<Answer<P>> {
  const names = (asked?.path ?? {}) as Record<string, string | number>;
  const path = route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(names[name])));
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries((asked?.query ?? {}) as Record<string, unknown>)) {
    if (value !== undefined && value !== '') query.set(name, String(value));
  }
  const q = query.toString();
  return apiGet<Answer<P>>(q ? `${path}?${q}` : path, token);
}

/** A page of one entity of the referential, its rows typed as that entity's. */
export const apiReferential = <E extends keyof ReferentialRows>(entity: E, token: string, query: Query<'/api/referential/{entity}'>) =>
  apiGetRoute('/api/referential/{entity}', token, { path: { entity }, query }) as Promise<Array<ReferentialRows[E]>>;

/** True when a part of a page the gateway gathers from several services is the service that did not answer, named instead of failing the page. */
export const unavailable = (part: unknown): part is ServiceUnavailable => typeof part === 'object' && part !== null && 'unavailable' in part;

/** A part of a gathered page as its service answered it, or null when the service knows nothing of it or did not answer. */
export const answered = <T>(part: T | ServiceUnavailable | null): T | null => (part === null || unavailable(part) ? null : part);

/** A command: JSON in, JSON out (a proposal, a decision, a file run, a break worked). */
export async function apiSend<T>(method: 'POST' | 'PUT' | 'PATCH', path: string, token: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await refusal(res);
  return (await res.json()) as T;
}

/** A file as the API serves it (a statement upload answers JSON; a report file is bytes). */
export async function apiUpload<T>(path: string, token: string, file: Blob, contentType: string): Promise<T> {
  const res = await fetch(path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body: file });
  if (!res.ok) throw await refusal(res);
  return (await res.json()) as T;
}

/** A file downloaded with the bearer token and handed to the browser to save under its name. */
export async function apiDownload(path: string, token: string, fallbackName: string): Promise<{ name: string; bytes: ArrayBuffer; sha256: string }> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw await refusal(res);
  const bytes = await res.arrayBuffer();
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  const url = URL.createObjectURL(new Blob([bytes], { type: res.headers.get('content-type') ?? 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { name, bytes, sha256 };
}
