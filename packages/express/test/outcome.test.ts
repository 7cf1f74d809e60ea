// Express hands the host app what AgentWall decided on res.locals.agentwall, and unexpected failures to next(err).
import http from 'node:http';
import express from 'express';
import request from 'supertest';
import { MemoryStore, agentwall } from '../src/index.js';
import { configOf } from '../../core/src/agentwall.js';
import { KEY_A, baseOptions, chat, startMock } from '../../core/test/support/harness.js';

describe('express: outcome for the host app', () => {
  it('sets res.locals.agentwall to the run and step, or to the error code', async () => {
    const mock = await startMock();
    const seen: unknown[] = [];
    const app = express();
    app.use((_req, res, next) => {
      res.on('finish', () => seen.push(res.locals['agentwall']));
      next();
    });
    const mw = agentwall(baseOptions(mock));
    app.use(mw);
    const server = http.createServer(app);
    try {
      await request(server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('hi', { agentwall_run_id: 'outcome' }));
      await request(server).post('/v1/chat/completions').send(chat('hi'));
      // The step's settled metadata is on the same object (issue 14: the host app gets the final record).
      expect(seen).toEqual([{ runId: 'outcome', step: 1, metadata: expect.objectContaining({ run_id: 'outcome', step: 1, run_steps: 1 }) }, { error: 'invalid_api_key' }]);
    } finally {
      server.closeAllConnections();
      await mw.close();
      await mock.close();
    }
  });

  it("gives the host app a streamed step's final record by the time the response finishes", async () => {
    const mock = await startMock();
    const seen: Array<Record<string, unknown>> = [];
    const app = express();
    app.use((_req, res, next) => {
      res.on('finish', () => seen.push(structuredClone(res.locals['agentwall'] as Record<string, unknown>)));
      next();
    });
    const mw = agentwall(baseOptions(mock));
    app.use(mw);
    const server = http.createServer(app);
    try {
      const res = await request(server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('stream it', { stream: true, agentwall_run_id: 'outcome-stream' }));
      expect(res.status).toBe(200);
      const meta = seen[0]?.['metadata'] as Record<string, unknown>;
      expect(meta).toMatchObject({ run_id: 'outcome-stream', step: 1, run_steps: 1, loop_detected: false });
      expect(meta['cost_usd']).toBeGreaterThan(0);
      expect(meta['estimated']).toBeUndefined();
    } finally {
      server.closeAllConnections();
      await mw.close();
      await mock.close();
    }
  });

  it('passes unexpected failures to next(err)', async () => {
    const mock = await startMock();
    const app = express();
    const mw = agentwall({ ...baseOptions(mock), verifyKey: () => { throw new Error('directory down'); } });
    app.use(mw);
    app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(599).json({ host: err.message });
    });
    try {
      const res = await request(app).post('/v1/chat/completions').set('Authorization', 'Bearer aw-not-configured').send(chat('hi'));
      expect(res.status).toBe(599);
      expect(res.body).toEqual({ host: 'directory down' });
    } finally {
      await mw.close();
      await mock.close();
    }
  });

  it('settles the step when a body parsed by the host cannot be forwarded, and passes the error on', async () => {
    const mock = await startMock();
    const store = new MemoryStore();
    const app = express();
    // A host parser that reads big integers as BigInt: JSON.stringify cannot encode the body it leaves.
    app.use((req, _res, next) => {
      (req as { body?: unknown }).body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], seed: 12345678901234567890n, agentwall_run_id: 'bigint' };
      (req as { _body?: boolean })._body = true;
      next();
    });
    const mw = agentwall({ ...baseOptions(mock), store, maxRunCostUsd: 5 });
    app.use(mw);
    app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(599).json({ host: err.name });
    });
    try {
      const res = await request(app).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send({});
      expect(res.status).toBe(599);
      expect(res.body).toEqual({ host: 'TypeError' });
      expect(mock.requests).toHaveLength(0);
      const run = await store.getRun({ keyId: 'alpha', runId: 'bigint' });
      expect(run?.stepRecords).toEqual([expect.objectContaining({ step: 1, status: 'error', costMicros: 0 })]);
      expect(run?.reservedMicros).toBe(0);
      expect(configOf(mw.agentwall).inFlight.size).toBe(0);
    } finally {
      // close() waits for unsettled steps: with one left behind it would never return, so it is skipped then.
      if (configOf(mw.agentwall).inFlight.size === 0) await mw.close();
      await mock.close();
    }
  });
});

describe('express: a client that leaves mid-upload', () => {
  it('is not reported to the host app as an error, and nothing is forwarded', async () => {
    const mock = await startMock();
    const errors: unknown[] = [];
    let closed = 0;
    const app = express();
    app.use((req, _res, next) => {
      req.on('close', () => closed++);
      next();
    });
    const mw = agentwall(baseOptions(mock));
    app.use(mw);
    app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      errors.push(err);
      res.status(599).end();
    });
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    try {
      const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/v1/chat/completions', headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json', 'content-length': '100000' } });
      req.on('error', () => undefined);
      req.write('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"' + 'x'.repeat(1000));
      await new Promise((r) => setTimeout(r, 50));
      req.destroy();
      const until = Date.now() + 5000;
      while (closed === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      // The rejection of the body read follows the close within a few turns of the event loop.
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      expect(closed).toBe(1);
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
