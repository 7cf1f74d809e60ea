// A Redis outage under a running AgentWall: 503 or fail-open as configured, recovery by itself, and spend exact across it.
import request from 'supertest';
import { Redis } from 'ioredis';
import { startMockLlm, type MockLlm } from '@agentwall/mock-llm';
import type { AgentWallOptions, Logger } from '@agentwall/core';
import { RedisStore } from '@agentwall/redis';
import { createInstanceApp } from '../../../examples/express-redis/src/instance.js';
import { describeWithRedisServer, startPrivateRedis, type PrivateRedis } from './redis-server.js';
import { quiet } from './redis-available.js';

const PROVIDER_KEY = 'sk-provider-outage';
const KEY = 'aw-outage-key-0001';

/** Waits until `check` holds, polling; a bound on waiting, not a timing assertion. */
async function eventually(check: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`condition not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function recordingLogger(): { lines: Array<{ level: string; msg: string; code: unknown }>; logger: Logger } {
  const lines: Array<{ level: string; msg: string; code: unknown }> = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    lines.push({ level, msg, code: fields?.['code'] });
  };
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}

// $1 per output token and max_tokens 5: each request reserves and costs exactly $5.
const chat = (content: string) => ({ model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content }] });

describeWithRedisServer('RedisStore through a Redis outage', () => {
  let redis: PrivateRedis;
  let mock: MockLlm;
  const stores: RedisStore[] = [];
  const closers: Array<() => Promise<void>> = [];

  function app(extra: Partial<AgentWallOptions>, logger: Logger = quiet) {
    const store = new RedisStore({ url: redis.url, logger });
    stores.push(store);
    const options: AgentWallOptions = {
      keys: [{ key: KEY, name: 'outage' }],
      upstream: { url: mock.url, apiKey: PROVIDER_KEY },
      prices: { 'gpt-4o-mini': { inputPerMTok: 0, outputPerMTok: 1_000_000 } },
      maxRunCostUsd: 1000,
      dailyBudgetUsd: 1000,
      logger: quiet,
      env: {},
      store,
      ...extra,
    };
    const built = createInstanceApp(options);
    closers.push(() => built.firewall.close());
    return { app: built.app, store };
  }

  beforeAll(async () => {
    redis = await startPrivateRedis();
    mock = await startMockLlm({ apiKey: PROVIDER_KEY });
  });

  afterAll(async () => {
    for (const close of closers) await close();
    for (const store of stores) await store.close();
    await mock?.close();
    await redis?.dispose();
  });

  it('refuses (503) or forwards per failOpen while Redis is down, resumes by itself, and charges exactly what was settled', async () => {
    const log = recordingLogger();
    const closed = app({}, log.logger).app;
    const open = app({ failOpen: { auth: true, budgets: true } }).app;
    const send = (target: typeof closed, content: string) =>
      request(target).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY}`).set('X-AgentWall-Run-ID', 'outage-run').send(chat(content));

    for (let i = 1; i <= 3; i++) {
      const res = await send(closed, `before the outage, request ${i}`);
      expect(res.status).toBe(200);
      expect(res.body.agentwall).toMatchObject({ step: i, cost_usd: 5 });
    }

    await redis.kill();
    const down = await send(closed, 'during the outage, fail closed');
    expect(down.status).toBe(503);
    expect(down.body.error).toMatchObject({ type: 'store_unavailable' });
    expect((await request(closed).get('/health/ready')).status).toBe(503);
    const upstreamBefore = mock.requests.length;
    const forwarded = await send(open, 'during the outage, fail open');
    expect(forwarded.status).toBe(200);
    expect(mock.requests.length).toBe(upstreamBefore + 1);
    expect(log.lines.filter((l) => l.code === 'AW_REDIS_UNREACHABLE')).toHaveLength(1);

    await redis.start();
    // ioredis reconnects by itself (back-off up to 2 s); nothing here reconnects it.
    await eventually(async () => (await request(closed).get('/health/ready')).status === 200, 15_000);
    for (let i = 4; i <= 5; i++) {
      const res = await send(closed, `after the outage, request ${i}`);
      expect(res.status).toBe(200);
      expect(res.body.agentwall).toMatchObject({ step: i, cost_usd: 5 });
    }

    // The append-only file kept every acknowledged write: 5 settled requests at $5, nothing from the
    // untracked fail-open request, nothing charged twice, no reservation left behind.
    const run = await request(closed).get('/agentwall/runs/outage-run').set('Authorization', `Bearer ${KEY}`);
    expect(run.body).toMatchObject({ steps: 5, cost_usd: 25, reserved_usd: 0 });
    expect(run.body.step_details.map((s: { step: number }) => s.step)).toEqual([1, 2, 3, 4, 5]);
    const usage = await request(closed).get('/agentwall/usage').set('Authorization', `Bearer ${KEY}`);
    expect(usage.body.daily).toMatchObject({ spent_usd: 25, reserved_usd: 0 });
    expect(log.lines.filter((l) => l.code === 'AW_REDIS_RECONNECTED')).toHaveLength(1);
  }, 40_000);

  it('records a step whose settle met the outage once Redis is back: cost counted once, reservation released', async () => {
    const log = recordingLogger();
    const { app: target } = app({ logger: log.logger });
    const usage = async () => (await request(target).get('/agentwall/usage').set('Authorization', `Bearer ${KEY}`)).body.daily as { spent_usd: number; reserved_usd: number };
    const before = await usage();

    // The upstream answers after 3 s; Redis goes down meanwhile, so the step's settle finds it gone.
    mock.fail({ kind: 'delay', ms: 3000 });
    const answered = request(target).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY}`).set('X-AgentWall-Run-ID', 'settle-retry').send(chat('in flight when Redis goes down'));
    const pending = answered.then((r) => r);
    await eventually(async () => mock.requests.some((r) => JSON.stringify(r.body).includes('in flight when Redis goes down')), 5_000);
    await redis.kill();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.agentwall).toMatchObject({ step: 1, cost_usd: 5 });
    expect(log.lines.filter((l) => l.code === 'AW_SETTLE_DEFERRED')).toHaveLength(1);

    await redis.start();
    // Nothing here resends it: the retry does, once ioredis has reconnected by itself.
    const run = async () => (await request(target).get('/agentwall/runs/settle-retry').set('Authorization', `Bearer ${KEY}`)).body as Record<string, unknown>;
    await eventually(async () => ((await run().catch(() => ({}))) as { step_details?: unknown[] }).step_details?.length === 1, 20_000);
    expect(await run()).toMatchObject({ steps: 1, cost_usd: 5, reserved_usd: 0 });
    const after = await usage();
    expect(after.spent_usd - before.spent_usd).toBe(5);
    expect(after.reserved_usd).toBe(before.reserved_usd);
    expect(log.lines.filter((l) => l.code === 'AW_SETTLE_FAILED')).toHaveLength(0);
  }, 40_000);

  it('rejects a script in flight when the connection drops, and never resends it after reconnecting', async () => {
    const store = new RedisStore({ url: redis.url, logger: quiet });
    stores.push(store);
    const admin = new Redis(redis.url);
    const run = { keyId: 'in-flight', runId: 'r' };
    try {
      await store.ping();
      const id = await store.client.client('ID');
      // Writes (scripts included) wait while paused; the admit is sent but not run.
      await admin.client('PAUSE', 10_000, 'WRITE');
      const pending = store.admit({ run, now: 1, ttlMs: 60_000, maxSteps: 0 });
      const waiting = new RegExp(`^id=${id} .*flags=b .*cmd=eval(sha)? `, 'm');
      await eventually(async () => waiting.test(String(await admin.client('LIST'))), 5_000);
      await admin.client('KILL', 'ID', id);
      await expect(pending).rejects.toThrow();
      await admin.client('UNPAUSE');
      await eventually(async () => store.ping().then(() => true, () => false), 10_000);
      // The killed connection's admit never ran, and ioredis did not send it again on the new one.
      expect(await store.getRun(run)).toBeUndefined();
      expect(await store.admit({ run, now: 2, ttlMs: 60_000, maxSteps: 0 })).toMatchObject({ admitted: true, step: 1 });
    } finally {
      await admin.client('UNPAUSE').catch(() => undefined);
      admin.disconnect();
    }
  }, 30_000);
});
