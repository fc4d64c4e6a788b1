import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeException } from '@nestjs/common';

/** The largest upload of text (an ECB history file, a desk P&L) by default; a statement has its own, smaller bound. */
export const UPLOAD_BYTES_MAX = 8 * 1024 * 1024;

const tooLarge = (bytesMax: number) => new PayloadTooLargeException(`upload larger than ${bytesMax} bytes`);

/**
 * The body of an upload as text (XML, CSV), read from the stream: the platform parses JSON only,
 * so any other content type arrives unread. Bounded in size: 413 beyond `bytesMax`, said by the
 * Content-Length before a byte is read, or counted as the bytes come.
 */
export async function readBody(req: IncomingMessage & { body?: unknown }, bytesMax = UPLOAD_BYTES_MAX): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > bytesMax) throw tooLarge(bytesMax);
  if (typeof req.body === 'string') return checked(req.body, bytesMax);
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const k of ['xml', 'csv', 'text']) if (typeof body[k] === 'string') return checked(body[k] as string, bytesMax);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > bytesMax) throw tooLarge(bytesMax);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function checked(text: string, bytesMax: number): string {
  if (Buffer.byteLength(text, 'utf8') > bytesMax) throw tooLarge(bytesMax);
  return text;
}
