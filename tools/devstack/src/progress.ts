/** Where progress goes: the process's stdout, or a test's recorder. */
export interface ProgressOut {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * The main job's progress while it waits for a stage (services starting, executions captured,
 * settlement, notices, declarations). On a terminal the stage's line is rewritten in place as its
 * counts move; in a log (CI, a pipe) a line is written when the counts change, at most one per
 * `everyMs`, so a slow stage shows it is moving without flooding the log.
 */
export class Progress {
  private stage: string | null = null;
  private shown = '';
  private shownAt = -Infinity;
  private pending: string | null = null;
  private readonly started = new Map<string, number>();

  constructor(
    private readonly out: ProgressOut = process.stdout,
    private readonly clock: () => number = Date.now,
    private readonly everyMs = 5_000,
  ) {}

  /** The stage's latest counts, e.g. update('capture', 'consumed 640/1000, instructed 512'). */
  update(stage: string, detail: string): void {
    const now = this.clock();
    if (!this.started.has(stage)) this.started.set(stage, now);
    const line = progressLine(stage, detail, now - this.started.get(stage)!);
    if (this.out.isTTY) {
      if (this.stage !== null && this.stage !== stage) this.out.write('\n');
      // Clear to the end of the line: a shorter line must not leave the tail of a longer one.
      this.out.write(`\r${line}\x1b[K`);
      this.stage = stage;
      this.shown = detail;
      return;
    }
    if (stage === this.stage && detail === this.shown) return;
    if (stage === this.stage && now - this.shownAt < this.everyMs) {
      this.pending = line;
      return;
    }
    this.out.write(`${line}\n`);
    this.stage = stage;
    this.shown = detail;
    this.shownAt = now;
    this.pending = null;
  }

  /** Ends the current stage: the terminal's line is kept, a log gets the stage's last counts if they were held back. */
  end(): void {
    if (this.out.isTTY && this.stage !== null) this.out.write('\n');
    else if (this.pending !== null) this.out.write(`${this.pending}\n`);
    this.stage = null;
    this.shown = '';
    this.pending = null;
    this.shownAt = -Infinity;
  }
}

/** `  … capture: consumed 640/1000 (12 s)`: the stage, its counts and how long it has been waited for. */
export function progressLine(stage: string, detail: string, elapsedMs: number): string {
  return `  … ${stage}: ${detail} (${Math.floor(elapsedMs / 1000)} s)`;
}
