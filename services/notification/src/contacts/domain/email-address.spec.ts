import { describe, expect, it } from '@jest/globals';
import { isSingleMailbox } from './email-address.js';

describe('an email contact is one mailbox', () => {
  it('accepts an address', () => {
    expect(isSingleMailbox('ops@client.example')).toBe(true);
    expect(isSingleMailbox('back.office+avis@bank.example.com')).toBe(true);
  });

  it.each([
    ['two addresses with a comma', 'ops,other@example'],
    ['two full addresses with a comma', 'ops@client.example,other@evil.example'],
    ['a semicolon', 'ops@client.example;other@evil.example'],
    ['a display name', 'Ops <ops@client.example>'],
    ['a group', 'team: ops@client.example;'],
    ['a quoted local part', '"ops,other"@client.example'],
    ['a space', 'ops @client.example'],
    ['no @', 'ops.client.example'],
    ['two @', 'ops@other@client.example'],
    ['not a string', 42],
  ])('refuses %s', (_, address) => {
    expect(isSingleMailbox(address)).toBe(false);
  });

  it('refuses an address longer than 320 characters', () => {
    expect(isSingleMailbox(`${'a'.repeat(300)}@${'b'.repeat(30)}.example`)).toBe(false);
  });
});
