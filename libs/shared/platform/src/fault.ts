/**
 * Fault injection for the resilience tests: POSTERA_FAULT=<point>:<n> makes the process die
 * (SIGKILL-like exit, no cleanup) the n-th time it reaches <point>. Off unless set.
 */
const counts = new Map<string, number>();
let plan: { point: string; at: number } | null = null;

export function configureFaults(spec: string | undefined): void {
  if (!spec) return;
  const [point = '', at = '0'] = spec.split(':');
  plan = { point, at: Number(at) };
}

export function faultPoint(point: string): void {
  if (!plan || plan.point !== point) return;
  const n = (counts.get(point) ?? 0) + 1;
  counts.set(point, n);
  if (n === plan.at) {
    process.stderr.write(`fault injected at ${point} #${n}: exiting now\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}
