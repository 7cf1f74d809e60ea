// previous_response_id chains in memory: a continuation joins its parent's run, its tool loop is caught, its context reserved.
import { MemoryStore, type Store } from '../../../src/index.js';
import { inMemory, type UpstreamCall } from '../../support/in-memory.js';
import { eventStream, functionCall, message, response, usage, type Json } from './fixtures.js';

const KEY = 'aw-chain-key-a-0001';
const OTHER = 'aw-chain-key-b-0002';
const auth = { authorization: `Bearer ${KEY}` };
const other = { authorization: `Bearer ${OTHER}` };
const keys = [
  { key: KEY, name: 'alpha' },
  { key: OTHER, name: 'bravo' },
];

/** A stuck model: every answer calls the same tool with the same arguments. */
const stuck = (call: UpstreamCall) => {
  const res = response([functionCall('get_weather', '{"city":"Paris"}')], usage(30, 6));
  return (call.body as { stream?: boolean }).stream ? { text: eventStream(res) } : { json: res };
};

type Sent = Awaited<ReturnType<ReturnType<typeof inMemory>['send']>>;

function setup(store: Store = new MemoryStore(), extra: Record<string, unknown> = {}) {
  const h = inMemory({ keys, store, maxRunCostUsd: null, ...extra });
  h.upstream('/v1/responses', stuck);
  const send = (body: Json, headers: Record<string, string> = auth) => h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', ...body }, headers);
  return { h, store, send };
}

/** The call in an answer (JSON or stream). */
function callOf(res: Sent, stream: boolean): { id: string; call: Json } {
  if (!stream) return { id: res!.json['id'] as string, call: (res!.json['output'] as Json[])[0]! };
  const completed = res!.text.split('\n\n').find((e) => e.startsWith('event: response.completed'))!;
  const payload = JSON.parse(completed.slice(completed.indexOf('data: ') + 6)) as { response: Json };
  return { id: payload.response['id'] as string, call: (payload.response['output'] as Json[])[0]! };
}

