// Express hands the host app what AgentWall decided on res.locals.agentwall, and unexpected failures to next(err).
import http from 'node:http';
import express from 'express';
import request from 'supertest';
import { agentwall } from '../src/index.js';
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
      expect(seen).toEqual([{ runId: 'outcome', step: 1 }, { error: 'invalid_api_key' }]);
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
});
