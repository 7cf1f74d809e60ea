// The example started as users start it: two instances on one Redis, a run continued from one to the other.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REDIS_URL, deletePrefix, describeWithRedis, uniquePrefix } from '../../../packages/redis/test/redis-available.js';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const entry = path.join(repoRoot, 'examples', 'express-redis', 'src', 'cluster.ts');
const KEY = 'aw-example-cluster-key-0001';

describeWithRedis('examples/express-redis', () => {
  const prefix = uniquePrefix('example');
  let child: ChildProcess;
  let urls: string[] = [];
  let output = '';

  beforeAll(async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', REDIS_URL, AGENTWALL_REDIS_PREFIX: prefix, AGENTWALL_MOCK_UPSTREAM: '1', AGENTWALL_API_KEYS: KEY };
    delete env['OPENAI_API_KEY'];
    delete env['AGENTWALL_UPSTREAM_API_KEY'];
    delete env['ANTHROPIC_API_KEY'];
    delete env['AGENTWALL_ANTHROPIC_URL'];
    child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    urls = await new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the example did not start:\n${output}`)), 30_000);
      child.stdout!.on('data', (c: Buffer) => {
        output += c.toString();
        const found = [...output.matchAll(/^instance-\d listening on (http:\/\/\S+)/gm)].map((m) => m[1]!);
        if (found.length === 2 && output.includes('loop detector')) {
          clearTimeout(timer);
          resolve(found);
        }
      });
      child.once('exit', (code) => reject(new Error(`the example exited (${code}):\n${output}`)));
    });
  }, 40_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await deletePrefix(prefix);
  });

  it('prints both instances and a curl hint for a shared run', () => {
    expect(urls).toHaveLength(2);
    expect(urls[0]).not.toBe(urls[1]);
    expect(output).toContain('X-AgentWall-Run-ID: shared-run');
    // A key from the environment is never echoed.
    expect(output).not.toContain(KEY);
  });

  it('continues one run across the two instances', async () => {
    const send = (base: string, content: string) =>
      fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'x-agentwall-run-id': 'shared-run' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }),
      });
    const first = await send(urls[0]!, 'Step 1: plan the trip');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-served-by')).toBe('instance-1');
    const second = await send(urls[1]!, 'Step 2: book the hotel');
    expect(second.status).toBe(200);
    expect(second.headers.get('x-served-by')).toBe('instance-2');
    expect(second.headers.get('x-agentwall-step')).toBe('2');
    const again = await send(urls[0]!, 'Step 2: book the hotel');
    expect(again.status).toBe(429);
    const run = await fetch(`${urls[0]}/agentwall/runs/shared-run`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(await run.json()).toMatchObject({ steps: 2, blocked_attempts: 1 });
  });
});
