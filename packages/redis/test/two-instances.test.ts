// Two AgentWall server processes on one Redis act as one: loops, budgets, kills and revocations hold across them.
import { startMockLlm, type MockLlm } from '@agentwall/mock-llm';
import type { AgentWallOptions } from '@agentwall/core';
import { startInstanceProcess, type InstanceProcess } from './instance-process.js';
import { REDIS_URL, deletePrefix, describeWithRedis, uniquePrefix } from './redis-available.js';

const PROVIDER_KEY = 'sk-provider-two-instances';
const ADMIN = 'aw-admin-two-instances-0001';
const KEYS = {
  loop: 'aw-two-instances-loop-0001',
  run: 'aw-two-instances-run-0002',
  daily: 'aw-two-instances-daily-0003',
  kill: 'aw-two-instances-kill-0004',
  revoke: 'aw-two-instances-revoke-0005',
} as const;

interface Reply {
  status: number;
  body: { error?: { type: string; scope?: string; loop_type?: string; matched_step?: number }; agentwall?: { step: number; cost_usd: number } } & Record<string, unknown>;
}

async function call(base: string, path: string, key: string, init: { body?: unknown; runId?: string; method?: string } = {}): Promise<Reply> {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'),
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      ...(init.runId ? { 'x-agentwall-run-id': init.runId } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Reply['body'] };
}

// With output priced at $1 per token and max_tokens 5, each request reserves $5, and the mock's
// answer is cut to exactly 5 tokens, so each one also costs $5.
const chat = (content: string) => ({ model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content }] });

describeWithRedis('two AgentWall processes sharing one Redis', () => {
  const prefix = uniquePrefix('two-instances');
  let mock: MockLlm;
  let one: InstanceProcess;
  let two: InstanceProcess;

  beforeAll(async () => {
    mock = await startMockLlm({ apiKey: PROVIDER_KEY });
    const options: AgentWallOptions = {
      keys: [
        { key: KEYS.loop, name: 'loop' },
        { key: KEYS.run, name: 'run-budget' },
        { key: KEYS.daily, name: 'daily', budgets: { dailyUsd: 50 } },
        { key: KEYS.kill, name: 'kill' },
        { key: KEYS.revoke, name: 'revoke' },
      ],
      adminKey: ADMIN,
      upstream: { url: mock.url, apiKey: PROVIDER_KEY },
      prices: { 'gpt-4o-mini': { inputPerMTok: 0, outputPerMTok: 1_000_000 } },
      maxRunCostUsd: 50,
      maxSteps: 0,
    };
    [one, two] = await Promise.all([
      startInstanceProcess({ name: 'instance-1', redisUrl: REDIS_URL, prefix, options }),
      startInstanceProcess({ name: 'instance-2', redisUrl: REDIS_URL, prefix, options }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    await mock?.close();
    await deletePrefix(prefix);
  });

  it('runs as two processes', () => {
    expect(one.pid).not.toBe(two.pid);
    expect(one.url).not.toBe(two.url);
  });

  it('catches on instance 2 a loop started on instance 1', async () => {
    const first = await call(one.url, '/v1/chat/completions', KEYS.loop, { runId: 'loop-run', body: chat('summarize the incident report') });
    expect(first.status).toBe(200);
    const again = await call(two.url, '/v1/chat/completions', KEYS.loop, { runId: 'loop-run', body: chat('summarize the incident report') });
    expect(again.status).toBe(429);
    expect(again.body.error).toMatchObject({ type: 'loop_detected', loop_type: 'exact_repeat', matched_step: 1 });
  });

  it('never overspends a shared run budget: 100 concurrent requests over both, exactly 10 x $5 fit in $50', async () => {
    const upstreamBefore = mock.requests.length;
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) => call(i % 2 ? two.url : one.url, '/v1/chat/completions', KEYS.run, { runId: 'budget-run', body: chat(`budget test number ${i}`) })),
    );
    const ok = replies.filter((r) => r.status === 200);
    expect(ok).toHaveLength(10);
    expect(ok.every((r) => r.body.agentwall?.cost_usd === 5)).toBe(true);
    expect(new Set(ok.map((r) => r.body.agentwall?.step))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    const refused = replies.filter((r) => r.status !== 200);
    expect(refused.every((r) => r.status === 429 && r.body.error?.type === 'budget_exceeded' && r.body.error.scope === 'run')).toBe(true);
    // Refused requests never reached the upstream.
    expect(mock.requests.length - upstreamBefore).toBe(10);
    const run = await call(two.url, '/agentwall/runs/budget-run', KEYS.run);
    expect(run.body).toMatchObject({ steps: 10, cost_usd: 50, reserved_usd: 0, blocked_attempts: 90 });
  });

  it("never overspends a key's daily budget: 100 concurrent runs over both, exactly $50 spent", async () => {
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) => call(i % 2 ? one.url : two.url, '/v1/chat/completions', KEYS.daily, { runId: `daily-${i}`, body: chat(`budget test number ${i}`) })),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(10);
    const refused = replies.filter((r) => r.status !== 200);
    expect(refused.every((r) => r.status === 429 && r.body.error?.type === 'budget_exceeded' && r.body.error.scope === 'key_daily')).toBe(true);
    for (const base of [one.url, two.url]) {
      const usage = await call(base, '/agentwall/usage', KEYS.daily);
      expect(usage.body).toMatchObject({ daily: { spent_usd: 50, reserved_usd: 0, limit_usd: 50 } });
    }
  });

  it('refuses on instance 2 a run killed through instance 1', async () => {
    expect((await call(one.url, '/v1/chat/completions', KEYS.kill, { runId: 'kill-run', body: chat('start the migration') })).status).toBe(200);
    expect((await call(one.url, '/agentwall/runs/kill-run/kill', KEYS.kill, { method: 'POST', body: {} })).status).toBe(200);
    const after = await call(two.url, '/v1/chat/completions', KEYS.kill, { runId: 'kill-run', body: chat('continue the migration') });
    expect(after.status).toBe(403);
    expect(after.body.error).toMatchObject({ type: 'run_killed' });
  });

  it('refuses on instance 2 a key revoked through instance 1', async () => {
    expect((await call(two.url, '/v1/chat/completions', KEYS.revoke, { body: chat('hello before revocation') })).status).toBe(200);
    expect((await call(one.url, '/agentwall/keys/revoke/revoke', ADMIN, { method: 'POST', body: {} })).status).toBe(200);
    const after = await call(two.url, '/v1/chat/completions', KEYS.revoke, { body: chat('hello after revocation') });
    expect(after.status).toBe(401);
    expect(after.body.error).toMatchObject({ type: 'invalid_api_key' });
    // The other keys are untouched.
    expect((await call(two.url, '/v1/chat/completions', KEYS.loop, { body: chat('hello from another key') })).status).toBe(200);
  });
});
