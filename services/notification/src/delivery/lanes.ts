/**
 * The sending lanes of a process, shared by the passes that run side by side: a send holds a lane
 * from the moment it is handed to the channel until its SENT mark is committed. However many passes
 * are in flight, no more than `count` sends are — so the most mails a crash can leave accepted but
 * unrecorded stays the lane count. Lanes are granted in the order they were asked for.
 */
export class Lanes {
  private free: number;
  private readonly queue: Array<() => void> = [];

  constructor(readonly count: number) {
    if (!(count >= 1)) throw new Error(`lanes: ${count} is not a positive count`);
    this.free = count;
  }

  /** Waits for a free lane; the function returned gives it back (once). */
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.queue.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next) next();
      else this.free++;
    };
  }

  /** Lanes not held (for tests and logs). */
  get available(): number {
    return this.free;
  }
}
