// Starts a TypeScript server script as a child process (node --import tsx, from the repo root), waits for its listening line, and stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The monorepo root; jest compiles tests to CommonJS, so `__dirname` is this file's folder. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

/** A running child server. */
export interface ChildServer {
  /** The first capture group of the listening line (e.g. the URL). */
  listening: string;
  pid: number;
  /** SIGTERM, then waits for the exit (SIGKILL after 10 s); resolves how it exited. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** What to start and how to tell it is up. */
export interface ChildServerOptions {
  /** The script to run. */
  entry: string;
  env: NodeJS.ProcessEnv;
  /** Matches the line the server prints once it listens; group 1 is returned. */
  listening: RegExp;
  /** Names the server in errors. */
  label: string;
  timeoutMs?: number;
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/**
 * Spawns the script with `node --import tsx` from the repo root (where tsx resolves, and where the root
 * tsconfig maps `@agentwall/*` to sources) and resolves once it prints its listening line. A failure
 * to start carries the child's stdout and stderr.
 */
export async function spawnServer(o: ChildServerOptions): Promise<ChildServer> {
  const timeoutMs = o.timeoutMs ?? 30_000;
  const child = spawn(process.execPath, ['--import', 'tsx', o.entry], { cwd: repoRoot, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
  });

  const listening = await new Promise<string>((resolve, reject) => {
    const fail = (why: string): void => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`${o.label} ${why}.\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`did not print its listening line within ${timeoutMs} ms`), timeoutMs);
    const onData = (chunk: string): void => {
      stdout += chunk;
      const match = o.listening.exec(stdout);
      if (match) {
        cleanup();
        resolve(match[1]!);
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => fail(`exited before listening (code ${code}, signal ${signal})`);
    const onError = (error: Error): void => fail(`could not be spawned (${error.message})`);
    function cleanup(): void {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    }
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
  // Keep draining stdout so a chatty server never blocks on a full pipe.
  child.stdout!.resume();

  return {
    listening,
    pid: child.pid!,
    async stop() {
      const done = exited(child);
      child.kill('SIGTERM');
      // A server stuck in shutdown must not outlive the test run; SIGKILL only if SIGTERM was ignored.
      const stuck = setTimeout(() => child.kill('SIGKILL'), 10_000);
      stuck.unref();
      const how = await done;
      clearTimeout(stuck);
      return how;
    },
  };
}
