// The Responses API, embeddings and models/{id} through real HTTP against the bundled mock LLM, run by every adapter.
import http from 'node:http';
import request from 'supertest';
import type { MockLlm } from '@agentwall/mock-llm';
import { KEY_A, KEY_B, PROVIDER_KEY, appPool, eventually, firstStepOnce, startMock, type AppFactory, type RunningApp } from './harness.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Whole dollars per token: a step's cost is readable from its usage. */
const PRICES = { 'gpt-4o-mini': { inputPerMTok: 1_000_000, outputPerMTok: 2_000_000, cachedInputPerMTok: 500_000 } };
const cost = (u: Json) => u['input_tokens'] - u['input_tokens_details'].cached_tokens + u['input_tokens_details'].cached_tokens * 0.5 + u['output_tokens'] * 2;
const tools = [{ type: 'function', name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];

/** An SSE body as text, parsed into its events (name and data) and comment lines. */
function events(text: string): { names: string[]; data: Json[]; comments: string[]; blocks: string[] } {
  const blocks = text.split('\n\n').filter(Boolean);
  const names: string[] = [];
  const data: Json[] = [];
  const comments: string[] = [];
  for (const block of blocks) {
    if (block.startsWith(':')) comments.push(block);
    const name = /^event: (.+)$/m.exec(block)?.[1];
    const payload = /^data: (.+)$/m.exec(block)?.[1];
    if (name) names.push(name);
    if (payload) data.push(JSON.parse(payload) as Json);
  }
  return { names, data, comments, blocks };
}

/** A supertest parser that keeps the body as text. */
const asText = (r: request.Response, cb: (err: Error | null, body: string) => void): void => {
  const res = r as unknown as http.IncomingMessage;
  let t = '';
  res.on('data', (b: Buffer) => (t += b.toString()));
  res.on('end', () => cb(null, t));
};

export function responsesSuite(factory: AppFactory): void {
  describe(`${factory.name}: Responses API, embeddings, models`, () => {
    let mock: MockLlm;
    let app: RunningApp;
    const { make, closeAll } = appPool(factory, () => mock);
    const create = (body: Json, key = KEY_A) => request(app.server).post('/v1/responses').set('Authorization', `Bearer ${key}`).send({ model: 'gpt-4o-mini', ...body });
    const stream = (body: Json, key = KEY_A) => create({ ...body, stream: true }, key).buffer(true).parse(asText);
    const run = (id: string) => request(app.server).get(`/agentwall/runs/${id}`).set('Authorization', `Bearer ${KEY_A}`);
    const upstreamBodies = () => mock.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/responses')).map((r) => r.body as Json);

    beforeAll(async () => {
      mock = await startMock();
      app = await make({ prices: PRICES, maxRunCostUsd: null });
    });
    afterEach(() => mock.reset());
    afterAll(async () => {
      await closeAll();
      await mock.close();
    });

    it('runs a function tool over two turns as full history, then over a chain; steps and cost are the upstream usage', async () => {
      const first = await create({ input: 'What is the weather in Paris?', tools, agentwall_run_id: 'tools-history' });
      expect(first.status).toBe(200);
      const call = first.body.output.find((i: Json) => i.type === 'function_call');
      expect(call).toMatchObject({ name: 'get_weather', arguments: '{"city":"mock"}' });
      const output = { type: 'function_call_output', call_id: call.call_id, output: '21 degrees' };
      const second = await create({ input: [{ role: 'user', content: 'What is the weather in Paris?' }, call, output], tools, agentwall_run_id: 'tools-history' });
      expect(second.body.output[0].content[0].text).toBe('Mock answer from the tool result: 21 degrees');
      expect(second.body.agentwall).toMatchObject({ run_id: 'tools-history', step: 2, run_steps: 2, cost_usd: cost(second.body.usage), run_cost_usd: cost(first.body.usage) + cost(second.body.usage) });

      // The same over a chain, without a run id: the continuation joins the first response's run.
      const start = await create({ input: 'What is the weather in Paris?', tools });
      const chained = await create({ previous_response_id: start.body.id, input: [{ type: 'function_call_output', call_id: start.body.output[0].call_id, output: '21 degrees' }], tools });
      expect(chained.status).toBe(200);
      expect(chained.body.output[0].content[0].text).toBe('Mock answer from the tool result: 21 degrees');
      expect(chained.body.agentwall).toMatchObject({ run_id: start.body.agentwall.run_id, step: 2, run_steps: 2 });
      // The upstream billed the chain's context: the continuation's input counts the first turn.
      expect(chained.body.usage.input_tokens).toBeGreaterThan(first.body.usage.input_tokens);
      const summary = await run(start.body.agentwall.run_id);
      expect(summary.body).toMatchObject({ steps: 2, cost_usd: cost(start.body.usage) + cost(chained.body.usage), reserved_usd: 0 });
      for (const body of upstreamBodies()) expect(Object.keys(body).filter((k) => k.startsWith('agentwall'))).toEqual([]);
      for (const r of mock.requests) expect(r.headers['authorization']).toBe(`Bearer ${PROVIDER_KEY}`);
    });

    it('streams the named events as the upstream sent them, with the metadata comment before response.completed', async () => {
      const res = await stream({ input: 'Write a poem', agentwall_run_id: 'streamed' });
      expect(res.status).toBe(200);
      const seen = events(res.body as string);
      expect(seen.names[0]).toBe('response.created');
      expect(seen.names.at(-1)).toBe('response.completed');
      expect(seen.blocks.at(-2)).toMatch(/^: agentwall \{/);
      expect(seen.data.map((d) => d['sequence_number'])).toEqual(seen.data.map((_, i) => i));
      expect(res.body).not.toContain('[DONE]');
      const completed = seen.data.at(-1)!['response'] as Json;
      const meta = JSON.parse(seen.comments[0]!.slice(': agentwall '.length)) as Json;
      expect(meta).toMatchObject({ run_id: 'streamed', step: 1, cost_usd: cost(completed['usage']) });
      const text = seen.data.filter((d) => d['type'] === 'response.output_text.delta').map((d) => d['delta']).join('');
      expect(text).toBe(completed['output'][0].content[0].text);
    });

    it('blocks a tool loop over a previous_response_id chain at the same request as the same loop sent as full history', async () => {
      const prompt = 'What is the weather? [loop tool]';
      const refusedAt = async (mode: 'history' | 'chain'): Promise<{ at: number; res: request.Response }> => {
        const history: Json[] = [{ role: 'user', content: prompt }];
        let res = await create({ input: history, tools });
        for (let n = 2; n <= 8; n++) {
          if (res.status !== 200) return { at: n - 1, res };
          const call = res.body.output.find((i: Json) => i.type === 'function_call');
          const output = { type: 'function_call_output', call_id: call.call_id, output: 'still 21 degrees' };
          if (mode === 'history') history.push(call, output);
          res = await create(mode === 'history' ? { input: history, tools } : { previous_response_id: res.body.id, input: [output], tools });
        }
        return { at: 0, res };
      };
      const history = await refusedAt('history');
      const chain = await refusedAt('chain');
      expect(history.at).toBe(4);
      expect(chain.at).toBe(history.at);
      expect(chain.res.body.error).toMatchObject({ type: 'loop_detected', loop_type: 'tool_call_repeat', step: 4, steps: 3 });
      expect(chain.res.headers['x-should-retry']).toBe('false');
    });

    it('aborts the upstream when the client leaves a stream, and charges what was seen, estimated', async () => {
      mock.fail({ kind: 'stall', afterChunks: 5 });
      await new Promise<void>((resolve, reject) => {
        const req = http.request(`${app.url}/v1/responses`, { method: 'POST', headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' } });
        req.on('response', (res) =>
          res.once('data', () => {
            req.destroy();
            resolve();
          }),
        );
        req.on('error', (e) => (e.message.includes('socket hang up') ? resolve() : reject(e)));
        req.end(JSON.stringify({ model: 'gpt-4o-mini', input: 'one two three four five six seven', stream: true, agentwall_run_id: 'left' }));
      });
      await eventually(() => mock.requests.some((r) => r.aborted && r.path.endsWith('/responses')));
      const detail = await firstStepOnce(app.server, 'left', 'aborted');
      expect(detail).toMatchObject({ status: 'aborted', estimated: true });
      expect((await run('left')).body.reserved_usd).toBe(0);
    });

    it('forwards the stored-response routes for the key that created the response, and 404s them for any other', async () => {
      const created = await create({ input: 'keep this' });
      const id = created.body.id as string;
      const get = await request(app.server).get(`/v1/responses/${id}?api_key=${KEY_A}`).set('Authorization', `Bearer ${KEY_A}`);
      expect(get.status).toBe(200);
      expect(get.body).toMatchObject({ id, status: 'completed' });
      expect(mock.requests.at(-1)!.path).toBe(`/v1/responses/${id}`);
      const items = await request(app.server).get(`/v1/responses/${id}/input_items?order=asc&limit=1&api_key=${KEY_A}`).set('Authorization', `Bearer ${KEY_A}`);
      expect(items.body).toMatchObject({ object: 'list', data: [{ type: 'message', role: 'user' }] });
      expect(mock.requests.at(-1)!.path).toBe(`/v1/responses/${id}/input_items?order=asc&limit=1`);
      const theirs = await request(app.server).get(`/v1/responses/${id}`).set('Authorization', `Bearer ${KEY_B}`);
      expect(theirs.status).toBe(404);
      expect(theirs.body.error).toMatchObject({ type: 'not_found', path: `/v1/responses/${id}` });
      const deleted = await request(app.server).delete(`/v1/responses/${id}`).set('Authorization', `Bearer ${KEY_A}`);
      expect(deleted.body).toEqual({ id, object: 'response', deleted: true });
      for (const r of mock.requests) expect(JSON.stringify(r)).not.toContain(KEY_A);
    });

    it('meters embeddings from usage.prompt_tokens and forwards GET /v1/models/{id}', async () => {
      const emb = await request(app.server).post('/v1/embeddings').set('Authorization', `Bearer ${KEY_A}`).send({ model: 'text-embedding-3-small', input: ['one', 'two'], encoding_format: 'float', agentwall_run_id: 'emb' });
      expect(emb.status).toBe(200);
      expect(emb.body.data).toHaveLength(2);
      // text-embedding-3-small: $0.02 per million input tokens, rounded up to a micro-dollar.
      expect(emb.body.agentwall).toMatchObject({ run_id: 'emb', cost_usd: Math.ceil(emb.body.usage.prompt_tokens * 0.02) / 1e6 });
      expect(mock.requests.at(-1)!.body).toEqual({ model: 'text-embedding-3-small', input: ['one', 'two'], encoding_format: 'float' });
      const model = await request(app.server).get('/v1/models/gpt-4o').set('Authorization', `Bearer ${KEY_A}`);
      expect(model.body).toMatchObject({ id: 'gpt-4o', object: 'model' });
      expect(mock.requests.at(-1)!.headers['authorization']).toBe(`Bearer ${PROVIDER_KEY}`);
    });
  });
}
