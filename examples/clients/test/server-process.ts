// Starts an example server (Express or Koa) as a child process on a free port with the mock LLM, and stops it.
import path from 'node:path';
import { repoRoot, spawnServer } from '../../../packages/core/test/support/child-server.js';

export { repoRoot };

export type Framework = 'express' | 'koa';

export interface ServerProcess {
  framework: Framework;
  /** `http://127.0.0.1:<port>`: where the middleware is mounted. */
  origin: string;
  /** The OpenAI base URL, `<origin>/v1`. */
  baseURL: string;
  /** SIGTERM (a graceful shutdown), then waits for the exit; resolves how it exited. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartOptions {
  /** AgentWall keys, joined into AGENTWALL_API_KEYS. */
  apiKeys: string[];
  adminKey?: string;
  /** Extra environment, e.g. limits. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

const LISTENING = /AgentWall \((?:express|koa)\) listening on (http:\/\/127\.0\.0\.1:\d+)/;

/** A copy of this process's environment that can never reach a live provider. */
function childEnv(options: StartOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Any provider key would make the example server forward to a real, paid upstream.
  delete env['OPENAI_API_KEY'];
  delete env['AGENTWALL_UPSTREAM_API_KEY'];
  delete env['ANTHROPIC_API_KEY'];
  delete env['AGENTWALL_ANTHROPIC_URL'];
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

/** Spawns `examples/<framework>-server/src/server.ts` and resolves once it prints its listening line. */
export async function startServer(framework: Framework, options: StartOptions): Promise<ServerProcess> {
  const server = await spawnServer({
    entry: path.join(repoRoot, 'examples', `${framework}-server`, 'src', 'server.ts'),
    env: childEnv(options),
    listening: LISTENING,
    label: `${framework} example server`,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  return { framework, origin: server.listening, baseURL: `${server.listening}/v1`, stop: server.stop };
}
