/**
 * Group commit: callers hand in one item each and wait for its own result, and the items that
 * arrive while a commit is in flight go together in the next one. Under load the sending lanes'
 * SENT marks share statements (fewer round trips and Postgres commits per mail), yet each lane
 * still waits for its mark before its next mail — so a crash can leave unrecorded no more mails
 * than there are lanes, as with one commit per mail. A failed commit fails every item it carried.
 */
export class GroupCommit<T, R> {
  private waiting: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private flushing = false;

  /** `commit` returns one result per item, in the order given. */
  constructor(private readonly commit: (items: T[]) => Promise<R[]>) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.waiting.length > 0) {
      const group = this.waiting;
      this.waiting = [];
      try {
        const results = await this.commit(group.map((g) => g.item));
        group.forEach((g, i) => g.resolve(results[i]!));
      } catch (e) {
        for (const g of group) g.reject(e);
      }
    }
    this.flushing = false;
  }
}
