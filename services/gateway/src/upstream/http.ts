import { HttpException } from '@nestjs/common';

/** A JSON call to a service; the service's refusal comes back with its status and words. */
export async function callService(
  base: string,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  o: { headers?: Record<string, string>; body?: unknown; timeoutMs: number; contentType?: string },
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': o.contentType ?? 'application/json', ...o.headers },
      body: method === 'GET' ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body ?? {}),
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

/** A service's answer as bytes, for files (CSV, XML, PDF, FEC) passed on unchanged. */
export async function fetchRaw(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: Buffer | string; contentType?: string; timeoutMs: number },
): Promise<{ status: number; contentType: string | null; disposition: string | null; sha256: string | null; body: Buffer }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: o.method ?? 'GET',
      headers: { ...(o.contentType ? { 'content-type': o.contentType } : {}), ...o.headers },
      body: o.body,
      signal: AbortSignal.timeout(o.timeoutMs),
    });
  } catch (e) {
    throw new HttpException({ message: `${new URL(url).origin} unavailable: ${(e as Error).message}; try again, the action was not done` }, 502);
  }
  const body = Buffer.from(await res.arrayBuffer());
  if (!res.ok) {
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      payload = { message: `${url} answered ${res.status}: ${body.toString('utf8').slice(0, 500)}` };
    }
    throw new HttpException(payload as object, res.status);
  }
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    disposition: res.headers.get('content-disposition'),
    sha256: res.headers.get('x-content-sha256'),
    body,
  };
}

/** Reads a raw request body (XML, CSV) that the JSON parser left alone, up to a bound. */
export async function readRawBody(req: AsyncIterable<Buffer | string>, bytesMax = 4 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > bytesMax) throw new HttpException(`the upload exceeds ${bytesMax} bytes`, 413);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}
