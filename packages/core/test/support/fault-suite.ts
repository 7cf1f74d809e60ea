// The fault suite: upstream and client faults at every phase, each checked for what the client got, what the
// upstream saw, and the run's books (nothing reserved afterwards, steps and cost consistent, nothing charged twice,
// no key in any log line). Store faults on a Redis the tests start themselves live in packages/redis/test.
import http from 'node:http';
import request from 'supertest';
import { MemoryStore, type AgentWallOptions, type Store } from '@agentwall/core';
import { utcDay, utcMonth } from '@agentwall/core/store';
import { startFaultUpstream, type FaultUpstream } from './fault-upstream.js';
import { KEY_A, PROVIDER_KEY, eventually, type AppFactory, type RunningApp } from './harness.js';

const chat = (content: string, extra: Record<string, unknown> = {}) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra });

/** A streamed request over raw HTTP: resolves with what the client read, however the stream ended. */
function stream(url: string, body: unknown, onResponse?: (res: http.IncomingMessage, req: http.ClientRequest) => void): Promise<{ status: number; text: string; cut: boolean }> {
  return new Promise((resolve) => {
    const req = http.request(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' } });
    let status = 0;
    let text = '';
    let settled = false;
    const done = (cut: boolean): void => {
      if (settled) return;
      settled = true;
      resolve({ status, text, cut });
    };
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => done(false));
      res.on('error', () => done(true));
      res.on('close', () => done(!res.complete));
      onResponse?.(res, req);
    });
    req.on('error', () => done(true));
    req.end(JSON.stringify(body));
  });
}

/**
 * The fault suite through one adapter, on the store `makeStore` gives (default: a MemoryStore; the Redis
 * package runs it on a RedisStore too). The store is the test's: it is closed at the end.
 */
