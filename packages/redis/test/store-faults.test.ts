// The store part of the fault suite: a real AgentWall app on a Redis this file starts itself, killed, restarted empty, restarted with its AOF, frozen.
import request from 'supertest';
import { Redis } from 'ioredis';
import { startMockLlm, type MockLlm } from '@agentwall/mock-llm';
import type { AgentWallOptions, Logger } from '@agentwall/core';
import { RedisStore, keyLayout } from '@agentwall/redis';
import { createInstanceApp } from '../../../examples/express-redis/src/instance.js';
import { describeWithRedisServer, startPrivateRedis, type PrivateRedis } from './redis-server.js';
import { startReplyGate, type ReplyGate } from './reply-gate.js';

const PROVIDER_KEY = 'sk-provider-faults-secret-0001';
const KEY = 'aw-faults-secret-key-0001';
const PREFIX = 'faults:';
// $1 per output token and max_tokens 5: each request reserves and costs exactly $5.
const PRICES = { 'gpt-4o-mini': { inputPerMTok: 0, outputPerMTok: 1_000_000 } };

/** Waits until `check` holds, polling; a bound on waiting, not a timing assertion. */
async function eventually(check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`condition not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Express = ReturnType<typeof createInstanceApp>['app'];

/** Every log line, message and fields, as text; and the count of a code. */
function recorder() {
  const lines: string[] = [];
  const codes: string[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`);
    codes.push(String(fields?.['code']));
  };
  const logger: Logger = { info: at('info'), warn: at('warn'), error: at('error') };
  return {
    logger,
    count: (code: string) => codes.filter((c) => c === code).length,
    /** No line holds the AgentWall key or the provider key. */
    expectNoSecrets(): void {
      expect(lines.filter((l) => l.includes(KEY) || l.includes(PROVIDER_KEY))).toEqual([]);
    },
  };
}
type Recorder = ReturnType<typeof recorder>;

interface RunSummary {
  steps: number;
  cost_usd: number;
  reserved_usd: number;
  step_details: Array<{ step: number; cost_usd: number; status: string }>;
}

/** SPEC section 4: AgentWall's 503 when the store is down and a guard fails closed, with no key in it. */
function expectStoreUnavailable(res: request.Response): void {
  expect(res.status).toBe(503);
  const error = res.body.error as Record<string, unknown>;
  expect(error).toMatchObject({ type: 'store_unavailable', code: 'store_unavailable', param: null, message: expect.any(String) });
  expect(res.body.detail).toEqual({ error });
  expect(res.text).not.toContain(KEY);
  expect(res.text).not.toContain(PROVIDER_KEY);
}

/** How many cases of each category passed and failed, printed once at the end. */
const tally = new Map<string, { passed: number; failed: number }>();

