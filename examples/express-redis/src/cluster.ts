// Example: two AgentWall instances on PORT and PORT+1 sharing one Redis, so a run continues on either of them.
import { exampleConfigFromEnv, GUIDE_DEV_KEY } from '@agentwall/example-support';
import { startInstance, type RunningInstance } from './instance.js';

// REDIS_URL is read here, not by the shared config: each instance makes its own store below.
const { port, options, mock, notices } = await exampleConfigFromEnv({ ...process.env, REDIS_URL: undefined });
const redisUrl = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
const prefix = process.env['AGENTWALL_REDIS_PREFIX'] || undefined;

// Two servers in one process keep the example short; each has its own Redis connection, exactly as two
// processes or machines would, and shares nothing else. The package's tests run them as separate processes.
const instances: RunningInstance[] = [];
for (const [i, p] of [port, port === 0 ? 0 : port + 1].entries()) {
  instances.push(await startInstance({ port: p, redisUrl, ...(prefix ? { prefix } : {}), options, name: `instance-${i + 1}` }));
}

try {
  await instances[0]!.store.ping();
} catch (err) {
  console.error(`Redis is not reachable at ${redisUrl} (${String(err)}).`);
  console.error('Start one, e.g. `docker run --rm -p 6379:6379 redis:7`, or set REDIS_URL.');
  await shutdown(1);
}

const [one, two] = instances as [RunningInstance, RunningInstance];
const key = options.keys?.[0]?.key === GUIDE_DEV_KEY ? GUIDE_DEV_KEY : '$AGENTWALL_API_KEY';
const chat = (url: string, text: string): string =>
  `curl -s ${url}/v1/chat/completions -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" ` +
  `-H "X-AgentWall-Run-ID: shared-run" -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"${text}"}]}'`;

for (const line of notices) console.log(line);
console.log(`Shared state in Redis at ${redisUrl}${prefix ? ` (prefix ${prefix})` : ''}.`);
console.log(`instance-1 listening on ${one.url}  (OpenAI base URL: ${one.url}/v1)`);
console.log(`instance-2 listening on ${two.url}  (OpenAI base URL: ${two.url}/v1)`);
console.log('');
console.log('One run, two instances: step 1 on instance-1, step 2 on instance-2, then the run as either sees it:');
console.log(`  ${chat(one.url, 'Step 1: plan the trip')}`);
console.log(`  ${chat(two.url, 'Step 2: book the hotel')}`);
console.log(`  curl -s ${one.url}/agentwall/runs/shared-run -H "Authorization: Bearer ${key}"`);
console.log('Send step 2 again to either instance and the loop detector answers 429: the window is shared too.');

async function shutdown(code = 0): Promise<never> {
  await Promise.all(instances.map((i) => i.close()));
  await mock?.close();
  process.exit(code);
}
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
