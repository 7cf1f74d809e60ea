// Starts fixtures/instance-server.ts as a child process (node --import tsx, from the repo root) and stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { TestInstanceConfig } from './fixtures/instance-server.js';

/** The monorepo root; jest compiles tests to CommonJS, so `__dirname` is this file's folder. */
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const entry = path.join(__dirname, 'fixtures', 'instance-server.ts');

/** A running server process. */
export interface InstanceProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Spawns one instance and resolves with its URL once it prints its listening line. From the repo root,
 * tsx maps `@agentwall/*` to their sources through the root tsconfig's `paths`, so no build is needed.
 *
 * @example
 * const one = await startInstanceProcess({ name: 'one', redisUrl, prefix, options });
 */
export async function startInstanceProcess(config: TestInstanceConfig, timeoutMs = 30_000): Promise<InstanceProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, AGENTWALL_TEST_INSTANCE: JSON.stringify(config) };
  // A provider key in the environment must never reach a test server.
  delete env['OPENAI_API_KEY'];
  delete env['AGENTWALL_UPSTREAM_API_KEY'];
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const listening = new RegExp(`^${config.name} listening on (http://\\S+)$`, 'm');
  const url = await new Promise<string>((resolve, reject) => {
    const fail = (why: string): void => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`instance ${config.name} ${why}.\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`did not listen within ${timeoutMs} ms`), timeoutMs);
    const onData = (chunk: string): void => {
      stdout += chunk;
      const m = listening.exec(stdout);
      if (m) {
        cleanup();
        resolve(m[1]!);
      }
    };
    const onExit = (code: number | null): void => fail(`exited before listening (code ${code})`);
    function cleanup(): void {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
    }
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
  child.stdout!.resume();
  return {
    url,
    pid: child.pid!,
    async stop() {
      const done = exited(child);
      child.kill('SIGTERM');
      const stuck = setTimeout(() => child.kill('SIGKILL'), 10_000);
      stuck.unref();
      await done;
      clearTimeout(stuck);
    },
  };
}
