import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { envelope, Topics, type EventEnvelope, type PenaltyAccruedV1, type TtfAssessedV1 } from '@postera/contracts';
import { e2eEnv, type E2eEnv } from '../../../test/e2e/harness.js';
import { accountRef, captured, checkFec, fxRate, markDay, party, publish, signedFetch, step, trade } from './builders.js';

// The FEC of a fiscal year as the built service serves it, on the real broker and database: refused
// with every missing ECB rate until the operator imports them, named <SIREN>FEC<closing date>.txt
// after the fiscal year (the demo company: 123456782, calendar year), the auxiliary accounts with
// their names from the referential's topics, and the next year opening with its à-nouveaux.
jest.setTimeout(300_000);

describe('the FEC of a fiscal year, on the real broker and database', () => {
  let env: E2eEnv;
  const url = (path: string) => `${env.stack.url('accounting')}${path}`;
  const fetch = (u: string, init?: RequestInit) => signedFetch(env.stack, u, init);
  const send = (topic: string, events: EventEnvelope[]) => publish(env.prefix, topic, events);
  const fec = async (q: string) => {
    const r = await fetch(url(`/exports/fec?${q}`));
    return { status: r.status, disposition: r.headers.get('content-disposition'), text: Buffer.from(await r.arrayBuffer()).toString('latin1') };
  };
  const rowsOf = (text: string) =>
    text
      .replace(/\r\n$/, '')
      .split('\r\n')
      .slice(1)
      .map((r) => r.split('|'));

  // 2026, a calendar fiscal year:
  // T-1 buy 100 FR0000120271 at 58.00 (fees 5.80, net 5805.80), traded 28 Dec, settled 30 Dec;
  // T-2 sell 40 at 60.00 (no fees), traded 29 Dec, settled 31 Dec: booked at its consideration 2400.00, then costed
  //   when 31 Dec is marked: cost 40 × 5800.00 / 100 = 2320.00, gain 2400.00 − 2320.00 = 80.00 (the position's RECOSTING);
  // U-1 buy 100 US0378331005 at 100.00 USD (10000.00 USD), traded 30 Dec, settling 4 Jan 2027: a commitment across the year end;
  // a CSDR penalty receivable of 12.34 from the counterparty (31 Dec); the client's TTF, 5800.00 × 0.4 % = 23.20 (28 Dec).
  const T1 = trade('FO-EQ:FEC-1', { tradeDate: '2026-12-28', settlementDate: '2026-12-30', executedAt: '2026-12-28T10:00:00Z' });
  const T2 = trade('FO-EQ:FEC-2', {
    side: 'SELL',
    quantity: '40',
    price: '60.00',
    grossAmount: '2400.00',
    feesAmount: '0.00',
    netAmount: '2400.00',
    fees: [],
    tradeDate: '2026-12-29',
    settlementDate: '2026-12-31',
    executedAt: '2026-12-29T10:00:00Z',
  });
  const U1 = trade('FO-US:FEC-U1', {
    account: 'USD-01',
    book: 'USD-EQ',
    accountType: 'PROPRIETARY',
    clientId: 'USD-01',
    isin: 'US0378331005',
    currency: 'USD',
    price: '100.00',
    grossAmount: '10000.00',
    feesAmount: '0.00',
    netAmount: '10000.00',
    fees: [],
    placeOfSettlement: 'DTCYUS33XXX',
    tradeDate: '2026-12-30',
    settlementDate: '2027-01-04',
    executedAt: '2026-12-30T15:00:00Z',
  });

  beforeAll(async () => {
    env = await e2eEnv('accounting-fec', { basePort: 4960, smtpUrl: 'smtp://127.0.0.1:1', services: ['accounting'] });
    await env.stack.startAll();
    await send(Topics.refdataAccounts, [
      accountRef({ account: 'CLI-0003', book: 'CLIENT-EQ', accountType: 'CLIENT', clientId: 'CL-0003', clientName: 'Mme Claire Dubois' }),
      accountRef({ account: 'USD-01', book: 'USD-EQ' }),
    ]);
    await send(Topics.refdataParties, [party('529900COUNTERPTY0129', 'Contrepartie Alpha SA', 'ALPHFRPPXXX')]);
    await send(Topics.tradeEvents, [captured(T1), captured(T2), captured(U1)]);
    await send(Topics.settlementEvents, [step(T1, { status: 'SETTLED' }), step(T2, { status: 'SETTLED' })]);
    const penalty: PenaltyAccruedV1 = {
      penaltyId: 'PEN-FEC-1',
      instructionId: 'I-FEC-1',
      tradeRef: T1.tradeRef,
      kind: 'SEFP',
      direction: 'RECEIVABLE',
      penaltyDate: '2026-12-31',
      isin: T1.isin,
      counterparty: T1.counterparty,
      account: 'CLI-0003',
      book: 'CLIENT-EQ',
      basisQuantity: '100',
      referencePrice: '58.00',
      rate: '0.0001',
      amount: '12.34',
      currency: 'EUR',
    };
    await send(Topics.settlementEvents, [
      envelope({ type: 'PenaltyAccrued', producer: 'settlement', correlationId: T1.tradeRef, causationId: null, payload: penalty }),
    ]);
    const ttf: TtfAssessedV1 = {
      assessmentId: 'TTF-FEC-1',
      account: 'CLI-0003',
      book: 'CLIENT-EQ',
      isin: T1.isin,
      tradeDate: '2026-12-28',
      base: '5800.00',
      rate: '0.004',
      amount: '23.20',
      currency: 'EUR',
    };
    await send(Topics.reportingEvents, [envelope({ type: 'TtfAssessed', producer: 'reporting', correlationId: 'CLI-0003', causationId: null, payload: ttf })]);
    // The end of 31 Dec marked: T-1 and T-2 costed.
    await markDay(env.prefix, '2026-12-31');
    // 2027: U-1 settles on 4 January, costed when that day is marked (a buy: nothing to re-cost).
    await send(Topics.settlementEvents, [step(U1, { status: 'SETTLED' })]);
    await markDay(env.prefix, '2027-01-04');
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('without the ECB rates of the USD lines, the export is refused (422) with every missing rate, and no file', async () => {
    const y2026 = await fetch(url('/exports/fec?fiscalYear=2026'));
    expect(y2026.status).toBe(422);
    expect(y2026.headers.get('content-disposition')).toBeNull();
    const body = (await y2026.json()) as { message: string; missingRates: unknown[]; missingNames: unknown[] };
    expect(body.missingRates).toEqual([{ currency: 'USD', date: '2026-12-30' }]);
    expect(body.missingNames).toEqual([]);
    expect(body.message).toContain('2026-01-01 to 2026-12-31');
    // 2027 needs the rate of its own USD lines and, for the à-nouveaux, the rate of the commitment carried from 2026.
    const y2027 = (await (await fetch(url('/exports/fec?fiscalYear=2027'))).json()) as { missingRates: unknown[] };
    expect(y2027.missingRates).toEqual([
      { currency: 'USD', date: '2026-12-30' },
      { currency: 'USD', date: '2027-01-04' },
    ]);
  });

  it('once the rates are imported: the 2026 file, named after the closing date, with the EUR countervalue and the names of the auxiliary accounts', async () => {
    await send(Topics.fxRates, [fxRate('2026-12-30', 'USD', '1.05'), fxRate('2027-01-04', 'USD', '1.04')]);
    for (const q of ['fiscalYear=2026', 'from=2026-12-01&to=2026-12-31', 'fiscalYear=2026&separator=tab']) {
      const r = await fec(q);
      expect([q, r.status, r.disposition]).toEqual([q, 200, 'attachment; filename="123456782FEC20261231.txt"']);
      expect(checkFec(r.text, q.includes('tab') ? '\t' : '|')).toEqual([]);
    }
    const rows = rowsOf((await fec('fiscalYear=2026')).text);
    expect(rows.some((r) => r[0] === 'AN')).toBe(false); // the first year of the journal: nothing to carry
    // U-1's commitment: 10000.00 USD at 1.05 = 9523.809… → 9523.81 EUR (half-up), the USD amount beside it.
    expect(rows.filter((r) => r[8] === U1.tradeRef).map((r) => [r[0], r[3], r[4], r[11], r[12], r[15], r[16], r[17]])).toEqual([
      ['ENG', '20261230', '903100', '9523,81', '0,00', '20261230', '10000,00', 'USD'],
      ['ENG', '20261230', '903900', '0,00', '9523,81', '20261230', '10000,00', 'USD'],
    ]);
    // T-2's settlement at its consideration (2400.00 out of 311000), its cost fixed by the position's re-costing of 31 Dec:
    // 2400.00 − 2320.00 = 80.00 back to 311000, the gain on 767000.
    expect(rows.filter((r) => r[8] === T2.tradeRef && r[0] === 'RGL').map((r) => [r[3], r[4], r[11], r[12]])).toEqual([
      ['20261231', '904100', '2400,00', '0,00'],
      ['20261231', '904900', '0,00', '2400,00'],
      ['20261231', '512000', '2400,00', '0,00'],
      ['20261231', '311000', '0,00', '2400,00'],
    ]);
    expect(rows.filter((r) => r[8] === `POSITION:CLI-0003:${T1.isin}`).map((r) => [r[0], r[1], r[3], r[4], r[10], r[11], r[12]])).toEqual([
      ['OD', 'Opérations diverses', '20261231', '311000', `Recalcul du coût de revient POSITION:CLI-0003:${T1.isin}`, '80,00', '0,00'],
      ['OD', 'Opérations diverses', '20261231', '767000', `Recalcul du coût de revient POSITION:CLI-0003:${T1.isin}`, '0,00', '80,00'],
    ]);
    const aux = new Map(rows.filter((r) => r[6] !== '').map((r) => [`${r[4]} ${r[6]}`, r[7]]));
    expect(Object.fromEntries(aux)).toEqual({
      '512000 SICVFRPPXXX': 'Euroclear France',
      '468100 529900COUNTERPTY0129': 'Contrepartie Alpha SA',
      '461100 CL-0003': 'Mme Claire Dubois',
    });
    // ValidDate: these entries were posted before their (end of December) dates: never before EcritureDate.
    expect(rows.every((r) => r[15]! >= r[3]!)).toBe(true);
  });

  it('2027 opens with the à-nouveaux: the 2026 balance-sheet and commitment balances, and the 2026 result (5.80 − 80.00 − 12.34 = −86.54) to 120000', async () => {
    const r = await fec('fiscalYear=2027');
    expect([r.status, r.disposition]).toEqual([200, 'attachment; filename="123456782FEC20271231.txt"']);
    expect(checkFec(r.text, '|')).toEqual([]);
    const rows = rowsOf(r.text);
    const an = rows.filter((x) => x[0] === 'AN');
    expect(rows.slice(0, an.length)).toEqual(an); // first
    expect(an.map((x) => [x[2], x[3], x[4], x[6], x[7], x[11], x[12], x[15], x[16], x[17]])).toEqual([
      ['AN20270101', '20270101', '311000', '', '', '3480,00', '0,00', '20270101', '', ''],
      ['AN20270101', '20270101', '447100', '', '', '0,00', '23,20', '20270101', '', ''],
      ['AN20270101', '20270101', '461100', 'CL-0003', 'Mme Claire Dubois', '23,20', '0,00', '20270101', '', ''],
      ['AN20270101', '20270101', '468100', '529900COUNTERPTY0129', 'Contrepartie Alpha SA', '12,34', '0,00', '20270101', '', ''],
      ['AN20270101', '20270101', '512000', 'SICVFRPPXXX', 'Euroclear France', '0,00', '3405,80', '20270101', '', ''],
      ['AN20270101', '20270101', '903100', '', '', '9523,81', '0,00', '20270101', '10000,00', 'USD'],
      ['AN20270101', '20270101', '903900', '', '', '0,00', '9523,81', '20270101', '10000,00', 'USD'],
      ['AN20270101', '20270101', '120000', '', '', '0,00', '86,54', '20270101', '', ''],
    ]);
    expect(an[0]!.slice(0, 2)).toEqual(['AN', 'A-nouveaux']);
    // The AN equal the closing balances of the 2026 FEC, per account, auxiliary and currency (EUR columns in cents), 6–7 aside.
    const balances = (rs: string[][]) => {
      const m = new Map<string, bigint>();
      for (const x of rs) {
        if (/^[67]/.test(x[4]!) || x[4] === '120000') continue;
        const k = `${x[4]}|${x[6]}|${x[17]}`;
        m.set(k, (m.get(k) ?? 0n) + BigInt(x[11]!.replace(',', '')) - BigInt(x[12]!.replace(',', '')));
      }
      return new Map([...m].filter(([, v]) => v !== 0n));
    };
    expect(balances(an)).toEqual(balances(rowsOf((await fec('fiscalYear=2026')).text)));
    // Then U-1's settlement on 4 January at 1.04: 10000.00 / 1.04 = 9615.384… → 9615.38.
    expect(rows.filter((x) => x[8] === U1.tradeRef && x[4] === '512000').map((x) => [x[0], x[3], x[6], x[7], x[12], x[16]])).toEqual([
      ['RGL', '20270104', 'DTCYUS33XXX', 'The Depository Trust Company', '9615,38', '10000,00'],
    ]);
  });

  it('a period inside the fiscal year has no à-nouveaux unless it starts on its first day, and keeps the fiscal year in its name; a period across two years is refused', async () => {
    const jan = await fec('from=2027-01-04&to=2027-01-31');
    expect([jan.status, jan.disposition]).toEqual([200, 'attachment; filename="123456782FEC20271231.txt"']);
    expect(rowsOf(jan.text).map((x) => x[0])).not.toContain('AN');
    const across = await fetch(url('/exports/fec?from=2026-12-01&to=2027-01-31'));
    expect(across.status).toBe(400);
    expect(((await across.json()) as { message: string }).message).toBe(
      'a FEC covers one fiscal year: 2026-12-01 to 2027-01-31 is not inside 2026-01-01 to 2026-12-31',
    );
  });
});
