import { Logger } from '@nestjs/common';

/** The part of the HTTP response (Express's, under Nest) a streamed export writes to. */
export interface StreamedResponse {
  readonly headersSent: boolean;
  readonly destroyed: boolean;
  status(code: number): unknown;
  setHeader(name: string, value: string): unknown;
  write(chunk: string | Buffer): boolean;
  end(): unknown;
  destroy(error?: Error): unknown;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

const log = new Logger('StreamOut');

/**
 * Writes a body chunk by chunk, waiting for the socket to drain when its buffer is full, so what
 * is held is one chunk plus the socket's buffer. Status and headers go with the first chunk: an
 * error thrown before it is the caller's (the exception filters answer it as usual); an error
 * after it, or a client gone, cuts the connection — the body is never completed with something
 * else, and a reader sees a truncated transfer, not a shorter file.
 */
export async function streamOut(
  res: StreamedResponse,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: (write: (chunk: string | Buffer) => Promise<void>) => Promise<void>,
): Promise<void> {
  let started = false;
  const write = async (chunk: string | Buffer) => {
    if (res.destroyed) throw new Error('the client closed the connection');
    if (!started) {
      started = true;
      res.status(status);
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    }
    if (!res.write(chunk)) {
      // 'close' too: a client gone never drains.
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.once('drain', done);
        res.once('close', done);
      });
      if (res.destroyed) throw new Error('the client closed the connection');
    }
  };
  try {
    await body(write);
  } catch (e) {
    if (!started) throw e;
    log.error(`streamed response cut: ${(e as Error).message}`);
    res.destroy(e as Error);
    return;
  }
  if (!started) {
    res.status(status);
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  }
  res.end();
}
