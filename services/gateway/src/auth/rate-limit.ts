/**
 * Requests per key (an operator, a client address) in a one-minute window from the key's first
 * request, in this replica's memory. Bounded: once `maxKeys` windows are held, a tenth of them
 * makes room — the windows already over first, then the oldest of those not at their limit, and a
 * limited key's window only when nothing else is left. Never every key at once: a flood of new keys
 * cannot reset the limits of the keys being limited.
 */
export class WindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request of `key`; false when it is over the limit. */
  hit(key: string): boolean {
    const t = this.now();
    const w = this.windows.get(key);
    if (w && t - w.start < 60_000) {
      w.count++;
      return w.count <= this.perMinute;
    }
    if (w) this.windows.delete(key);
    this.makeRoom(t);
    this.windows.set(key, { start: t, count: 1 });
    return 1 <= this.perMinute;
  }

  /** Whether `key` is over the limit now, without counting a request. */
  over(key: string): boolean {
    const w = this.windows.get(key);
    return !!w && this.now() - w.start < 60_000 && w.count >= this.perMinute;
  }

  get size(): number {
    return this.windows.size;
  }

  private makeRoom(t: number): void {
    if (this.windows.size < this.maxKeys) return;
    const target = this.maxKeys - Math.max(1, Math.floor(this.maxKeys / 10));
    for (const [k, w] of this.windows) if (t - w.start >= 60_000) this.windows.delete(k);
    // A Map keeps insertion order, and a renewed window is re-inserted: the first are the oldest.
    for (const [k, w] of this.windows) {
      if (this.windows.size <= target) return;
      if (w.count < this.perMinute) this.windows.delete(k);
    }
    for (const k of this.windows.keys()) {
      if (this.windows.size <= target) return;
      this.windows.delete(k);
    }
  }
}
