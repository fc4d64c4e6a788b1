import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HttpException } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchRaw } from './http.js';

// The FEC passes through the gateway (GET /api/exports/fec): the operator gets the file under its
// name, or accounting's refusal with the list of what is missing — not a bare 502 or an empty file.
describe('a file from a service, as the gateway passes it on', () => {
  let server: Server;
  let base: string;
  const refusal = {
    message: 'the FEC of the fiscal year 2026-01-01 to 2026-12-31 is not produced: 2 ECB rate(s) and 0 auxiliary account name(s) missing.',
    missingRates: [
      { currency: 'JPY', date: '2026-11-27' },
      { currency: 'USD', date: '2026-11-26' },
    ],
    missingNames: [],
  };
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.includes('fiscalYear=2026')) {
        res.writeHead(422, { 'content-type': 'application/json' }).end(JSON.stringify(refusal));
        return;
      }
      res
        .writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-15', 'content-disposition': 'attachment; filename="123456782FEC20271231.txt"' })
        .end('JournalCode|JournalLib\r\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("a refusal comes back with the service's status and its whole body (every missing rate)", async () => {
    const e = await fetchRaw(`${base}/exports/fec?fiscalYear=2026`, { timeoutMs: 2000 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HttpException);
    expect([(e as HttpException).getStatus(), (e as HttpException).getResponse()]).toEqual([422, refusal]);
  });
  it('a file comes back with its name (Content-Disposition) and its bytes', async () => {
    const r = await fetchRaw(`${base}/exports/fec?fiscalYear=2027`, { timeoutMs: 2000 });
    expect([r.status, r.disposition, r.body.toString('latin1')]).toEqual([
      200,
      'attachment; filename="123456782FEC20271231.txt"',
      'JournalCode|JournalLib\r\n',
    ]);
  });
});
