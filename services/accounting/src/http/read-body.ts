import type { IncomingMessage } from 'node:http';

export const UPLOAD_BYTES_MAX = 8 * 1024 * 1024;

/**
 * The body of an upload as text (XML, CSV), read from the stream: the platform parses JSON only,
 * so any other content type arrives unread. Bounded in size.
 */
export async function readBody(req: IncomingMessage & { body?: unknown }): Promise<string> {
  if (typeof req.body === 'string') return req.body;
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const k of ['xml', 'csv', 'text']) if (typeof body[k] === 'string') return body[k] as string;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > UPLOAD_BYTES_MAX) throw new Error(`upload larger than ${UPLOAD_BYTES_MAX} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
