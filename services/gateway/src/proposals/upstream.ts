import { HttpException } from '@nestjs/common';

/** A call to a service on behalf of a person; the service's refusal comes back with its status and words. */
export async function callService(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  o: { user?: string; body?: unknown; timeoutMs: number; contentType?: string },
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': o.contentType ?? 'application/json', ...(o.user ? { 'x-postera-user': o.user } : {}) },
      body: method === 'POST' ? (typeof o.body === 'string' ? o.body : JSON.stringify(o.body ?? {})) : undefined,
      signal: AbortSignal.timeout(o.timeoutMs),
    });
  } catch (e) {
    throw new HttpException({ message: `${base} unavailable: ${(e as Error).message}; try again, the action was not done` }, 502);
  }
  const text = await res.text();
  let payload: unknown = text;
  try {
    payload = text ? (JSON.parse(text) as unknown) : null;
  } catch {
    // not JSON: passed on as text (a CSV or XML report, say)
  }
  if (!res.ok)
    throw new HttpException(typeof payload === 'object' && payload ? payload : { message: `${base}${path} answered ${res.status}: ${text}` }, res.status);
  return payload;
}
