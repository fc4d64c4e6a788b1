import { whenDatabaseReachable, type Log } from '@postera/platform';
import type { SentAttempt } from './delivery.repository.js';
import { GroupCommit } from './group-commit.js';

/**
 * The senders' SENT marks, one policy for both channels. The lanes' marks are group-committed (see
 * GroupCommit), and a commit waits out a database outage — an immediate restart takes seconds — for
 * up to `timeoutMs`, the outcome margin of the lease: the mail or POST is out, and a mark given up
 * means it goes out again once the lease ends. (A 50,000-trade chaos run, where a webhook mark failing
 * during a Postgres restart was given up at once, counted 21 repeated POSTs; the email sender then
 * tried three times over about three seconds.) An error that waiting cannot cure is raised at once.
 */
export class SentMarks {
  private readonly group: GroupCommit<SentAttempt, boolean>;

  /** `write` commits the marks and returns the ids it marked (recordSent). */
  constructor(
    private readonly write: (sent: SentAttempt[]) => Promise<Set<string>>,
    private readonly o: { timeoutMs: number; log: Log; channel: string },
  ) {
    this.group = new GroupCommit(async (sent) => {
      const marked = await this.record(sent);
      return sent.map((s) => marked.has(s.notificationId));
    });
  }

  /** One lane's mark, committed with the marks handed in meanwhile: whether this commit marked it SENT. */
  submit(sent: SentAttempt): Promise<boolean> {
    return this.group.submit(sent);
  }

  /** Marks at once (what a batch records again when a lane's commit failed): the ids marked SENT. */
  record(sent: SentAttempt[]): Promise<Set<string>> {
    if (sent.length === 0) return Promise.resolve(new Set());
    return whenDatabaseReachable(() => this.write(sent), {
      timeoutMs: this.o.timeoutMs,
      onWait: (e, waitedMs) =>
        this.o.log.warn({ err: (e as Error).message, waitedMs, sent: sent.length, channel: this.o.channel }, 'recording SENT: database unreachable; waiting'),
    });
  }
}
