// Starts an example server (Express or Koa) as a child process on a free port with the mock LLM, and stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The monorepo root; jest compiles tests to CommonJS, so `__dirname` is this file's folder. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export type Framework = 'express' | 'koa';

export interface ServerProcess {
  framework: Framework;
  /** `http://127.0.0.1:<port>`: where the middleware is mounted. */
  origin: string;
  /** The OpenAI base URL, `<origin>/v1`. */
  baseURL: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** AgentWall keys, joined into AGENTWALL_API_KEYS. */
  apiKeys: string[];
  adminKey?: string;
  /** Extra environment, e.g. limits. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

const LISTENING = /AgentWall \((?:express|koa)\) listening on (http:\/\/127\.0\.0\.1:(\d+))/;

/** A copy of this process's environment that can never reach a live provider. */
function childEnv(options: StartOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Any provider key would make the example server forward to a real, paid upstream.
  delete env['OPENAI_API_KEY'];
  delete env['AGENTWALL_UPSTREAM_API_KEY'];
  delete env['AGENTWALL_UPSTREAM_URL'];
  delete env['REDIS_URL'];
  delete env['AGENTWALL_ADMIN_KEY'];
  Object.assign(env, {
    PORT: '0',
    AGENTWALL_MOCK_UPSTREAM: '1',
    AGENTWALL_API_KEYS: options.apiKeys.join(','),
    ...(options.adminKey ? { AGENTWALL_ADMIN_KEY: options.adminKey } : {}),
    ...options.env,
  });
  return env;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Spawns `examples/<framework>-server/src/server.ts` and resolves once it prints its listening line. */
export async function startServer(framework: Framework, options: StartOptions): Promise<ServerProcess> {
  const entry = path.join(repoRoot, 'examples', `${framework}-server`, 'src', 'server.ts');
  const timeoutMs = options.timeoutMs ?? 30_000;
  // `--import tsx` resolves from the cwd, so the child runs from the repo root where tsx is installed.
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: repoRoot,
    env: childEnv(options),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
  });

  const origin = await new Promise<string>((resolve, reject) => {
    const fail = (why: string): void => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`${framework} example server ${why}.\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`did not print its listening line within ${timeoutMs} ms`), timeoutMs);
    const onData = (chunk: string): void => {
      stdout += chunk;
      const match = LISTENING.exec(stdout);
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
    framework,
    origin,
    baseURL: `${origin}/v1`,
    async stop() {
      const done = exited(child);
      child.kill('SIGTERM');
      // A server stuck in shutdown must not outlive the test run; SIGKILL only if SIGTERM was ignored.
      const stuck = setTimeout(() => child.kill('SIGKILL'), 10_000);
      stuck.unref();
      await done;
      clearTimeout(stuck);
    },
  };
}