describeWithRedisServer('store faults', () => {
  let redis: PrivateRedis;
  let mock: MockLlm;
  let closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    redis = await startPrivateRedis();
    mock = await startMockLlm({ apiKey: PROVIDER_KEY });
  });
  beforeEach(async () => {
    // Whatever a failed case left: Redis running and answering.
    redis.thaw();
    if (!redis.running) await redis.start();
  });
  afterEach(async () => {
    for (const close of closers.reverse()) await close();
    closers = [];
    mock.reset();
  });
  afterAll(async () => {
    await mock?.close();
    await redis?.dispose();
    for (const [category, t] of tally) console.log(`store faults (${category}): ${t.passed} passed, ${t.failed} failed`);
  });

  /** One case of a category, counted in the summary. */
  function fault(category: string, name: string, fn: () => Promise<void>, timeoutMs = 30_000): void {
    if (!tally.has(category)) tally.set(category, { passed: 0, failed: 0 });
    it(`${category}: ${name}`, async () => {
      const t = tally.get(category)!;
      try {
        await fn();
        t.passed++;
      } catch (err) {
        t.failed++;
        throw err;
      }
    }, timeoutMs);
  }

  /** An AgentWall instance (Express, with its own RedisStore connection) whose key is named `keyName`. */
  function instance(keyName: string, log: Recorder, extra: Partial<AgentWallOptions> = {}, url = redis.url) {
    const store = new RedisStore({ url, prefix: PREFIX, logger: log.logger });
    const built = createInstanceApp({
      keys: [{ key: KEY, name: keyName }],
      upstream: { url: mock.url, apiKey: PROVIDER_KEY },
      prices: PRICES,
      maxRunCostUsd: 1000,
      dailyBudgetUsd: 1000,
      storeTimeoutMs: 300,
      reservationLeaseMs: 1200,
      logger: log.logger,
      env: {},
      store,
      ...extra,
    });
    let closed = false;
    const close = async (): Promise<void> => {
      if (closed) return;
      closed = true;
      await built.firewall.close();
      await store.close();
    };
    closers.push(close);
    return { app: built.app, store, close };
  }

  const send = (app: Express, runId: string, content: string, extra: Record<string, unknown> = {}) =>
    request(app)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${KEY}`)
      .set('X-AgentWall-Run-ID', runId)
      .send({ model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content }], ...extra });

  async function runOf(app: Express, runId: string): Promise<RunSummary | undefined> {
    const res = await request(app).get(`/agentwall/runs/${runId}`).set('Authorization', `Bearer ${KEY}`);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`runs API answered ${res.status}`);
    return res.body as RunSummary;
  }

  async function usageOf(app: Express): Promise<{ spent_usd: number; reserved_usd: number }> {
    const res = await request(app).get('/agentwall/usage').set('Authorization', `Bearer ${KEY}`);
    if (res.status !== 200) throw new Error(`usage API answered ${res.status}`);
    return res.body.daily as { spent_usd: number; reserved_usd: number };
  }

  const ready = (app: Express) => eventually(async () => (await request(app).get('/health/ready')).status === 200, 15_000);

  const upstreamSaw = (content: string) => mock.requests.filter((r) => JSON.stringify(r.body).includes(content)).length;

  /**
   * The books balance: each run's cost is the sum of its recorded steps and nothing is reserved; the key's
   * day spent exactly `spentUsd` (what the client was told was charged, once), with nothing reserved.
   */
  async function expectBooks(app: Express, runIds: string[], spentUsd: number): Promise<void> {
    let runsCost = 0;
    for (const id of runIds) {
      const run = await runOf(app, id);
      if (!run) continue;
      expect({ id, reserved: run.reserved_usd }).toEqual({ id, reserved: 0 });
      expect({ id, cost: run.cost_usd }).toEqual({ id, cost: run.step_details.reduce((sum, s) => sum + s.cost_usd, 0) });
      expect(new Set(run.step_details.map((s) => s.step)).size).toBe(run.step_details.length);
      runsCost += run.cost_usd;
    }
    expect(runsCost).toBe(spentUsd);
    expect(await usageOf(app)).toEqual({ spent_usd: spentUsd, reserved_usd: 0, limit_usd: expect.anything() });
  }

  /** Holds replies through a proxy until Redis has run the admit of run `runId` (it is then in the AOF), then kills Redis. */
  async function killAfterAdmitRan(gate: ReplyGate, keyName: string, runId: string): Promise<void> {
    const admin = new Redis(redis.url);
    try {
      const state = keyLayout(PREFIX).run({ keyId: keyName, runId }).state;
      await eventually(async () => (await admin.hget(state, 'steps')) === '1', 5_000);
    } finally {
      admin.disconnect();
    }
    await redis.kill();
    gate.passReplies();
  }

  // kill --------------------------------------------------------------------------------------------

  fault('kill', 'fail-closed requests get 503 store_unavailable and never reach the upstream; fail-open ones are forwarded untracked; /health/ready 503', async () => {
    const log = recorder();
    const closed = instance('kill-idle', log);
    const open = instance('kill-idle', log, { failOpen: { auth: true, budgets: true } });
    expect((await send(closed.app, 'k1', 'before the kill')).status).toBe(200);
    await redis.kill();
    expectStoreUnavailable(await send(closed.app, 'k1', 'during the kill, fail closed'));
    expect(upstreamSaw('during the kill, fail closed')).toBe(0);
    expect((await request(closed.app).get('/health/ready')).status).toBe(503);
    const forwarded = await send(open.app, 'k1-open', 'during the kill, fail open');
    expect(forwarded.status).toBe(200);
    expect(forwarded.body.agentwall).toMatchObject({ step: 0 });
    expect(upstreamSaw('during the kill, fail open')).toBe(1);
    await redis.start();
    await ready(closed.app);
    // Only the step admitted before the kill is on the books; the untracked one is neither recorded nor charged.
    expect(await runOf(closed.app, 'k1-open')).toBeUndefined();
    await expectBooks(closed.app, ['k1', 'k1-open'], 5);
    expect(log.count('AW_STORE_UNAVAILABLE')).toBeGreaterThanOrEqual(2);
    log.expectNoSecrets();
  });

  fault('kill', 'a step upstream when Redis dies is answered; its settle waits for Redis and lands once', async () => {
    const log = recorder();
    const a = instance('kill-inflight', log);
    mock.fail({ kind: 'delay', ms: 600 });
    const pending = send(a.app, 'k2', 'in flight at the kill').then((r) => r);
    await eventually(() => upstreamSaw('in flight at the kill') === 1);
    await redis.kill();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.agentwall).toMatchObject({ step: 1, cost_usd: 5 });
    expect(log.count('AW_SETTLE_DEFERRED')).toBe(1);
    await redis.start();
    await ready(a.app);
    await eventually(async () => (await runOf(a.app, 'k2'))?.step_details.length === 1, 15_000);
    expect(await runOf(a.app, 'k2')).toMatchObject({ steps: 1, step_details: [{ step: 1, status: 'ok', cost_usd: 5 }] });
    await expectBooks(a.app, ['k2'], 5);
    expect(upstreamSaw('in flight at the kill')).toBe(1);
    expect(log.count('AW_SETTLE_FAILED') + log.count('AW_SETTLE_STALE')).toBe(0);
    log.expectNoSecrets();
  });

  fault('kill', 'an admit that ran (and was persisted) but whose reply was lost: 503, nothing upstream, undone once Redis is back, and the retry is not a loop', async () => {
    const gate = await startReplyGate(redis.port);
    closers.push(() => gate.close());
    const log = recorder();
    // A deadline longer than the few ms the test takes to kill Redis once the admit has run.
    const a = instance('kill-lost-reply', log, { storeTimeoutMs: 1000, reservationLeaseMs: 60_000 }, gate.url);
    expect((await send(a.app, 'warm-up', 'load the scripts')).status).toBe(200);
    gate.dropReplies();
    const pending = send(a.app, 'k3', 'its reply is lost').then((r) => r);
    await killAfterAdmitRan(gate, 'kill-lost-reply', 'k3');
    expectStoreUnavailable(await pending);
    expect(upstreamSaw('its reply is lost')).toBe(0);
    await redis.start();
    await ready(a.app);
    // Persisted in the AOF, then undone by the cancel, sent again until Redis answered.
    await eventually(async () => (await runOf(a.app, 'k3'))?.steps === 0, 15_000);
    await expectBooks(a.app, ['warm-up', 'k3'], 5);
    const retry = await send(a.app, 'k3', 'its reply is lost');
    expect(retry.status).toBe(200);
    expect(retry.body.agentwall).toMatchObject({ step: 1, cost_usd: 5 });
    await expectBooks(a.app, ['warm-up', 'k3'], 10);
    log.expectNoSecrets();
  });

  // restart empty -----------------------------------------------------------------------------------

  fault('restart empty', 'a settle deferred before the outage finds a new run of the same id: dropped (AW_SETTLE_STALE), nothing recorded or charged twice', async () => {
    const log = recorder();
    const a = instance('empty-stale', log);
    expect((await send(a.app, 'e1', 'first life, step 1')).status).toBe(200);
    mock.fail({ kind: 'delay', ms: 600 });
    const pending = send(a.app, 'e1', 'first life, step 2').then((r) => r);
    await eventually(() => upstreamSaw('first life, step 2') === 1);
    await redis.kill();
    expect((await pending).body.agentwall).toMatchObject({ step: 2, cost_usd: 5 });
    expect(log.count('AW_SETTLE_DEFERRED')).toBe(1);
    redis.wipe();
    await redis.start();
    await ready(a.app);
    // The run starts over under the same id; the old step 2 must not land in it.
    const one = await send(a.app, 'e1', 'second life, step 1');
    expect(one.body.agentwall).toMatchObject({ step: 1, cost_usd: 5 });
    await eventually(() => log.count('AW_SETTLE_STALE') === 1, 15_000);
    const two = await send(a.app, 'e1', 'second life, step 2');
    expect(two.body.agentwall).toMatchObject({ step: 2, cost_usd: 5, run_cost_usd: 10 });
    expect(await runOf(a.app, 'e1')).toMatchObject({ steps: 2, cost_usd: 10, step_details: [{ step: 1 }, { step: 2 }] });
    await expectBooks(a.app, ['e1'], 10);
    expect(log.count('AW_SETTLE_FAILED')).toBe(0);
    log.expectNoSecrets();
  });

  fault('restart empty', 'an empty Redis is no crash: scripts load again, the run starts at step 1, budgets start at zero', async () => {
    const log = recorder();
    const a = instance('empty-idle', log);
    for (let i = 1; i <= 2; i++) expect((await send(a.app, 'e2', `before, ${i}`)).status).toBe(200);
    await redis.kill();
    redis.wipe();
    await redis.start();
    await ready(a.app);
    expect(await runOf(a.app, 'e2')).toBeUndefined();
    expect(await usageOf(a.app)).toMatchObject({ spent_usd: 0, reserved_usd: 0 });
    const after = await send(a.app, 'e2', 'after');
    expect(after.status).toBe(200);
    expect(after.body.agentwall).toMatchObject({ step: 1, cost_usd: 5 });
    await expectBooks(a.app, ['e2'], 5);
    log.expectNoSecrets();
  });

  // restart with persistence (AOF) ------------------------------------------------------------------

  fault('restart with AOF', 'every acknowledged write survives: steps, costs and usage continue exactly', async () => {
    const log = recorder();
    const a = instance('aof-idle', log);
    for (let i = 1; i <= 3; i++) expect((await send(a.app, 'a1', `before, ${i}`)).body.agentwall).toMatchObject({ step: i });
    await redis.kill();
    await redis.start();
    await ready(a.app);
    for (let i = 4; i <= 5; i++) expect((await send(a.app, 'a1', `after, ${i}`)).body.agentwall).toMatchObject({ step: i, cost_usd: 5 });
    expect((await runOf(a.app, 'a1'))!.step_details.map((s) => s.step)).toEqual([1, 2, 3, 4, 5]);
    await expectBooks(a.app, ['a1'], 25);
    expect(log.count('AW_REDIS_UNREACHABLE')).toBe(1);
    log.expectNoSecrets();
  });

  fault('restart with AOF', "an admit persisted whose instance died before it could undo it: its reservation holds the budget until the lease runs out, then frees it", async () => {
    const gate = await startReplyGate(redis.port);
    closers.push(() => gate.close());
    const log = recorder();
    // A day of $10: the warm-up spends $5, the orphan holds the other $5.
    const options = { storeTimeoutMs: 1000, reservationLeaseMs: 3000, dailyBudgetUsd: 10 };
    const doomed = instance('aof-orphan', log, options, gate.url);
    expect((await send(doomed.app, 'warm-up', 'load the scripts')).status).toBe(200);
    const survivor = instance('aof-orphan', log, options);
    gate.dropReplies();
    const pending = send(doomed.app, 'a2', 'its instance dies').then((r) => r);
    await killAfterAdmitRan(gate, 'aof-orphan', 'a2');
    expectStoreUnavailable(await pending);
    // The instance goes away with its cancel unsent.
    await doomed.close();
    await redis.start();
    await ready(survivor.app);
    // $5 spent, $5 held by a request that is gone: the day's $10 has no room.
    expect(await usageOf(survivor.app)).toMatchObject({ spent_usd: 5, reserved_usd: 5 });
    const refused = await send(survivor.app, 'a2-next', 'needs the room');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ type: 'budget_exceeded', scope: 'key_daily' });
    // The lease runs out on Redis's clock; the next read releases it, and the room is there again.
    await eventually(async () => (await usageOf(survivor.app)).reserved_usd === 0, 10_000);
    const served = await send(survivor.app, 'a2-next', 'needs the room');
    expect(served.status).toBe(200);
    // The orphan keeps the step number its admit took, with nothing recorded, charged or held.
    expect(await runOf(survivor.app, 'a2')).toMatchObject({ steps: 1, cost_usd: 0, reserved_usd: 0, step_details: [] });
    await expectBooks(survivor.app, ['warm-up', 'a2', 'a2-next'], 10);
    expect(upstreamSaw('its instance dies')).toBe(0);
    log.expectNoSecrets();
  });

  // freeze (SIGSTOP) --------------------------------------------------------------------------------

  fault('freeze', 'a frozen Redis costs storeTimeoutMs, not a hang: 503 fail closed, forwarded fail open, /health/ready 503; once it wakes the late admits are undone', async () => {
    const log = recorder();
    const closed = instance('freeze-idle', log);
    const open = instance('freeze-idle', log, { failOpen: { auth: true, budgets: true } });
    expect((await send(closed.app, 'f1', 'before the freeze')).status).toBe(200);
    expect((await send(open.app, 'f1-open', 'before the freeze')).status).toBe(200);
    redis.freeze();
    expectStoreUnavailable(await send(closed.app, 'f1', 'while frozen'));
    expect(upstreamSaw('while frozen')).toBe(0);
    const ready503 = await request(closed.app).get('/health/ready');
    expect(ready503.status).toBe(503);
    expect(ready503.body).toEqual({ status: 'unavailable', store: 'unreachable' });
    const forwarded = await send(open.app, 'f1-open', 'while frozen, fail open');
    expect(forwarded.status).toBe(200);
    expect(forwarded.body.agentwall).toMatchObject({ step: 0 });
    expect(upstreamSaw('while frozen, fail open')).toBe(1);
    redis.thaw();
    // What Redis was sent while frozen runs now, in order: each late admit, then the cancel sent after it.
    expect(await runOf(closed.app, 'f1')).toMatchObject({ steps: 1, reserved_usd: 0, step_details: [{ step: 1 }] });
    expect(await runOf(open.app, 'f1-open')).toMatchObject({ steps: 1, reserved_usd: 0, step_details: [{ step: 1 }] });
    // The client's retry is step 2, not a repeat of a step that never happened.
    const retry = await send(closed.app, 'f1', 'while frozen');
    expect(retry.status).toBe(200);
    expect(retry.body.agentwall).toMatchObject({ step: 2, cost_usd: 5 });
    await expectBooks(closed.app, ['f1', 'f1-open'], 15);
    expect(log.count('AW_STORE_UNAVAILABLE')).toBeGreaterThanOrEqual(2);
    log.expectNoSecrets();
  });

  fault('freeze', 'a settle that meets a frozen Redis is answered to the client, and counted once when Redis wakes (the late original and its retry)', async () => {
    const log = recorder();
    const a = instance('freeze-inflight', log);
    mock.fail({ kind: 'delay', ms: 400 });
    const pending = send(a.app, 'f2', 'in flight at the freeze').then((r) => r);
    await eventually(() => upstreamSaw('in flight at the freeze') === 1);
    redis.freeze();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.agentwall).toMatchObject({ step: 1, cost_usd: 5 });
    expect(log.count('AW_SETTLE_DEFERRED')).toBe(1);
    // Long enough for a retry to be sent into the frozen connection behind the original.
    await sleep(700);
    redis.thaw();
    await eventually(async () => (await runOf(a.app, 'f2'))?.step_details.length === 1);
    await expectBooks(a.app, ['f2'], 5);
    expect(log.count('AW_SETTLE_STALE') + log.count('AW_SETTLE_FAILED')).toBe(0);
    log.expectNoSecrets();
  });

  fault('freeze', 'a stream longer than its lease keeps its reservation (renewed), through a freeze, until it settles', async () => {
    const slow = await startMockLlm({ apiKey: PROVIDER_KEY, chunkDelayMs: 120, streamChunks: 30 });
    closers.push(() => slow.close());
    const log = recorder();
    const a = instance('freeze-stream', log, { upstream: { url: slow.url, apiKey: PROVIDER_KEY } });
    const streaming = send(a.app, 'f3', 'a long stream', { stream: true }).then((r) => r);
    // Past the 1.2 s lease: still held, because it was renewed.
    await sleep(1500);
    expect(await usageOf(a.app)).toMatchObject({ reserved_usd: 5 });
    redis.freeze();
    await sleep(500);
    redis.thaw();
    expect(await usageOf(a.app)).toMatchObject({ reserved_usd: 5 });
    const res = await streaming;
    expect(res.status).toBe(200);
    expect(res.text).toContain('data: [DONE]');
    await eventually(async () => (await runOf(a.app, 'f3'))?.step_details.length === 1);
    await expectBooks(a.app, ['f3'], 5);
    log.expectNoSecrets();
  });
});
