import { describe, expect, it } from '@jest/globals';
import { HttpException } from '@nestjs/common';
import {
  changesNothing,
  contactsChange,
  contactsProblems,
  contactsRequest,
  describeChange,
  refuseIfMoved,
  type CurrentContacts,
} from './counterparty-contacts.js';

const LEI = '529900COUNTERPTY0129';
const held: CurrentContacts = {
  name: 'Counterparty A',
  language: 'fr',
  contacts: [
    { channel: 'EMAIL', address: 'ops@a.example', hasSecret: false },
    { channel: 'WEBHOOK', address: 'https://a.example/hook', hasSecret: true },
    { channel: 'EMAIL', address: 'old@a.example', hasSecret: false },
  ],
  updatedAt: '2026-11-26T09:00:00.000Z',
  updatedBy: 'alice',
};

describe('SET_COUNTERPARTY_CONTACTS params', () => {
  it('accepts a counterparty’s name, language and contacts', () => {
    expect(contactsProblems({ lei: LEI, name: 'A', language: 'en', contacts: [{ channel: 'EMAIL', address: 'ops@a.example' }] })).toEqual([]);
  });

  it('refuses a webhook secret, saying where secrets are set', () => {
    const problems = contactsProblems({
      lei: LEI,
      name: 'A',
      language: 'en',
      contacts: [{ channel: 'WEBHOOK', address: 'https://a.example/hook', secret: 'sixteen-chars-or-more' }],
    });
    expect(problems).toEqual([
      expect.stringMatching(/^contacts\[0\]\.secret: a webhook secret never goes through a proposal.*PUT \/counterparty-contacts\/:lei/),
    ]);
  });

  it.each(['ops@a.example,other@b.example', 'ops@a.example; other@b.example', 'Ops <ops@a.example>', 'ops', 'a@b@c'])(
    'refuses the email address %s',
    (address) => {
      expect(contactsProblems({ lei: LEI, name: 'A', language: 'en', contacts: [{ channel: 'EMAIL', address }] })).toEqual([
        'contacts[0].address: one email address (no comma, semicolon, space or display name)',
      ]);
    },
  );

  it('names every other problem, including parameters and fields it does not know', () => {
    expect(contactsProblems({ lei: 'x', name: '', language: 'de', contacts: [{ channel: 'SMS', address: '1', note: 'n' }], change: {} }).sort()).toEqual(
      [
        'change: not a parameter (lei, name, language, contacts)',
        'lei: the counterparty’s LEI (20 characters, capitals and digits)',
        'name: 1 to 200 characters',
        'language: fr or en',
        'contacts[0].note: not a contact field (channel, address)',
        'contacts[0].channel: EMAIL or WEBHOOK',
      ].sort(),
    );
  });

  it('stores only the request: each contact’s channel and address', () => {
    expect(contactsRequest({ lei: LEI, name: 'A', language: 'en', contacts: [{ channel: 'EMAIL', address: 'a@b.example' }] })).toEqual({
      lei: LEI,
      name: 'A',
      language: 'en',
      contacts: [{ channel: 'EMAIL', address: 'a@b.example' }],
    });
  });
});

describe('the change a SET_COUNTERPARTY_CONTACTS proposal shows', () => {
  it('before → after: name, language, each contact added or removed; a webhook kept at its address keeps its own secret', () => {
    const change = contactsChange(held, {
      lei: LEI,
      name: 'Counterparty A SA',
      language: 'en',
      contacts: [
        { channel: 'EMAIL', address: 'ops@a.example' },
        { channel: 'WEBHOOK', address: 'https://a.example/hook' },
        { channel: 'EMAIL', address: 'new@a.example' },
      ],
    });
    expect(change).toEqual({
      lei: LEI,
      basedOn: { updatedAt: held.updatedAt, updatedBy: 'alice' },
      name: { before: 'Counterparty A', after: 'Counterparty A SA' },
      language: { before: 'fr', after: 'en' },
      contacts: {
        added: [{ channel: 'EMAIL', address: 'new@a.example' }],
        removed: [{ channel: 'EMAIL', address: 'old@a.example', hasSecret: false }],
        unchanged: [
          { channel: 'EMAIL', address: 'ops@a.example', hasSecret: false },
          { channel: 'WEBHOOK', address: 'https://a.example/hook', hasSecret: true },
        ],
      },
    });
    expect(describeChange(change)).toBe(
      `change the contacts of counterparty ${LEI}: name "Counterparty A" → "Counterparty A SA"; language fr → en; + EMAIL new@a.example; − EMAIL old@a.example`,
    );
    expect(changesNothing(change)).toBe(false);
  });

  it('a webhook removed, or moved to another address, loses its own secret, and the change says so', () => {
    const change = contactsChange(held, {
      lei: LEI,
      name: held.name,
      language: held.language,
      contacts: [
        { channel: 'EMAIL', address: 'ops@a.example' },
        { channel: 'EMAIL', address: 'old@a.example' },
        { channel: 'WEBHOOK', address: 'https://a.example/hook-v2' },
      ],
    });
    expect(describeChange(change)).toBe(
      `change the contacts of counterparty ${LEI}: + WEBHOOK https://a.example/hook-v2; − WEBHOOK https://a.example/hook (and its own signing secret)`,
    );
  });

  it('a counterparty without contacts yet: everything is added', () => {
    const change = contactsChange(null, { lei: LEI, name: 'B', language: 'fr', contacts: [{ channel: 'EMAIL', address: 'b@b.example' }] });
    expect(describeChange(change)).toBe(`set the contacts of counterparty ${LEI} (none yet): name "B"; language fr; + EMAIL b@b.example`);
    expect(change.basedOn).toBeNull();
  });

  it('the same contacts again change nothing, a webhook with its own secret among them', () => {
    expect(changesNothing(contactsChange(held, { lei: LEI, ...held, contacts: held.contacts.map(({ channel, address }) => ({ channel, address })) }))).toBe(
      true,
    );
  });

  it('contacts changed since the proposal refuse its approval (409); the same ones let it through', () => {
    const after = contactsRequest({ lei: LEI, name: 'A', language: 'fr', contacts: [] });
    const shown = contactsChange(held, after);
    expect(() => refuseIfMoved(shown, contactsChange(structuredClone(held), after))).not.toThrow();
    const moved = contactsChange({ ...held, updatedAt: '2026-11-26T10:00:00.000Z', updatedBy: 'carol' }, after);
    const refusal = (() => {
      try {
        refuseIfMoved(shown, moved);
        return null;
      } catch (e) {
        return e as HttpException;
      }
    })();
    expect([refusal?.getStatus(), (refusal?.getResponse() as { message: string }).message]).toEqual([
      409,
      expect.stringContaining('changed since this proposal was made (updated by carol at 2026-11-26T10:00:00.000Z)'),
    ]);
  });
});
