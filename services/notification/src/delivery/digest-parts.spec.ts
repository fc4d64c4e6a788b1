import { describe, expect, it } from '@jest/globals';
import { deterministicId } from '@postera/kernel';
import fc from 'fast-check';
import { digestId, digestParts, type HeldDelivery } from './digest.repository.js';
import { digestMail } from './digest-sender.js';

const DAY = '2026-11-26';
const held = (account: string, recipient: string, n: number): HeldDelivery[] =>
  Array.from({ length: n }, (_, i) => ({ notification_id: `${account}-${i + 1}`, account, recipient, language: 'fr' }));

describe('a day’s digest in parts', () => {
  it('601 held avis of one client at 250 a mail: parts of 250, 250 and 101, numbered 1/3, 2/3, 3/3, in the order owed', () => {
    const parts = digestParts(held('CLI-0001', 'a@x.example', 601), DAY, 250);
    expect(parts.map((p) => [p.part, p.parts, p.members.length, p.members[0], p.members.at(-1)])).toEqual([
      [1, 3, 250, 'CLI-0001-1', 'CLI-0001-250'],
      [2, 3, 250, 'CLI-0001-251', 'CLI-0001-500'],
      [3, 3, 101, 'CLI-0001-501', 'CLI-0001-601'],
    ]);
  });

  it('part 1 keeps the id a digest had before parts existed; later parts have their own', () => {
    expect(digestId('CLI-0001', DAY, 'EMAIL', 'a@x.example')).toBe(deterministicId('digest', 'CLI-0001', DAY, 'EMAIL', 'a@x.example'));
    expect(digestId('CLI-0001', DAY, 'EMAIL', 'a@x.example', 2)).not.toBe(digestId('CLI-0001', DAY, 'EMAIL', 'a@x.example', 1));
  });

  it('every held delivery is in exactly one part of its own account and recipient, no part over the cap, ids distinct', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('CLI-1', 'CLI-2'), fc.constantFrom('a@x.example', 'b@x.example'), fc.integer({ min: 1, max: 40 })), { maxLength: 4 }),
        fc.integer({ min: 1, max: 12 }),
        (groups, max) => {
          const all = groups.flatMap(([a, r, n], g) => held(a, r, n).map((h) => ({ ...h, notification_id: `${g}:${h.notification_id}` })));
          const parts = digestParts(all, DAY, max);
          const members = parts.flatMap((p) => p.members);
          expect([...members].sort()).toEqual(all.map((h) => h.notification_id).sort());
          expect(new Set(parts.map((p) => p.id)).size).toBe(parts.length);
          for (const p of parts) {
            expect(p.members.length).toBeGreaterThan(0);
            expect(p.members.length).toBeLessThanOrEqual(max);
            expect(p.part).toBeLessThanOrEqual(p.parts);
            const owner = all.filter((h) => p.members.includes(h.notification_id));
            expect(new Set(owner.map((h) => `${h.account} ${h.recipient}`)).size).toBe(1);
          }
        },
      ),
    );
  });

  it('a mail of several parts says which one it is; a single one does not', async () => {
    const n = { notificationId: 'n1', tradeRef: 'FO-EQ:1', kind: 'AVIS_OPERE' } as unknown as Parameters<typeof digestMail>[1][number]['n'];
    const one = [{ n, subject: 'Avis', body: 'texte', pdf: Buffer.from('%PDF') }];
    expect((await digestMail({ businessDate: DAY, language: 'fr', part: 2, parts: 3 }, one)).subject).toBe(
      'Vos avis et notifications du 26/11/2026 (1 document, envoi 2 sur 3)',
    );
    expect((await digestMail({ businessDate: DAY, language: 'en', part: 1, parts: 1 }, one)).subject).toBe('Your notices of 26 Nov 2026 (1 document)');
  });
});
