/** The longest address accepted (RFC 5321: 64 for the local part, 255 for the domain, and the @). */
export const EMAIL_ADDRESS_MAX_CHARS = 320;

/**
 * One mailbox, and only one: `local@domain` with none of the characters that make a header hold
 * several (`a@x,b@y`, `a@x;b@y`), a display name (`Name <a@x>`), a group (`g: a@x;`), a quoted or
 * commented part. An SMTP library reads `ops,other@example` as two recipients: a contact written
 * so would send a client's notices to a second mailbox.
 */
const SINGLE_MAILBOX = /^[^\s@,;:<>()"[\]\\]+@[^\s@,;:<>()"[\]\\]+$/;

export function isSingleMailbox(address: unknown): address is string {
  return typeof address === 'string' && address.length <= EMAIL_ADDRESS_MAX_CHARS && SINGLE_MAILBOX.test(address);
}
