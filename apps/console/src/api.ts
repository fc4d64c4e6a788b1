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
  const res = await fetch(path, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  if (!res.ok) throw await refusal(res);
  return (await res.json()) as T;
}

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
