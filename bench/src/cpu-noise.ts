// How much CPU processes outside the bench used during a run, so a table measured on a busy machine says so.
import { readFileSync } from 'node:fs';

interface Ticks {
  busy: number;
  total: number;
  /** This process and its reaped children (every contender, driver and mock once it has exited). */
  own: number;
}

function read(): Ticks | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpu;
    const busy = user + nice + system + irq + softirq + steal;
    const self = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const f = self.slice(self.lastIndexOf(')') + 2).split(' ').map(Number);
    const own = (f[11] ?? 0) + (f[12] ?? 0) + (f[13] ?? 0) + (f[14] ?? 0);
    return { busy, total: busy + idle + iowait, own };
  } catch {
    return undefined;
  }
}

/** Starts counting; the returned function gives the share (0..1) of all CPU time that others used, or NaN without /proc. */
export function watchCpuNoise(): () => number {
  const start = read();
  return () => {
    const end = read();
    if (!start || !end || end.total === start.total) return Number.NaN;
    return Math.max(0, end.busy - start.busy - (end.own - start.own)) / (end.total - start.total);
  };
}
