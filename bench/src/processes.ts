// Child processes of the bench: start with a "ready <port>" handshake, read their peak RSS, stop them, and never leak them.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import readline from 'node:readline';

/** A running child that announced its port. */
export interface Child {
  name: string;
  port: number;
  pid: number;
  /** `note` lines the child printed before it was ready. */
  notes: string[];
  /** Peak resident set (VmHWM) in bytes, from /proc; undefined where there is no /proc. */
  peakRss(): number | undefined;
  /** CPU time (user + system) the process has used so far, in µs, from /proc; undefined where there is no /proc. */
  cpuUs(): number | undefined;
  /** Heap in use after a GC, asked of a contender with SIGUSR2; undefined when it does not answer. */
  liveHeap(): Promise<number | undefined>;
  stop(): Promise<void>;
}

export type StartOutcome = { ready: true; child: Child } | { ready: false; reason: string };

const live = new Set<ChildProcess>();
// Children die with the orchestrator, whatever ends it.
process.once('exit', () => {
  for (const proc of live) proc.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130));
}

/** Registers a child started elsewhere (redis-server), so it dies with the orchestrator too. */
export function track(proc: ChildProcess): void {
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
}

function peakRssOf(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

// /proc/<pid>/stat counts CPU time in clock ticks; Linux reports USER_HZ = 100 to user space.
const TICK_US = 10_000;

/** utime + stime of a process, in µs. The command name (field 2) may hold spaces, so fields are counted after its ')'. */
export function cpuUsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name: state is field 3, utime field 14, stime field 15.
    return (Number(fields[11]) + Number(fields[12])) * TICK_US;
  } catch {
    return undefined;
  }
}

function waitExit(proc: ChildProcess, ms: number): Promise<boolean> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Spawns `node <args>` and waits for `ready <port>` (or `skip <reason>`) on its stdout. Other output
 * is passed through with the child's name, so a failing contender is visible.
 */
export function startChild(name: string, args: string[], options: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<StartOutcome> {
  const proc = spawn(process.execPath, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  track(proc);
  // A contender that logs per failed request (Koa logs every client that leaves mid-stream) would bury the progress lines.
  const seen = new Map<string, number>();
  readline.createInterface({ input: proc.stderr! }).on('line', (line) => {
    const n = (seen.get(line) ?? 0) + 1;
    seen.set(line, n);
    if (n === 1) console.error(`[${name}] ${line}`);
  });
  proc.once('exit', () => {
    let repeated = 0;
    for (const n of seen.values()) repeated += n - 1;
    if (repeated > 0) console.error(`[${name}] (${repeated} repeated stderr lines not shown)`);
  });
  const notes: string[] = [];
  let measured: number | undefined;
  let onHeap: ((bytes: number | undefined) => void) | undefined;

  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: StartOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      finish({ ready: false, reason: `no "ready" line within ${options.timeoutMs ?? 20_000} ms` });
    }, options.timeoutMs ?? 20_000);
    proc.once('exit', (code, signal) => finish({ ready: false, reason: `exited (${signal ?? code}) before it was ready` }));
    readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (settled && line.startsWith('heap ') && onHeap) return onHeap(Number(line.slice('heap '.length)));
      if (settled) return console.log(`[${name}] ${line}`);
      const [word, ...rest] = line.split(' ');
      const text = rest.join(' ');
      if (word === 'note') notes.push(text);
      // A wrapper that serves through a child of its own names the process to measure.
      else if (word === 'pid') measured = Number(text);
      else if (word === 'skip') finish({ ready: false, reason: text });
      else if (word === 'ready') {
        finish({
          ready: true,
          child: {
            name,
            port: Number(text),
            pid: proc.pid!,
            notes,
            peakRss: () => peakRssOf(measured ?? proc.pid!),
            cpuUs: () => cpuUsOf(measured ?? proc.pid!),
            liveHeap: () =>
              new Promise((done) => {
                const timer = setTimeout(() => answer(undefined), 5_000);
                const answer = (bytes: number | undefined): void => {
                  clearTimeout(timer);
                  onHeap = undefined;
                  done(bytes);
                };
                onHeap = answer;
                proc.kill('SIGUSR2');
              }),
            async stop() {
              proc.kill('SIGTERM');
              // A profiled child writes its .cpuprofile on the way out, which takes a moment.
              if (!(await waitExit(proc, 15_000))) {
                proc.kill('SIGKILL');
                await waitExit(proc, 5_000);
              }
            },
          },
        });
      } else console.log(`[${name}] ${line}`);
    });
  });
}

/** Runs `node <args>` to completion and returns the JSON of its `result <json>` line. */
export function runJson<T>(name: string, args: string[], cwd: string): Promise<T> {
  const proc = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  track(proc);
  let result: string | undefined;
  const errors: string[] = [];
  readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
    if (line.startsWith('result ')) result = line.slice('result '.length);
  });
  readline.createInterface({ input: proc.stderr! }).on('line', (line) => errors.push(line));
  return new Promise((resolve, reject) => {
    proc.once('close', (code) => {
      if (code === 0 && result !== undefined) resolve(JSON.parse(result) as T);
      else reject(new Error(`${name} failed (exit ${code}): ${errors.slice(-5).join('\n')}`));
    });
  });
}
