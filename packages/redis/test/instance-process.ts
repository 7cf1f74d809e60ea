// Starts fixtures/instance-server.ts as a child process through the shared child-server helper, and stops it.
import path from 'node:path';
import { spawnServer } from '../../core/test/support/child-server.js';
import type { TestInstanceConfig } from './fixtures/instance-server.js';
const entry = path.join(__dirname, 'fixtures', 'instance-server.ts');

/** A running server process. */
export interface InstanceProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
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
  delete env['ANTHROPIC_API_KEY'];
  delete env['AGENTWALL_ANTHROPIC_URL'];
  const server = await spawnServer({
    entry,
    env,
    listening: new RegExp(`^${config.name} listening on (http://\\S+)$`, 'm'),
    label: `instance ${config.name}`,
    timeoutMs,
  });
  return { url: server.listening, pid: server.pid, stop: async () => void (await server.stop()) };
}
