/**
 * Runs `connect` until it succeeds, waiting with backoff (250 ms doubling, at most 5 s) while it
 * fails for a reason that time cures — a dependency down, restarting or not yet elected — and for at
 * most timeoutMs in all. An error that waiting cannot cure (a wrong password, a failed migration, an
 * unknown topic) is raised at once, and so is the last error once the time is up: the orchestrator
 * then restarts the process, which is no worse than before.
 */
export async function whenReachable<T>(
  connect: () => Promise<T>,
  o: { timeoutMs: number; transient: (e: unknown) => boolean; onWait: (e: unknown, waitedMs: number) => void },
): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await connect();
    } catch (e) {
      const waited = Date.now() - started;
      if (!o.transient(e) || waited >= o.timeoutMs) throw e;
      o.onWait(e, waited);
      await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 5_000, Math.max(o.timeoutMs - waited, 0))));
    }
  }
}
