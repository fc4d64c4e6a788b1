import MailComposer from 'nodemailer/lib/mail-composer';
import type { Mail, SendMailOptions, SMTPPoolOptions, SMTPPoolSentMessageInfo } from 'nodemailer';

/** A mail to compose: one sender and one recipient, as the senders write them. */
export type ComposedMail = SendMailOptions & { from: string; to: string; messageId: string };

/**
 * Composes the mail in memory, then hands it to SMTP as one buffer. Composed by nodemailer on its
 * way to the socket, a message goes out a piece at a time — each 76-character base64 line of a PDF
 * its own write, a system call that also wakes the server: in a burst, about a fifth of the
 * notification process's socket-write time. Whole, the body is one write. The bytes and the
 * envelope are those nodemailer would have built (the same composer, no header added).
 */
export async function sendComposed(
  transport: Mail<SMTPPoolSentMessageInfo, SMTPPoolOptions>,
  mail: ComposedMail,
  signal: AbortSignal,
): Promise<SMTPPoolSentMessageInfo> {
  const raw = await new MailComposer(mail).compile().build();
  return transport.sendMail({ envelope: { from: mail.from, to: mail.to }, raw, messageId: mail.messageId, signal });
}
