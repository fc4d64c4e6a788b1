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
  /** Ends the pause in progress, if any. */
  private endPause: (() => void) | null = null;
  /** Work arrived while a pass was running: the pass after it starts at once. */
  private wakeRequested = false;

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
    this.endPause?.();
    await this.loop;
  }

  /**
   * New work was committed (a NOTIFY): the idle pause ends now, or the pass in hand is followed by
   * another at once. A backoff after a failure is not cut short: the peer is still down.
   */
  wake(): void {
    this.wakeRequested = true;
    if (this.idlePause) this.endPause?.();
  }

  private idlePause = false;

  /** At rest between passes (nothing found last time): a wake() starts its next pass at once. */
  get pausedIdle(): boolean {
    return this.idlePause;
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
        if (outcome === 'idle') await this.idle(this.o.pollMs, true);
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

  private idle(ms: number, wakeable = false): Promise<void> {
    if (!this.active) return Promise.resolve(); // shutting down: no pause after the pass in hand
    if (wakeable && this.wakeRequested) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      let t: ReturnType<typeof setTimeout> | undefined = undefined;
      const done = () => {
        clearTimeout(t);
        this.endPause = null;
        this.idlePause = false;
        if (wakeable) this.wakeRequested = false;
        resolve();
      };
      this.idlePause = wakeable;
      this.endPause = done;
      t = setTimeout(done, ms);
    });
  }
}
