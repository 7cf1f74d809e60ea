// The behaviour suite every adapter must pass, through real HTTP against the mock LLM on port 0.
import http from 'node:http';
import request from 'supertest';
import { startMockLlm, type MockLlm } from '@agentwall/mock-llm';
import { MemoryStore, type Store } from '@agentwall/core';
import { type SettleRequest, type SettleResult } from '@agentwall/core/store';
import { configOf } from '../../src/agentwall.js';
import { ADMIN, KEY_A, KEY_B, PROVIDER_KEY, appPool, chat, eventually, firstStepOnce, parseSse, startMock, type AppFactory, type RunningApp } from './harness.js';

function expectErrorShape(body: Record<string, unknown>, type: string): Record<string, unknown> {
  const error = body['error'] as Record<string, unknown>;
  expect(error).toMatchObject({ type, code: type, param: null });
  expect(typeof error['message']).toBe('string');
  if (type !== 'validation_error') expect(body['detail']).toEqual({ error });
  return error;
}

/** A store whose every call fails, as a store that is down. */
function downStore(): Store {
  const fail = async () => {
    throw new Error('connection refused');
  };
  return { admit: fail, cancelAdmit: fail, renewLease: fail, recordBlocked: fail, settle: fail, getRun: fail, getUsage: fail, killRun: fail, revokeKey: fail, isRevoked: fail, putResponse: fail, getResponse: fail, ping: fail, close: async () => {} };
}

