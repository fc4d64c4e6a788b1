import type { Log } from '@postera/platform';

const BACKOFF_MAX_MS = 30_000;

/** What one pass says about the next: go again at once (a full batch), wait the poll interval, or back off (the peer is down). */
export type PassOutcome = 'more' | 'idle' | 'backoff';

/**
 * A background pass run over and over — the notice router and the email and webhook senders: at
 * once while a pass fills its batch, after `pollMs` otherwise, with capped exponential backoff
 * (pollMs × 2ⁿ, at most 30 s) after a failure or an unreachable peer. `stop()` lets the pass in
 * hand finish and skips any pause after it.
 */
export class PollingLoop {
  private active = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly o: { name: string; pollMs: number; log: Log; pass: () => Promise<PassOutcome> }) {}

  /** False once stop() was called: a pass in hand stops starting new work. */
  get running(): boolean {
    return this.active;
  }

  start(): void {
    this.active = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.active = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.active) {
      try {
        const outcome = await this.o.pass();
        if (outcome === 'backoff') {
          failures++;
          await this.idle(this.backoffMs(failures));
          continue;
        }
        failures = 0;
        if (outcome === 'idle') await this.idle(this.o.pollMs);
      } catch (e) {
        failures++;
        const backoffMs = this.backoffMs(failures);
        this.o.log.error({ err: e, backoffMs }, `${this.o.name} pass failed; retrying`);
        await this.idle(backoffMs);
      }
    }
  }

  private backoffMs(failures: number): number {
    return Math.min(BACKOFF_MAX_MS, this.o.pollMs * 2 ** Math.min(failures, 10));
  }

  private idle(ms: number): Promise<void> {
    if (!this.active) return Promise.resolve(); // shutting down: no pause after the pass in hand
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }
}