export function faultSuite(factory: AppFactory, makeStore: () => Store = () => new MemoryStore(), storeName = 'memory'): void {
  describe(`${factory.name}, ${storeName} store: fault suite`, () => {
    let upstream: FaultUpstream;
    let app: RunningApp;
    const store = makeStore();
    const logs: string[] = [];
    const logger = { info: (...a: unknown[]) => logs.push(JSON.stringify(a)), warn: (...a: unknown[]) => logs.push(JSON.stringify(a)), error: (...a: unknown[]) => logs.push(JSON.stringify(a)) };
    const tally: Record<string, { passed: number; failed: number }> = {};
    let runs = 0;

    /** One case of a category; counted for the summary line. */
    const fault = (category: string, name: string, fn: (runId: string) => Promise<void>): void => {
      it(`${category}: ${name}`, async () => {
        const t = (tally[category] ??= { passed: 0, failed: 0 });
        try {
          await fn(`fault-${++runs}`);
          t.passed++;
        } catch (err) {
          t.failed++;
          throw err;
        }
      });
    };

    /** The run's books once its steps have settled: nothing reserved, steps and cost consistent. */
    const books = async (runId: string, steps = 1) => {
      const key = { keyId: 'alpha', runId };
      let run = await store.getRun(key);
      for (let i = 0; i < 300 && (run?.stepRecords.length ?? 0) < steps; i++) {
        await new Promise((r) => setTimeout(r, 10));
        run = await store.getRun(key);
      }
      expect(run).toBeDefined();
      expect(run!.steps).toBe(steps);
      expect(run!.stepRecords).toHaveLength(steps);
      expect(run!.reservedMicros).toBe(0);
      expect(run!.costMicros).toBe(run!.stepRecords.reduce((sum, r) => sum + r.costMicros, 0));
      const now = Date.now();
      const usage = await store.getUsage('alpha', utcDay(now), utcMonth(now));
      expect(usage.daily.reservedMicros).toBe(0);
      expect(usage.monthly.reservedMicros).toBe(0);
      return run!;
    };

    beforeAll(async () => {
      upstream = await startFaultUpstream();
      const options: AgentWallOptions = {
        keys: [{ key: KEY_A, name: 'alpha' }],
        upstream: { url: upstream.url, apiKey: PROVIDER_KEY },
        store,
        logger,
        env: {},
        maxRunCostUsd: 5,
        timeouts: { firstByteMs: 300, idleMs: 300 },
        maxStreamEventBytes: 64 * 1024,
      };
      app = await factory.make(options, {});
    });
    afterEach(() => {
      const all = logs.join('\n');
      expect(all).not.toContain(KEY_A);
      expect(all).not.toContain(PROVIDER_KEY);
    });
    afterAll(async () => {
      await app.close();
      await upstream.close();
      await store.close();
      const line = Object.entries(tally)
        .map(([c, t]) => `${c} ${t.passed} passed, ${t.failed} failed`)
        .join('; ');
      console.log(`fault suite (${factory.name}, ${storeName} store): ${line}`);
    });

    fault('upstream', 'refuses connections: 502, nothing charged', async (runId) => {
      const dead = await factory.make({ keys: [{ key: KEY_A, name: 'alpha' }], upstream: { url: 'http://127.0.0.1:9/v1', apiKey: PROVIDER_KEY }, store, logger, env: {}, maxRunCostUsd: 5 }, {});
      try {
        const res = await request(dead.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('hi', { agentwall_run_id: runId }));
        expect(res.status).toBe(502);
        expect(res.body.error).toMatchObject({ code: 'upstream_unavailable' });
        const run = await books(runId);
        expect(run.stepRecords[0]).toMatchObject({ status: 'error', costMicros: 0 });
      } finally {
        await dead.close();
      }
    });

    fault('upstream', 'hangs before headers: 504 with timeout_ms, the upstream request is cut, nothing charged', async (runId) => {
      upstream.next({ kind: 'hang' });
      const res = await request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('hang', { agentwall_run_id: runId }));
      expect(res.status).toBe(504);
      expect(res.body.error).toMatchObject({ code: 'upstream_timeout', timeout_ms: 300 });
      await eventually(() => upstream.requests.at(-1)!.aborted);
      expect((await books(runId)).stepRecords[0]).toMatchObject({ status: 'error', costMicros: 0 });
    });

    fault('upstream', 'hangs mid-stream: the client sees the cut, the text seen is charged as an estimate', async (runId) => {
      upstream.next({ kind: 'stall', events: 3 });
      const got = await stream(app.url, chat('stall', { stream: true, agentwall_run_id: runId }));
      expect(got.status).toBe(200);
      expect(got.text).toContain('part2');
      expect(got.cut).toBe(true);
      await eventually(() => upstream.requests.at(-1)!.aborted);
      const run = await books(runId);
      expect(run.stepRecords[0]).toMatchObject({ estimated: true, status: 'error' });
      expect(run.stepRecords[0]!.costMicros).toBeGreaterThan(0);
    });

    fault('upstream', 'resets mid-stream: the client sees the cut, charged once as an estimate', async (runId) => {
      upstream.next({ kind: 'reset', events: 2 });
      const got = await stream(app.url, chat('reset', { stream: true, agentwall_run_id: runId }));
      expect(got.cut).toBe(true);
      const run = await books(runId);
      expect(run.stepRecords[0]).toMatchObject({ estimated: true });
      expect(run.stepRecords[0]!.status).not.toBe('ok');
    });

    fault('upstream', 'answers 200 with a body that is not JSON: relayed unchanged, charged as an estimate', async (runId) => {
      upstream.next({ kind: 'not-json' });
      const res = await request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).buffer(true).parse((r, cb) => {
        let t = '';
        r.on('data', (c: Buffer) => (t += c.toString()));
        r.on('end', () => cb(null, t));
      }).send(chat('html please', { agentwall_run_id: runId }));
      expect(res.status).toBe(200);
      expect(res.body).toBe('<html>gateway says hi</html>');
      expect((await books(runId)).stepRecords[0]).toMatchObject({ status: 'ok', estimated: true });
    });

    fault('upstream', 'sends a huge answer (8 MiB): relayed whole with the metadata, priced from its usage', async (runId) => {
      upstream.next({ kind: 'huge-answer', bytes: 8 * 1024 * 1024 });
      const res = await request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('big', { agentwall_run_id: runId }));
      expect(res.status).toBe(200);
      expect(res.body.choices[0].message.content).toHaveLength(8 * 1024 * 1024);
      expect(res.body.agentwall).toMatchObject({ run_id: runId, step: 1 });
      expect((await books(runId)).stepRecords[0]).toMatchObject({ status: 'ok', estimated: false, promptTokens: 11, completionTokens: 3 });
    });

    fault('upstream', 'sends one event far over the bound (8 MiB): relayed byte for byte unparsed, the rest observed', async (runId) => {
      upstream.next({ kind: 'huge-event', bytes: 8 * 1024 * 1024 });
      const got = await stream(app.url, chat('one huge event', { stream: true, agentwall_run_id: runId }));
      expect(got.cut).toBe(false);
      expect(got.text.length).toBeGreaterThan(8 * 1024 * 1024);
      expect(got.text).toMatch(/: agentwall \{.*\}\n\ndata: \[DONE\]\n\n$/);
      expect((await books(runId)).stepRecords[0]).toMatchObject({ status: 'ok', estimated: false, completionTokens: 3 });
    });

    fault('client', 'aborts before the headers: the upstream request is cut, nothing charged', async (runId) => {
      upstream.next({ kind: 'hang' });
      const req = http.request(`${app.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' } });
      req.on('error', () => undefined);
      req.end(JSON.stringify(chat('leave early', { agentwall_run_id: runId })));
      await eventually(() => upstream.requests.some((r) => JSON.stringify(r.body).includes('leave early')));
      req.destroy();
      await eventually(() => upstream.requests.at(-1)!.aborted);
      expect((await books(runId)).stepRecords[0]).toMatchObject({ status: 'aborted', costMicros: 0 });
    });

    fault('client', 'aborts mid-stream: the upstream request is cut, the text seen is charged once', async (runId) => {
      upstream.next({ kind: 'stall', events: 2 });
      await stream(app.url, chat('leave mid-stream', { stream: true, agentwall_run_id: runId }), (res, req) => res.once('data', () => req.destroy()));
      await eventually(() => upstream.requests.at(-1)!.aborted);
      const run = await books(runId);
      expect(run.stepRecords[0]).toMatchObject({ status: 'aborted', estimated: true });
    });

    fault('client', 'leaves right after the last chunk: the step is settled once, from the real usage', async (runId) => {
      await stream(app.url, chat('read all then go', { stream: true, agentwall_run_id: runId }), (res, req) => res.on('end', () => req.destroy()));
      expect((await books(runId)).stepRecords[0]).toMatchObject({ status: 'ok', estimated: false, promptTokens: 11 });
    });

    fault('client', 'leaves mid-upload: nothing forwarded, nothing recorded', async (runId) => {
      const before = upstream.requests.length;
      const req = http.request(`${app.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json', 'content-length': '50000' } });
      req.on('error', () => undefined);
      req.write(`{"agentwall_run_id":"${runId}","model":"gpt-4o-mini","messages":[{"role":"user","content":"`);
      await new Promise((r) => setTimeout(r, 30));
      req.destroy();
      await new Promise((r) => setTimeout(r, 50));
      expect(upstream.requests.length).toBe(before);
      expect(await store.getRun({ keyId: 'alpha', runId })).toBeUndefined();
    });

    fault('client', 'reads slowly: backpressure holds, every byte arrives, priced from the usage', async (runId) => {
      const got = await stream(app.url, chat('slow reader', { stream: true, agentwall_run_id: runId }), (res) => {
        res.pause();
        setTimeout(() => res.resume(), 100);
      });
      expect(got.cut).toBe(false);
      expect(got.text).toContain('data: [DONE]');
      expect((await books(runId)).stepRecords[0]).toMatchObject({ status: 'ok', estimated: false });
    });

    fault('client', 'sends a body nested 5,000 levels deep: 400, nothing recorded', async (runId) => {
      const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
      const res = await request(app.server)
        .post('/v1/chat/completions')
        .set('Authorization', `Bearer ${KEY_A}`)
        .set('content-type', 'application/json')
        .send(`{"model":"gpt-4o-mini","agentwall_run_id":"${runId}","messages":[{"role":"user","content":"x"}],"extra":${deep}}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_json' });
      expect(await store.getRun({ keyId: 'alpha', runId })).toBeUndefined();
    });
  });
}