/** Runs a tool agent until it is refused; returns the request number refused and the refusal. */
async function runAgent(send: ReturnType<typeof setup>['send'], mode: 'history' | 'chain', opts: { stream?: boolean; runId?: string } = {}) {
  const stream = opts.stream === true;
  const base: Json = { instructions: 'Use the tool.', ...(stream ? { stream: true } : {}), ...(opts.runId ? { agentwall_run_id: opts.runId } : {}) };
  const history: Json[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
  let res = await send({ ...base, input: history });
  for (let request = 2; request <= 10; request++) {
    if (res!.status !== 200) return { refusedAt: request - 1, res };
    const { id, call } = callOf(res, stream);
    const output = { type: 'function_call_output', call_id: call['call_id'], output: '21 degrees and sunny' };
    if (mode === 'history') {
      history.push(call, output);
      res = await send({ ...base, input: history });
    } else {
      res = await send({ ...base, previous_response_id: id, input: [output] });
    }
  }
  return { refusedAt: res!.status === 200 ? 0 : 10, res };
}

describe('previous_response_id chains in memory', () => {
  it('catches a tool loop over a chain at the same repetition as the same loop sent as full history', async () => {
    for (const stream of [false, true]) {
      const a = setup();
      const b = setup();
      try {
        // Full history without a run id: each request stands alone, the loop shows inside its own items.
        const history = await runAgent(a.send, 'history', { stream });
        // A chain without a run id: each continuation joins its parent's run, the loop shows in the run's window.
        const chain = await runAgent(b.send, 'chain', { stream });
        expect(history.refusedAt).toBe(4);
        expect(chain.refusedAt).toBe(history.refusedAt);
        for (const { res } of [history, chain]) {
          expect(res!.status).toBe(429);
          expect(res!.json['error']).toMatchObject({ type: 'loop_detected', loop_type: 'tool_call_repeat' });
        }
        // The whole chain was one run: three steps, then the blocked attempt.
        const runId = (chain.res!.json['error'] as Json)['run_id'] as string;
        expect(await b.store.getRun({ keyId: 'alpha', runId })).toMatchObject({ steps: 3, blockedCount: 1 });
      } finally {
        await a.h.close();
        await b.h.close();
      }
    }
  });

  it('joins the run of the parent without a run id; a run id of the client wins', async () => {
    const { h, send, store } = setup();
    try {
      const first = await send({ input: 'start', agentwall_run_id: 'task-1' });
      const { id, call } = callOf(first, false);
      const joined = await send({ previous_response_id: id, input: [{ type: 'function_call_output', call_id: call['call_id'], output: 'a' }] });
      expect(joined?.headers['x-agentwall-run-id']).toBe('task-1');
      expect(joined?.json['agentwall']).toMatchObject({ run_id: 'task-1', step: 2, run_steps: 2 });
      const own = await send({ previous_response_id: joined!.json['id'], agentwall_run_id: 'task-2', input: [{ type: 'function_call_output', call_id: callOf(joined, false).call['call_id'], output: 'b' }] });
      expect(own?.json['agentwall']).toMatchObject({ run_id: 'task-2', step: 1 });
      expect((await store.getRun({ keyId: 'alpha', runId: 'task-1' }))?.steps).toBe(2);
      // Nothing of AgentWall's reaches the upstream; previous_response_id does.
      expect(h.calls.at(-1)!.body).toEqual({ model: 'gpt-4o-mini', previous_response_id: joined!.json['id'], input: [expect.objectContaining({ output: 'b' })] });
    } finally {
      await h.close();
    }
  });

  it('remembers a streamed response by the id of its events, and one cut short with what it showed', async () => {
    const { h, send, store } = setup();
    try {
      const streamed = await send({ input: 'go', stream: true, agentwall_run_id: 'streamed' });
      const { id } = callOf(streamed, true);
      expect(await store.getResponse(id)).toMatchObject({ keyId: 'alpha', runId: 'streamed', model: 'gpt-4o-mini', calls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }], inputTokens: 30, outputTokens: 6 });
      const cutAnswer = response([functionCall('lookup', '{"q":1}')]);
      const all = eventStream(cutAnswer);
      const cut = inMemory({ keys, store, maxRunCostUsd: null });
      cut.upstream('/v1/responses', { text: all.slice(0, all.lastIndexOf('event: response.completed')) });
      await cut.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: 'go', stream: true, agentwall_run_id: 'cut' }, auth);
      expect(await store.getResponse(cutAnswer.id)).toMatchObject({ runId: 'cut', calls: [{ name: 'lookup', arguments: '{"q":1}' }] });
      await cut.close();
    } finally {
      await h.close();
    }
  });

  it('reserves for the parent context: the estimate of a continuation counts the parent input and output tokens', async () => {
    const store = new MemoryStore();
    const h = inMemory({ keys, store, maxRunCostUsd: null });
    h.upstream('/v1/responses', (call) => {
      const body = call.body as { previous_response_id?: string; stream?: boolean };
      if (!body.stream) return { json: response([message('first answer')], usage(1000, 500)) };
      // Streams are cut before their usage: their cost is the estimate.
      const all = eventStream(response([message('x')]));
      return { text: all.slice(0, all.lastIndexOf('event: response.completed')) };
    });
    try {
      const first = await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: 'a', agentwall_run_id: 'ctx' }, auth);
      await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', previous_response_id: first!.json['id'], input: 'b', stream: true }, auth);
      await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: 'b', stream: true, agentwall_run_id: 'alone' }, auth);
      const chained = (await store.getRun({ keyId: 'alpha', runId: 'ctx' }))!.stepRecords[1]!;
      const alone = (await store.getRun({ keyId: 'alpha', runId: 'alone' }))!.stepRecords[0]!;
      expect(chained.estimated).toBe(true);
      expect(chained.promptTokens).toBe(alone.promptTokens! + 1500);
    } finally {
      await h.close();
    }
  });

  it("refuses to continue another key's response (404 not_found), and continues one AgentWall never saw on what it shows", async () => {
    const { h, send } = setup();
    try {
      const mine = await send({ input: 'secret plans' });
      const before = h.calls.length;
      const stolen = await send({ previous_response_id: mine!.json['id'], input: 'repeat everything' }, other);
      expect(stolen?.status).toBe(404);
      expect(stolen?.json['error']).toMatchObject({ type: 'not_found', code: 'not_found', path: '/v1/responses' });
      expect(h.calls.length).toBe(before);
      const unknown = await send({ previous_response_id: 'resp_never_seen', input: 'go on' }, other);
      expect(unknown?.status).toBe(200);
      expect(unknown?.json['agentwall']).toMatchObject({ step: 1 });
      expect(h.calls.at(-1)!.body).toMatchObject({ previous_response_id: 'resp_never_seen' });
    } finally {
      await h.close();
    }
  });

  it('still catches a tool loop continuing responses AgentWall never saw, within a run the client names', async () => {
    const { h, send } = setup();
    try {
      const statuses: number[] = [];
      for (let i = 1; i <= 4; i++) {
        const res = await send({ previous_response_id: `resp_elsewhere_${i}`, agentwall_run_id: 'unknown-parents', input: [{ type: 'function_call_output', call_id: `call_${i}`, output: 'same result' }] });
        statuses.push(res!.status);
      }
      // The same result to calls of unknown name, three times in a row: the tool rule, as for known calls.
      expect(statuses).toEqual([200, 200, 429, 429]);
    } finally {
      await h.close();
    }
  });

  it('does not block continue-style turns after different replies; blocks the same text after the same reply', async () => {
    const store = new MemoryStore();
    const h = inMemory({ keys, store, maxRunCostUsd: null });
    let n = 0;
    let fixed = false;
    h.upstream('/v1/responses', () => ({ json: response([message(fixed ? 'always the same' : `reply number ${++n}`)]) }));
    try {
      let res = await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: 'tell me a story', agentwall_run_id: 'story' }, auth);
      for (let i = 0; i < 4; i++) {
        res = await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', previous_response_id: res!.json['id'], input: 'continue' }, auth);
        expect(res?.status).toBe(200);
      }
      fixed = true;
      res = await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', previous_response_id: res!.json['id'], input: 'continue' }, auth);
      res = await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', previous_response_id: res!.json['id'], input: 'continue' }, auth);
      expect(res?.status).toBe(200);
      res = await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', previous_response_id: res!.json['id'], input: 'continue' }, auth);
      expect(res?.status).toBe(429);
      expect(res?.json['error']).toMatchObject({ type: 'loop_detected', loop_type: 'exact_repeat', run_id: 'story' });
    } finally {
      await h.close();
    }
  });

  it('remembers nothing of an answer the upstream does not store (store: false)', async () => {
    const { h, send, store } = setup();
    try {
      const res = await send({ input: 'ephemeral', store: false });
      expect(res?.status).toBe(200);
      expect(await store.getResponse(res!.json['id'] as string)).toBeUndefined();
    } finally {
      await h.close();
    }
  });

  it('refuses a continuation while the store cannot tell whose the parent is (503), unless auth fails open', async () => {
    const failing = new MemoryStore();
    failing.getResponse = async () => {
      throw new Error('connection refused');
    };
    const closed = setup(failing);
    const open = setup(failing, { failOpen: { auth: true } });
    try {
      const refused = await closed.send({ previous_response_id: 'resp_1', input: 'x' });
      expect(refused?.status).toBe(503);
      expect(refused?.json['error']).toMatchObject({ type: 'store_unavailable' });
      expect(closed.h.calls).toHaveLength(0);
      expect((await open.send({ previous_response_id: 'resp_1', input: 'x' }))?.status).toBe(200);
    } finally {
      await closed.h.close();
      await open.h.close();
    }
  });
});
