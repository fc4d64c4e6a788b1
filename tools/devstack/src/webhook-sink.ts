import { createServer } from 'node:http';

/** A local stand-in for a client's webhook endpoint (the demo's): it answers 204 and counts what it received. */
export async function startWebhookSink(): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/postera`, received: () => received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
