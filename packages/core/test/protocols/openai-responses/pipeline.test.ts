// POST /v1/responses through the guarded pipeline in memory (no sockets): JSON and streamed, usage, metadata, guards.
import { MemoryStore } from '../../../src/index.js';
import { inMemory, UPSTREAM_KEY, type UpstreamCall } from '../../support/in-memory.js';
import { eventStream, functionCall, message, response, usage, type Json } from './fixtures.js';

const KEY = 'aw-responses-mem-0001';
const auth = { authorization: `Bearer ${KEY}` };
const TOKEN_PRICES = { 'gpt-4o-mini': { inputPerMTok: 1_000_000, outputPerMTok: 2_000_000, cachedInputPerMTok: 500_000 } };

/** The upstream's answer to a request: JSON, or its event stream when the request asks for one. */
function answer(res: Json & { id: string }, finalType?: string) {
  return (call: UpstreamCall) => ((call.body as { stream?: boolean }).stream ? { text: eventStream(res, finalType) } : { json: res });
}

describe('openai-responses in memory', () => {
  const store = new MemoryStore();
  const h = inMemory({ keys: [{ key: KEY, name: 'resp' }], store, prices: TOKEN_PRICES, maxRunCostUsd: null });
  const reply = response([message('Hello there')], usage(20, 5, 8, 2));
  // The next answers, in order; then `reply`.
  const queued: Array<ReturnType<typeof answer>> = [];
  h.upstream('/v1/responses', (call) => (queued.shift() ?? answer(reply))(call));
  afterAll(() => h.close());
  const runOf = (runId: string) => store.getRun({ keyId: 'resp', runId });

  it('forwards without AgentWall fields, with the provider key, and splices the metadata into the JSON answer', async () => {
    const res = await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: 'hi', agentwall_run_id: 'json-1', agentwall_agent_id: 'a', agentwall_metadata: { t: 1 } }, auth);
    expect(res?.status).toBe(200);
    const seen = h.calls.at(-1)!;
    expect(seen.path).toBe('/v1/responses');
    expect(seen.body).toEqual({ model: 'gpt-4o-mini', input: 'hi' });
    expect(seen.headers['authorization']).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(JSON.stringify(seen)).not.toContain(KEY);
    const { agentwall, ...rest } = res!.json;
    expect(rest).toEqual(reply);
    // 12 uncached at $1 + 8 cached at $0.5 + 5 output (2 reasoning among them) at $2 per token.
    expect(agentwall).toMatchObject({ run_id: 'json-1', step: 1, cost_usd: 26, run_cost_usd: 26, run_steps: 1, loop_detected: false });
    expect(res?.headers['x-agentwall-run-id']).toBe('json-1');
    expect(res?.headers['x-agentwall-cost-usd']).toBe('26.000000');
    expect((await runOf('json-1'))?.stepRecords[0]).toMatchObject({ promptTokens: 20, cachedTokens: 8, completionTokens: 5, reasoningTokens: 2, estimated: false, stream: false });
  });

  it('relays a stream byte for byte: named events, sequence numbers untouched, no [DONE], the comment before the final event', async () => {
    const res = await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: 'hi', stream: true, agentwall_run_id: 'stream-1' }, auth);
    expect(res?.status).toBe(200);
    expect(res?.headers['content-type']).toMatch(/^text\/event-stream/);
    const upstream = eventStream(reply);
    const events = res!.text.split('\n\n').filter(Boolean);
    const comment = events.at(-2)!;
    expect(comment).toMatch(/^: agentwall \{/);
    expect(events.at(-1)).toMatch(/^event: response\.completed\n/);
    expect(res!.text.replace(`${comment}\n\n`, '')).toBe(upstream);
    expect(res!.text).not.toContain('[DONE]');
    const meta = JSON.parse(comment.slice(': agentwall '.length)) as Json;
    expect(meta).toMatchObject({ run_id: 'stream-1', step: 1, cost_usd: 26 });
    expect(meta['estimated']).toBeUndefined();
    expect((await runOf('stream-1'))?.stepRecords[0]).toMatchObject({ promptTokens: 20, cachedTokens: 8, completionTokens: 5, reasoningTokens: 2, stream: true });
  });

  it('charges an incomplete answer and a failed one from the usage of their final event', async () => {
    const cut = response([message('Hel')], usage(10, 16), { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    queued.push(answer(cut, 'response.incomplete'), answer(cut, 'response.incomplete'));
    const json = await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: 'long', max_output_tokens: 16 }, auth);
    expect(json?.json['agentwall']).toMatchObject({ cost_usd: 42 });
    const streamed = await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: 'long', max_output_tokens: 16, stream: true }, auth);
    const events = streamed!.text.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toMatch(/^event: response\.incomplete\n/);
    expect(JSON.parse(events.at(-2)!.slice(': agentwall '.length))).toMatchObject({ cost_usd: 42 });

    const failed = response([], usage(10, 0), { status: 'failed', error: { code: 'server_error', message: 'boom' } });
    queued.push(answer(failed, 'response.failed'));
    const f = await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: 'fail', stream: true }, auth);
    const fe = f!.text.split('\n\n').filter(Boolean);
    expect(fe.at(-1)).toMatch(/^event: response\.failed\n/);
    expect(JSON.parse(fe.at(-2)!.slice(': agentwall '.length))).toMatchObject({ cost_usd: 10 });
  });

  it('charges a stream that ends before its final event an estimate from the text and argument deltas, marked estimated', async () => {
    const calling = response([message('one two three four'), functionCall('lookup', '{"query":"abcdefghijklmnop"}')]);
    // Everything up to the final event: the usage never arrives.
    const all = eventStream(calling);
    queued.push(() => ({ text: all.slice(0, all.lastIndexOf('event: response.completed')) }));
    const res = await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: 'go', stream: true, agentwall_run_id: 'cut-1' }, auth);
    expect(res!.text).toContain('response.output_item.done');
    const record = (await runOf('cut-1'))!.stepRecords[0]!;
    expect(record.estimated).toBe(true);
    // Each delta's text as written in its event (escapes and all), a quarter token per character rounded up.
    const deltas = [...all.matchAll(/"delta":("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.stringify(JSON.parse(m[1]!) as string).slice(1, -1));
    expect(deltas).toHaveLength(4 + 4);
    expect(record.completionTokens).toBe(deltas.reduce((n, d) => n + Math.ceil(d.length / 4), 0));
    expect(record.promptTokens).toBeGreaterThan(0);
  });

  it('refuses a bad body in the error shape, naming the field', async () => {
    const noModel = await h.send('POST', '/v1/responses', { input: 'hi' }, auth);
    expect(noModel?.status).toBe(422);
    expect(noModel?.json['detail']).toEqual([expect.objectContaining({ loc: ['body', 'model'] })]);
    const badItem = await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: [{ type: 'function_call_output', output: 'x' }] }, auth);
    expect(badItem?.status).toBe(422);
    expect(badItem?.json['detail']).toEqual([expect.objectContaining({ loc: ['body', 'input', 0, 'call_id'] })]);
    const badMessage = await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: [{ role: 'robot', content: 'x' }] }, auth);
    expect(badMessage?.json['detail']).toEqual([expect.objectContaining({ loc: ['body', 'input', 0, 'role'] })]);
    // Items AgentWall does not read pass as they are.
    const other = await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: [{ type: 'item_reference', id: 'msg_1' }, { type: 'reasoning', id: 'rs_1', summary: [] }] }, auth);
    expect(other?.status).toBe(200);
  });

  it('blocks the same request sent again in a run with loop_detected, which a retry cannot fix', async () => {
    const send = () => h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', instructions: 'Be brief.', input: 'What is the capital of France?', agentwall_run_id: 'loop-1' }, auth);
    expect((await send())?.status).toBe(200);
    const before = h.calls.length;
    const again = await send();
    expect(again?.status).toBe(429);
    expect(again?.headers['x-should-retry']).toBe('false');
    expect(again?.json['error']).toMatchObject({ type: 'loop_detected', run_id: 'loop-1', loop_type: 'exact_repeat', step: 2, steps: 1 });
    expect(h.calls.length).toBe(before);
  });

  it('blocks a stuck Codex CLI (the same command, the same output) although every result has a new chunk id and wall time', async () => {
    const input: Json[] = [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Plan the migration' }] }];
    const statuses: number[] = [];
    for (let turn = 1; turn <= 3; turn++) {
      input.push(
        { type: 'function_call', call_id: `call_${turn}`, name: 'exec_command', arguments: '{"cmd":"mock"}' },
        { type: 'function_call_output', call_id: `call_${turn}`, output: `Chunk ID: ${turn}a${turn}b${turn}c\nWall time: 0.00${turn}4 seconds\nProcess exited with code 127\nOriginal token count: 11\nOutput:\n/bin/bash: line 1: mock: command not found\n` },
      );
      const res = await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input, store: false, agentwall_run_id: 'codex-stuck' }, auth);
      statuses.push(res!.status);
      if (res!.status === 429) expect(res!.json['error']).toMatchObject({ type: 'loop_detected', loop_type: 'tool_call_repeat', step: 3 });
    }
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('counts steps against the step limit and refuses a killed run', async () => {
    const limited = inMemory({ keys: [{ key: KEY, name: 'resp', maxSteps: 1 }] });
    limited.upstream('/v1/responses', { json: reply });
    try {
      expect((await limited.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: 'one', agentwall_run_id: 'lim' }, auth))?.status).toBe(200);
      const second = await limited.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: 'two', agentwall_run_id: 'lim' }, auth);
      expect(second?.json['error']).toMatchObject({ type: 'step_limit_exceeded', steps: 1, limit: 1 });
    } finally {
      await limited.close();
    }
    await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: 'before kill', agentwall_run_id: 'killed-1' }, auth);
    expect((await h.send('POST', '/agentwall/runs/killed-1/kill', undefined, auth))?.status).toBe(200);
    const after = await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: 'after kill', agentwall_run_id: 'killed-1' }, auth);
    expect(after?.status).toBe(403);
    expect(after?.json['error']).toMatchObject({ type: 'run_killed', run_id: 'killed-1' });
  });

  it('reserves max_output_tokens (or the cap) at the output price against the budget', async () => {
    const tight = inMemory({ keys: [{ key: KEY, name: 'resp' }], prices: { 'gpt-4o-mini': { inputPerMTok: 0, outputPerMTok: 1_000_000 } }, maxRunCostUsd: 100, outputTokenCap: 500 });
    tight.upstream('/v1/responses', { json: response([message('ok')], usage(3, 1)) });
    try {
      const small = await tight.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: 'a', max_output_tokens: 99, agentwall_run_id: 'b1' }, auth);
      expect(small?.status).toBe(200);
      const big = await tight.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: 'b', max_output_tokens: 100, agentwall_run_id: 'b1' }, auth);
      expect(big?.json['error']).toMatchObject({ type: 'budget_exceeded', scope: 'run', limit_usd: 100, spent_usd: 1 });
      // No limit of its own: the cap (500) is reserved.
      const capped = await tight.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: 'c', agentwall_run_id: 'b2' }, auth);
      expect(capped?.json['error']).toMatchObject({ type: 'budget_exceeded', scope: 'run' });
    } finally {
      await tight.close();
    }
  });
});
