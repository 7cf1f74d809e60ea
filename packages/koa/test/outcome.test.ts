// Koa puts what AgentWall decided on ctx.state.agentwall, and throws unexpected failures to the app's error handling.
import http from 'node:http';
import Koa from 'koa';
import Koa2 from 'koa2';
import request from 'supertest';
import { agentwall } from '../src/index.js';
import { KEY_A, baseOptions, chat, eventually, startMock } from '../../core/test/support/harness.js';

describe('koa: outcome for the host app', () => {
  it('sets ctx.state.agentwall to the run and step, or to the error code', async () => {
    const mock = await startMock();
    const app = new Koa();
    app.use(async (ctx, next) => {
      await next();
      ctx.set('x-outcome', JSON.stringify(ctx.state['agentwall']));
    });
    const mw = agentwall(baseOptions(mock));
    app.use(mw as unknown as Koa.Middleware);
    const server = http.createServer(app.callback());
    try {
      const ok = await request(server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('hi', { agentwall_run_id: 'outcome' }));
      // The step's settled metadata is on the same object (issue 14: the host app gets the final record).
      expect(JSON.parse(ok.headers['x-outcome'] as string)).toEqual({ runId: 'outcome', step: 1, metadata: expect.objectContaining({ run_id: 'outcome', step: 1, run_steps: 1 }) });
      const refused = await request(server).post('/v1/chat/completions').send(chat('hi'));
      expect(JSON.parse(refused.headers['x-outcome'] as string)).toEqual({ error: 'invalid_api_key' });
    } finally {
      server.closeAllConnections();
      await mw.close();
      await mock.close();
    }
  });

  it("gives the host app a streamed step's final record by the time the response finishes", async () => {
    const mock = await startMock();
    const app = new Koa();
    let seen: Record<string, unknown> | undefined;
    app.use(async (ctx, next) => {
      ctx.res.on('finish', () => (seen = structuredClone(ctx.state['agentwall'] as Record<string, unknown>)));
      await next();
    });
    const mw = agentwall(baseOptions(mock));
    app.use(mw as unknown as Koa.Middleware);
    const server = http.createServer(app.callback());
    try {
      const res = await request(server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('stream it', { stream: true, agentwall_run_id: 'outcome-stream' }));
      expect(res.status).toBe(200);
      await eventually(() => seen !== undefined);
      const meta = seen?.['metadata'] as Record<string, unknown>;
      expect(meta).toMatchObject({ run_id: 'outcome-stream', step: 1, run_steps: 1, loop_detected: false });
      expect(meta['cost_usd']).toBeGreaterThan(0);
    } finally {
      server.closeAllConnections();
      await mw.close();
      await mock.close();
    }
  });

  it('throws unexpected failures to the app', async () => {
    const mock = await startMock();
    const app = new Koa();
    app.silent = true;
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (err) {
        ctx.status = 599;
        ctx.body = { host: (err as Error).message };
      }
    });
    const mw = agentwall({ ...baseOptions(mock), verifyKey: () => { throw new Error('directory down'); } });
    app.use(mw as unknown as Koa.Middleware);
    try {
      const res = await request(app.callback()).post('/v1/chat/completions').set('Authorization', 'Bearer aw-not-configured').send(chat('hi'));
      expect(res.status).toBe(599);
      expect(res.body).toEqual({ host: 'directory down' });
    } finally {
      await mw.close();
      await mock.close();
    }
  });

  it.each([
    ['koa 3', 'mid-stream', { kind: 'stall', afterChunks: 2 } as const, Koa],
    ['koa 3', 'while the upstream has not answered', { kind: 'hang' } as const, Koa],
    ['koa 2', 'mid-stream', { kind: 'stall', afterChunks: 2 } as const, Koa2 as unknown as typeof Koa],
    ['koa 2', 'while the upstream has not answered', { kind: 'hang' } as const, Koa2 as unknown as typeof Koa],
  ])('%s: does not report a client that resets its connection %s as an app error, and still reports the app\'s own', async (_version, _when, fault, KoaApp) => {
    const mock = await startMock();
    const app = new KoaApp();
    const errors: Error[] = [];
    app.on('error', (err: Error) => errors.push(err));
    const mw = agentwall(baseOptions(mock));
    app.use(mw as unknown as Koa.Middleware);
    app.use(async (ctx) => {
      if (ctx.path === '/broken') throw new Error('the host app broke');
    });
    const server = http.createServer(app.callback());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      mock.fail(fault);
      const { port } = server.address() as import('node:net').AddressInfo;
      await new Promise<void>((resolve) => {
        const req = http.request({ port, host: '127.0.0.1', path: '/v1/chat/completions', method: 'POST', headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' } });
        // A TCP reset, as a client sends that closes with unread data (an agent that stops reading a stream).
        const reset = (): void => void req.socket?.resetAndDestroy();
        if (fault.kind === 'stall') req.on('response', (res) => res.once('data', reset));
        else void eventually(() => mock.requests.length > 0).then(reset);
        req.on('close', () => resolve());
        req.on('error', () => resolve());
        req.end(JSON.stringify(chat('leave with a reset', { stream: true })));
      });
      await eventually(() => mock.requests.some((r) => r.aborted));
      await new Promise((r) => setTimeout(r, 50));
      expect(errors).toEqual([]);
      const broken = await request(server).get('/broken');
      expect(broken.status).toBe(500);
      expect(errors.map((e) => e.message)).toEqual(['the host app broke']);
    } finally {
      server.closeAllConnections();
      server.close();
      await mw.close();
      await mock.close();
    }
  });

  it('does not report a client that leaves mid-stream as an app error', async () => {
    const mock = await startMock();
    const app = new Koa();
    const errors: unknown[] = [];
    app.on('error', (err) => errors.push(err));
    const mw = agentwall(baseOptions(mock));
    app.use(mw as unknown as Koa.Middleware);
    const server = http.createServer(app.callback());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      mock.fail({ kind: 'stall', afterChunks: 2 });
      const { port } = server.address() as import('node:net').AddressInfo;
      await new Promise<void>((resolve) => {
        const req = http.request({ port, host: '127.0.0.1', path: '/v1/chat/completions', method: 'POST', headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' } });
        req.on('response', (res) => res.once('data', () => req.destroy()));
        req.on('close', () => resolve());
        req.on('error', () => resolve());
        req.end(JSON.stringify(chat('leave early', { stream: true })));
      });
      await eventually(() => mock.requests.some((r) => r.aborted));
      // Give Koa's stream error handling its turn before looking.
      await new Promise((r) => setImmediate(r));
      expect(errors).toEqual([]);
    } finally {
      server.closeAllConnections();
      server.close();
      await mw.close();
      await mock.close();
    }
  });
});

describe('koa: a client that leaves mid-upload', () => {
  it('is not reported to the app as an error, and nothing is forwarded', async () => {
    const mock = await startMock();
    const errors: unknown[] = [];
    let closed = 0;
    const app = new Koa();
    app.on('error', (err: unknown) => errors.push(err));
    app.use(async (ctx, next) => {
      ctx.req.on('close', () => closed++);
      await next();
    });
    const mw = agentwall(baseOptions(mock));
    app.use(mw as unknown as Koa.Middleware);
    const server = http.createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    try {
      const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/v1/chat/completions', headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json', 'content-length': '100000' } });
      req.on('error', () => undefined);
      req.write('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"' + 'x'.repeat(1000));
      await new Promise((r) => setTimeout(r, 50));
      req.destroy();
      await eventually(() => closed === 1);
      // The rejection of the body read follows the close within a few turns of the event loop.
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      expect(errors).toEqual([]);
      expect(mock.requests).toHaveLength(0);
    } finally {
      server.closeAllConnections();
      server.close();
      await mw.close();
      await mock.close();
    }
  });
});