export function behaviourSuite(factory: AppFactory): void {
  describe(`${factory.name}: behaviour`, () => {
    let mock: MockLlm;
    let app: RunningApp;
    const { make, closeAll } = appPool(factory, () => mock);

    beforeAll(async () => {
      mock = await startMock();
      app = await make();
    });
    afterEach(() => mock.reset());
    afterAll(async () => {
      await closeAll();
      await mock.close();
    });

    describe('non-streamed completions', () => {
      it('forwards, answers with the upstream JSON plus the agentwall object and headers', async () => {
        const res = await request(app.server)
          .post('/v1/chat/completions')
          .set('Authorization', `Bearer ${KEY_A}`)
          .send(chat('What is 2+2?', { temperature: 0.7 }));
        expect(res.status).toBe(200);
        expect(res.body.choices[0].message.content).toEqual(expect.any(String));
        expect(res.body.usage.prompt_tokens).toBeGreaterThan(0);
        const meta = res.body.agentwall;
        expect(meta).toMatchObject({ step: 1, run_steps: 1, loop_detected: false });
        expect(meta.run_id).toMatch(/^run_/);
        expect(meta.overhead_ms).toEqual(expect.any(Number));
        expect(res.headers['x-agentwall-run-id']).toBe(meta.run_id);
        expect(res.headers['x-agentwall-step']).toBe('1');
      });

      it('sends the provider key upstream, never the client key, and strips agentwall fields and hop-by-hop headers', async () => {
        const res = await request(app.server)
          .post('/v1/chat/completions')
          .set('Authorization', `Bearer ${KEY_A}`)
          .set('Connection', 'keep-alive, x-private-hop')
          .set('x-private-hop', 'secret-hop')
          .set('X-AgentWall-Agent-ID', 'agent-7')
          .set('OpenAI-Beta', 'assistants=v2')
          .send(chat('hello', { agentwall_run_id: 'r-strip', agentwall_metadata: { team: 'x' }, temperature: 0.2, seed: 7 }));
        expect(res.status).toBe(200);
        const seen = mock.requests.at(-1)!;
        expect(seen.headers['authorization']).toBe(`Bearer ${PROVIDER_KEY}`);
        expect(JSON.stringify(seen.headers)).not.toContain(KEY_A);
        expect(seen.headers['x-private-hop']).toBeUndefined();
        expect(seen.headers['x-agentwall-agent-id']).toBeUndefined();
        expect(seen.headers['openai-beta']).toBe('assistants=v2');
        expect(seen.body).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }], temperature: 0.2, seed: 7 });
        expect(JSON.stringify(res.body)).not.toContain(PROVIDER_KEY);
        expect(JSON.stringify(res.headers)).not.toContain(PROVIDER_KEY);
      });

      it('passes upstream errors through with their own status and body', async () => {
        const upstreamBody = { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded', param: null } };
        mock.fail({ kind: 'status', status: 429, body: upstreamBody });
        const res = await request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('hi'));
        expect(res.status).toBe(429);
        expect(res.body).toEqual(upstreamBody);
        expect(res.headers['x-should-retry']).toBeUndefined();
      });
    });

    describe('streamed completions', () => {
      it('relays the SSE stream, hides the usage chunk the client did not ask for, and writes the agentwall comment before [DONE]', async () => {
        const res = await request(app.server)
          .post('/v1/chat/completions')
          .set('Authorization', `Bearer ${KEY_A}`)
          .set('X-AgentWall-Run-ID', 'stream-run-1')
          .send(chat('Write a short poem about AI', { stream: true }))
          .buffer(true)
          .parse((r, cb) => {
            let text = '';
            r.on('data', (c: Buffer) => (text += c.toString()));
            r.on('end', () => cb(null, text));
          });
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
        expect(res.headers['x-agentwall-run-id']).toBe('stream-run-1');
        expect(res.headers['x-agentwall-step']).toBe('1');
        const { data, comments } = parseSse(res.body as string);
        expect(data.at(-1)).toBe('[DONE]');
        const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
        expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
        const text = chunks.map((c) => c.choices[0].delta.content ?? '').join('');
        expect(text.length).toBeGreaterThan(0);
        expect(comments).toHaveLength(1);
        const meta = JSON.parse(comments[0]!.replace(/^: agentwall /, ''));
        expect(meta).toMatchObject({ run_id: 'stream-run-1', step: 1, loop_detected: false });
        // The comment comes right before [DONE].
        const raw = res.body as string;
        expect(raw.indexOf(': agentwall')).toBeLessThan(raw.indexOf('data: [DONE]'));
        expect((mock.requests.at(-1)!.body as { stream_options: unknown }).stream_options).toEqual({ include_usage: true });
      });

      it('keeps the usage chunk for a client that asked for it', async () => {
        const res = await request(app.server)
          .post('/v1/chat/completions')
          .set('Authorization', `Bearer ${KEY_A}`)
          .send(chat('hello there', { stream: true, stream_options: { include_usage: true } }))
          .buffer(true)
          .parse((r, cb) => {
            let text = '';
            r.on('data', (c: Buffer) => (text += c.toString()));
            r.on('end', () => cb(null, text));
          });
        const { data } = parseSse(res.body as string);
        const usageChunk = data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d)).find((c) => c.choices.length === 0);
        expect(usageChunk.usage.completion_tokens).toBeGreaterThan(0);
      });

      it('aborts the upstream request when the client goes away', async () => {
        mock.fail({ kind: 'stall', afterChunks: 2 });
        await new Promise<void>((resolve, reject) => {
          const req = http.request(`${app.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' },
          });
          req.on('response', (res) => {
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          });
          req.on('error', (err) => (err.message.includes('socket hang up') ? resolve() : reject(err)));
          req.end(JSON.stringify(chat('stall please', { stream: true, agentwall_run_id: 'abort-run' })));
        });
        await eventually(() => mock.requests.some((r) => r.aborted));
        // The step is settled as aborted once the relay sees the cut.
        expect((await firstStepOnce(app.server, 'abort-run', 'aborted'))?.['status']).toBe('aborted');
      });

      it('aborts the upstream request when the client goes away before the upstream answers', async () => {
        mock.fail({ kind: 'hang' });
        const req = http.request(`${app.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' },
        });
        req.on('error', () => undefined);
        req.end(JSON.stringify(chat('hang please', { agentwall_run_id: 'abort-early' })));
        await eventually(() => mock.requests.some((r) => JSON.stringify(r.body).includes('hang please')));
        req.destroy();
        await eventually(() => mock.requests.some((r) => r.aborted && JSON.stringify(r.body).includes('hang please')));
        expect((await firstStepOnce(app.server, 'abort-early', 'aborted'))?.['status']).toBe('aborted');
      });
    });

    describe('runs', () => {
      it('tracks steps of a run named in the body or the header (header wins), with agent id and metadata', async () => {
        const send = (content: string, extra: Record<string, unknown>, header?: string) => {
          const r = request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`);
          if (header) r.set('X-AgentWall-Run-ID', header);
          return r.send(chat(content, extra));
        };
        const r1 = await send('step one', { agentwall_run_id: 'run-body', agentwall_agent_id: 'planner', agentwall_metadata: { ticket: 42 } });
        expect(r1.body.agentwall).toMatchObject({ run_id: 'run-body', step: 1 });
        const r2 = await send('step two', { agentwall_run_id: 'run-body' });
        expect(r2.body.agentwall).toMatchObject({ run_id: 'run-body', step: 2, run_steps: 2 });
        const r3 = await send('step three', { agentwall_run_id: 'ignored' }, 'run-body');
        expect(r3.body.agentwall.step).toBe(3);

        const summary = await request(app.server).get('/agentwall/runs/run-body').set('Authorization', `Bearer ${KEY_A}`);
        expect(summary.status).toBe(200);
        expect(summary.body).toMatchObject({ run_id: 'run-body', key_id: 'alpha', agent_id: 'planner', metadata: { ticket: 42 }, status: 'active', steps: 3, blocked_attempts: 0 });
        expect(summary.body.step_details).toHaveLength(3);
        expect(summary.body.step_details[0]).toMatchObject({ step: 1, model: 'gpt-4o-mini', status: 'ok', stream: false });
        expect(summary.body.step_details[0].prompt_tokens).toBeGreaterThan(0);
      });

      it('namespaces runs by key: another key cannot read or kill them; the admin can with ?key=', async () => {
        await request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('mine', { agentwall_run_id: 'shared-name' }));
        const other = await request(app.server).get('/agentwall/runs/shared-name').set('Authorization', `Bearer ${KEY_B}`);
        expect(other.status).toBe(404);
        expectErrorShape(other.body, 'run_not_found');
        const otherKill = await request(app.server).post('/agentwall/runs/shared-name/kill').set('Authorization', `Bearer ${KEY_B}`);
        expect(otherKill.status).toBe(404);
        // Key B's run of the same name is its own.
        const b = await request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_B}`).send(chat('yours', { agentwall_run_id: 'shared-name' }));
        expect(b.body.agentwall.step).toBe(1);
        const admin = await request(app.server).get('/agentwall/runs/shared-name?key=alpha').set('Authorization', `Bearer ${ADMIN}`);
        expect(admin.status).toBe(200);
        expect(admin.body.key_id).toBe('alpha');
        const adminNoKey = await request(app.server).get('/agentwall/runs/shared-name').set('Authorization', `Bearer ${ADMIN}`);
        expect(adminNoKey.status).toBe(422);
      });

      it('kills a run: later requests get 403 run_killed with x-should-retry false, and nothing is forwarded', async () => {
        await request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('go', { agentwall_run_id: 'to-kill' }));
        const kill = await request(app.server).post('/agentwall/runs/to-kill/kill').set('Authorization', `Bearer ${KEY_A}`).send({ reason: 'runaway agent' });
        expect(kill.status).toBe(200);
        expect(kill.body).toEqual({ run_id: 'to-kill', status: 'killed', reason: 'runaway agent' });
        const before = mock.requests.length;
        const res = await request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('again', { agentwall_run_id: 'to-kill' }));
        expect(res.status).toBe(403);
        expect(res.headers['x-should-retry']).toBe('false');
        expect(expectErrorShape(res.body, 'run_killed')).toMatchObject({ run_id: 'to-kill', reason: 'runaway agent' });
        expect(mock.requests.length).toBe(before);
        const summary = await request(app.server).get('/agentwall/runs/to-kill').set('Authorization', `Bearer ${KEY_A}`);
        expect(summary.body).toMatchObject({ status: 'killed', kill_reason: 'runaway agent', blocked_attempts: 1 });
        expect(summary.body.blocked[0].type).toBe('run_killed');
        const unknown = await request(app.server).post('/agentwall/runs/never-seen/kill').set('Authorization', `Bearer ${ADMIN}`).query({ key: 'alpha' });
        expect(unknown.status).toBe(404);
      });

      it('refuses a run at its step limit with 429 step_limit_exceeded', async () => {
        const limited = await make({ maxSteps: 2 });
        const send = () => request(limited.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat(`step ${Math.random()}`, { agentwall_run_id: 'short' }));
        expect((await send()).status).toBe(200);
        expect((await send()).status).toBe(200);
        const third = await send();
        expect(third.status).toBe(429);
        expect(third.headers['x-should-retry']).toBe('false');
        expect(expectErrorShape(third.body, 'step_limit_exceeded')).toMatchObject({ run_id: 'short', steps: 2, limit: 2 });
      });

      it("refuses a model outside the key's allow-list with 403 model_not_allowed", async () => {
        const limited = await make({ keys: [{ key: KEY_A, name: 'alpha', models: ['gpt-4o*', 'o3-mini'] }] });
        const send = (model: string) => request(limited.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send({ ...chat(`hi ${model}`), model });
        expect((await send('gpt-4o-mini')).status).toBe(200);
        expect((await send('o3-mini')).status).toBe(200);
        const before = mock.requests.length;
        const refused = await send('claude-3-5-sonnet');
        expect(refused.status).toBe(403);
        expect(refused.headers['x-should-retry']).toBe('false');
        expect(expectErrorShape(refused.body, 'model_not_allowed')).toMatchObject({ model: 'claude-3-5-sonnet' });
        expect((await send('o3-mini-high')).status).toBe(403);
        expect(mock.requests.length).toBe(before);
      });

      it('revokes a key (admin only): 403 forbidden for others, then 401 for the revoked key', async () => {
        const own = await make();
        const notAdmin = await request(own.server).post('/agentwall/keys/bravo/revoke').set('Authorization', `Bearer ${KEY_A}`);
        expect(notAdmin.status).toBe(403);
        expectErrorShape(notAdmin.body, 'forbidden');
        const ok = await request(own.server).post('/agentwall/keys/bravo/revoke').set('Authorization', `Bearer ${ADMIN}`);
        expect(ok.body).toEqual({ key_id: 'bravo', revoked: true });
        const refused = await request(own.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_B}`).send(chat('hi'));
        expect(refused.status).toBe(401);
        expectErrorShape(refused.body, 'invalid_api_key');
        expect(refused.headers['x-agentwall-run-id']).toBeUndefined();
      });

      it('a revoked key gets 401 before any other refusal, and nothing is recorded for it', async () => {
        const store = new MemoryStore();
        const own = await make({ store, dlp: { kinds: { email: 'block' } } });
        await request(own.server).post('/agentwall/keys/bravo/revoke').set('Authorization', `Bearer ${ADMIN}`).expect(200);
        const asB = () => request(own.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_B}`);
        const cases = [
          asB().set('content-type', 'application/json').send('{not json'),
          asB().send({ model: 'gpt-4o-mini' }),
          asB().send({ ...chat('mail me at jane.doe@example.com'), agentwall_run_id: 'revoked-dlp' }),
          asB().send({ ...chat('hi'), agentwall_run_id: 'revoked-ok' }),
        ];
        for (const res of await Promise.all(cases)) {
          expect(res.status).toBe(401);
          expectErrorShape(res.body, 'invalid_api_key');
        }
        expect(await store.getRun({ keyId: 'bravo', runId: 'revoked-dlp' })).toBeUndefined();
        expect(await store.getRun({ keyId: 'bravo', runId: 'revoked-ok' })).toBeUndefined();
        expect(mock.requests).toHaveLength(0);
        // The other key is untouched.
        expect((await request(own.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('hi'))).status).toBe(200);
      });
    });

    describe('errors (SPEC section 4)', () => {
      it('401 invalid_api_key for a missing or wrong key, never echoing the key', async () => {
        const missing = await request(app.server).post('/v1/chat/completions').send(chat('hi'));
        expect(missing.status).toBe(401);
        expectErrorShape(missing.body, 'invalid_api_key');
        const wrong = await request(app.server).post('/v1/chat/completions').set('Authorization', 'Bearer aw-wrong-key-123456').send(chat('hi'));
        expect(wrong.status).toBe(401);
        expect(JSON.stringify(wrong.body)).not.toContain('aw-wrong-key-123456');
        const viaXApiKey = await request(app.server).post('/v1/chat/completions').set('x-api-key', KEY_A).send(chat('hi'));
        expect(viaXApiKey.status).toBe(200);
      });

      it('400 invalid_json', async () => {
        const res = await request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).set('Content-Type', 'application/json').send('{"model": "gpt-4o-mini", "messages": [');
        expect(res.status).toBe(400);
        expectErrorShape(res.body, 'invalid_json');
      });

      it('413 request_too_large with limit_bytes', async () => {
        const small = await make({ maxBodyBytes: 1024 });
        const res = await request(small.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('x'.repeat(4096)));
        expect(res.status).toBe(413);
        expect(expectErrorShape(res.body, 'request_too_large')).toMatchObject({ limit_bytes: 1024 });
      });

      it('422 validation_error with FastAPI detail list', async () => {
        const res = await request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send({ model: 'gpt-4o-mini', messages: [] });
        expect(res.status).toBe(422);
        expectErrorShape(res.body, 'validation_error');
        expect(res.body.detail).toEqual([expect.objectContaining({ loc: ['body', 'messages'], msg: expect.any(String), type: expect.any(String) })]);
        const missing = await request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send({ messages: [{ role: 'user', content: 'x' }] });
        expect(missing.body.detail[0]).toMatchObject({ loc: ['body', 'model'], type: 'missing' });
        const badRun = await request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('x', { agentwall_run_id: 'has space' }));
        expect(badRun.status).toBe(422);
        expect(badRun.body.detail[0].loc).toEqual(['body', 'agentwall_run_id']);
      });

      it('502 upstream_unavailable when the upstream refuses connections', async () => {
        const dead = await make({ upstream: { url: 'http://127.0.0.1:9/v1', apiKey: PROVIDER_KEY } });
        const res = await request(dead.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('hi', { agentwall_run_id: 'dead-up' }));
        expect(res.status).toBe(502);
        expectErrorShape(res.body, 'upstream_unavailable');
        const run = await request(dead.server).get('/agentwall/runs/dead-up').set('Authorization', `Bearer ${KEY_A}`);
        expect(run.body.step_details[0]).toMatchObject({ status: 'error', cost_usd: 0 });
      });

      it('504 upstream_timeout with timeout_ms when the upstream hangs', async () => {
        const impatient = await make({ timeouts: { firstByteMs: 200 } });
        mock.fail({ kind: 'hang' });
        const res = await request(impatient.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('hang'));
        expect(res.status).toBe(504);
        expect(expectErrorShape(res.body, 'upstream_timeout')).toMatchObject({ timeout_ms: 200 });
      });

      it('503 store_unavailable when the store is down (fail closed); /health/ready says 503', async () => {
        const broken = await make({ store: downStore() });
        const res = await request(broken.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('hi'));
        expect(res.status).toBe(503);
        expectErrorShape(res.body, 'store_unavailable');
        expect((await request(broken.server).get('/health/ready')).status).toBe(503);
        expect((await request(broken.server).get('/health/live')).status).toBe(200);
      });

      it('503 store_unavailable (auth fails closed) from a down store that checks revocation inside admit', async () => {
        const broken = await make({ store: { ...downStore(), checksRevocationInAdmit: true } });
        const res = await request(broken.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('hi'));
        expect(res.status).toBe(503);
        expect(expectErrorShape(res.body, 'store_unavailable')['message']).toMatch(/check the key/);
        expect(mock.requests).toHaveLength(0);
        // Auth open, budgets open (loop open by default): forwarded untracked, as with any store.
        const open = await make({ store: { ...downStore(), checksRevocationInAdmit: true }, failOpen: { auth: true, budgets: true } });
        const served = await request(open.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('still serving'));
        expect(served.status).toBe(200);
        expect(served.body.agentwall.step).toBe(0);
      });

      it('forwards untracked while the store is down when every guard that applies fails open', async () => {
        const open = await make({ store: downStore(), failOpen: { auth: true, budgets: true } });
        const res = await request(open.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('still serving'));
        expect(res.status).toBe(200);
        expect(res.body.agentwall.step).toBe(0);
        const loopClosed = await make({ store: downStore(), failOpen: { auth: true, budgets: true, loop: false } });
        expect((await request(loopClosed.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('x'))).status).toBe(503);
      });
    });

    describe('shutdown', () => {
      it('close() waits for the steps in flight to be recorded (no record lost, no reservation held)', async () => {
        // A store whose settle waits for the test: the step is admitted and answered, its record not written yet.
        const events: string[] = [];
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        class GatedStore extends MemoryStore {
          override async settle(r: SettleRequest): Promise<SettleResult> {
            events.push('settle started');
            await gate;
            const after = await super.settle(r);
            events.push('settle done');
            return after;
          }
        }
        const store = new GatedStore();
        const own = await make({ store, maxRunCostUsd: 5 });
        const answered = request(own.server)
          .post('/v1/chat/completions')
          .set('Authorization', `Bearer ${KEY_A}`)
          .send(chat('in flight at shutdown', { agentwall_run_id: 'shutdown' }))
          .then(
            (r) => r.status,
            (err: Error) => err.message,
          );
        await eventually(() => events.includes('settle started'));

        const closing = own.agentwall.close().then(() => events.push('closed'));
        // A second close() of undici's agent resolves when the first has: the upstream side is closed now.
        await configOf(own.agentwall).upstreams.dispatcher.close();
        await new Promise((resolve) => setImmediate(resolve));
        expect(events).toEqual(['settle started']);
        expect(own.agentwall.close()).toBe(own.agentwall.close());

        release();
        await closing;
        expect(events).toEqual(['settle started', 'settle done', 'closed']);
        expect(await answered).toBe(200);
        const run = await store.getRun({ keyId: 'alpha', runId: 'shutdown' });
        expect(run?.steps).toBe(1);
        expect(run?.stepRecords).toEqual([expect.objectContaining({ step: 1, status: 'ok' })]);
        expect(run?.costMicros).toBeGreaterThan(0);
        // The reservation taken at admit was released.
        expect(run?.reservedMicros).toBe(0);
      });
      it('close() cuts a stream still running after shutdownTimeoutMs, charges its estimate and releases the reservation', async () => {
        const store = new MemoryStore();
        const logs: Array<Record<string, unknown> | undefined> = [];
        const logger = { info() {}, warn: (_m: string, f?: Record<string, unknown>) => logs.push(f), error: (_m: string, f?: Record<string, unknown>) => logs.push(f) };
        const own = await make({ store, maxRunCostUsd: 5, shutdownTimeoutMs: 50, logger });
        mock.fail({ kind: 'stall', afterChunks: 3 });
        const received = await new Promise<{ first: string; ended: Promise<string> }>((resolve, reject) => {
          const req = http.request(`${own.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' },
          });
          req.on('response', (res) => {
            let text = '';
            const ended = new Promise<string>((done) => {
              res.on('data', (c: Buffer) => (text += c.toString()));
              res.on('end', () => done(text));
              res.on('error', () => done(text));
              res.on('close', () => done(text));
            });
            res.once('data', (c: Buffer) => resolve({ first: c.toString(), ended }));
          });
          req.on('error', reject);
          req.end(JSON.stringify(chat('stall until shutdown', { stream: true, agentwall_run_id: 'cut-at-shutdown' })));
        });
        expect(received.first).toContain('data:');

        // The upstream never finishes this stream; close() must not wait for it past the timeout.
        await own.agentwall.close();
        expect(logs).toContainEqual({ code: 'AW_CLOSE_TIMEOUT', timeout_ms: 50, steps_in_flight: 1 });
        expect(logs.some((f) => f?.['code'] === 'AW_CLOSE_UNRECORDED')).toBe(false);
        await received.ended;
        await eventually(() => mock.requests.some((r) => r.aborted && JSON.stringify(r.body).includes('stall until shutdown')));

        const run = await store.getRun({ keyId: 'alpha', runId: 'cut-at-shutdown' });
        expect(run?.stepRecords).toEqual([expect.objectContaining({ step: 1, stream: true, estimated: true })]);
        expect(run?.stepRecords[0]?.status).not.toBe('ok');
        expect(run?.costMicros).toBeGreaterThan(0);
        expect(run?.reservedMicros).toBe(0);
      });
    });

    describe('the host app', () => {
      it('works under a mount path and hands other routes to the host app', async () => {
        const mounted = await make({}, { mount: '/llm' });
        const res = await request(mounted.server).post('/llm/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('hi'));
        expect(res.status).toBe(200);
        expect((await request(mounted.server).get('/llm/health')).body).toEqual({ status: 'ok' });
        // /v1/embeddings is AgentWall's (POST) since issue 15: another method is a 405, no longer the host app's 404.
        const wrongMethod = await request(mounted.server).get('/llm/v1/embeddings');
        expect(wrongMethod.status).toBe(405);
        expect(wrongMethod.headers['allow']).toBe('POST');
        // An unknown /v1 route is a JSON 404 naming the path, not the host app's page.
        const unknown = await request(mounted.server).get('/llm/v1/no-such-route');
        expect(unknown.status).toBe(404);
        expect(unknown.body.error).toMatchObject({ type: 'not_found', path: '/v1/no-such-route' });
        const host = await request(mounted.server).get('/llm/elsewhere');
        expect(host.status).toBe(404);
        expect(host.body).toEqual({ host: 'not found' });
        expect((await request(mounted.server).get('/hello')).text).toBe('host says hello');
      });

      it('hands unknown /v1 routes to the host app when told to (passUnknownV1Routes)', async () => {
        const passing = await make({ passUnknownV1Routes: true }, { mount: '/llm' });
        const host = await request(passing.server).get('/llm/v1/no-such-route');
        expect(host.status).toBe(404);
        expect(host.body).toEqual({ host: 'not found' });
      });

      it('reuses a body the host already parsed', async () => {
        const parsed = await make({}, { preParse: true });
        const res = await request(parsed.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('pre-parsed', { agentwall_run_id: 'pp' }));
        expect(res.status).toBe(200);
        expect(res.body.agentwall.run_id).toBe('pp');
        expect((mock.requests.at(-1)!.body as { messages: unknown }).messages).toEqual([{ role: 'user', content: 'pre-parsed' }]);
        const bad = await request(parsed.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send({ model: 'x' });
        expect(bad.status).toBe(422);
      });

      it('routes models to several upstreams by pattern, each with its own key', async () => {
        const second = await startMockLlm({ apiKey: 'sk-second-provider' });
        try {
          const routed = await make({
            upstream: undefined,
            upstreams: [
              { url: second.url, apiKey: 'sk-second-provider', models: ['claude-*'] },
              { url: mock.url, apiKey: PROVIDER_KEY },
            ],
          });
          const claude = await request(routed.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send({ ...chat('hi claude'), model: 'claude-3-5-sonnet' });
          expect(claude.status).toBe(200);
          expect(second.requests).toHaveLength(1);
          expect(second.requests[0]!.headers['authorization']).toBe('Bearer sk-second-provider');
          const gpt = await request(routed.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('hi gpt'));
          expect(gpt.status).toBe(200);
          expect(second.requests).toHaveLength(1);
          expect(mock.requests.at(-1)!.headers['authorization']).toBe(`Bearer ${PROVIDER_KEY}`);
        } finally {
          await second.close();
        }
      });

      it('forwards GET /v1/models with the provider key, and serves /health', async () => {
        const res = await request(app.server).get('/v1/models').set('Authorization', `Bearer ${KEY_A}`);
        expect(res.status).toBe(200);
        expect(res.body.data.map((m: { id: string }) => m.id)).toContain('gpt-4o-mini');
        expect(mock.requests.at(-1)!.headers['authorization']).toBe(`Bearer ${PROVIDER_KEY}`);
        expect((await request(app.server).get('/v1/models')).status).toBe(401);
        expect((await request(app.server).get('/health')).body).toEqual({ status: 'ok' });
        expect((await request(app.server).get('/health/ready')).body).toEqual({ status: 'ok', store: 'ok' });
      });
    });
  });
}
