// Anthropic's Messages API through the guarded pipeline in memory (no sockets): every guard, usage, errors, count_tokens.
import { calcPrice } from '@pydantic/genai-prices';
import { ceilMicros } from '../../../src/cost/cost.js';
import { MemoryStore, type AgentWallOptions } from '../../../src/index.js';
import { chatAnswer, inMemory, UPSTREAM_KEY, UPSTREAM_ORIGIN, type UpstreamCall, type UpstreamReply } from '../../support/in-memory.js';
import { POSITIVES } from '../../dlp/fixtures.js';

const KEY = 'aw-messages-mem-key-0001';
const ANTHROPIC_KEY = 'sk-ant-in-memory-provider-key';
const MODEL = 'claude-sonnet-4-5';
const apiKey = { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' };
const bearer = { authorization: `Bearer ${KEY}`, 'anthropic-version': '2023-06-01' };
const SECRET = POSITIVES.openai_key[0] as string;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const usage = { input_tokens: 40, cache_creation_input_tokens: 300, cache_read_input_tokens: 2000, cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 }, output_tokens: 12 };
const answer = (text: string, u: Json = usage) => ({ id: 'msg_1', type: 'message', role: 'assistant', model: MODEL, content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null, usage: u });
const ev = (data: Json) => `event: ${String(data['type'])}\ndata: ${JSON.stringify(data)}\n\n`;
const streamOf = (text: string, u: Json = usage, { end = true } = {}) =>
  [
    ev({ type: 'message_start', message: { ...answer('', { ...u, output_tokens: 1 }), content: [], stop_reason: null } }),
    ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    ev({ type: 'ping' }),
    ...text.split(' ').map((w, i) => ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: i === 0 ? w : ` ${w}` } })),
    ...(end ? [ev({ type: 'content_block_stop', index: 0 }), ev({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: u }), ev({ type: 'message_stop' })] : []),
  ].join('');

/** The cost the price package itself gives for Anthropic usage on the wire, in whole micro-dollars. */
function packageMicros(model: string, u: Json): number {
  const writes = u['cache_creation_input_tokens'] ?? 0;
  const reads = u['cache_read_input_tokens'] ?? 0;
  const ref = calcPrice(
    {
      input_tokens: u['input_tokens'] + writes + reads,
      cache_write_tokens: writes,
      cache_write_5m_tokens: u['cache_creation']?.['ephemeral_5m_input_tokens'],
      cache_write_1h_tokens: u['cache_creation']?.['ephemeral_1h_input_tokens'],
      cache_read_tokens: reads,
      output_tokens: u['output_tokens'],
    },
    model,
  );
  return ceilMicros(ref!.total_price * 1e6);
}

const body = (content: unknown, extra: Json = {}) => ({ model: MODEL, max_tokens: 256, messages: [{ role: 'user', content }], ...extra });
const errorOf = (res: { json: Json } | undefined): Json => res?.json['error'] as Json;

function harness(options: Partial<AgentWallOptions> = {}, reply?: (call: UpstreamCall) => UpstreamReply) {
  const store = new MemoryStore();
  const h = inMemory({
    keys: [{ key: KEY, name: 'mem' }],
    store,
    upstream: undefined,
    upstreams: [{ url: `${UPSTREAM_ORIGIN}/v1`, apiKey: UPSTREAM_KEY }, { kind: 'anthropic', url: UPSTREAM_ORIGIN, apiKey: ANTHROPIC_KEY }],
    ...options,
  });
  h.upstream('/v1/messages', reply ?? ((call) => ((call.body as Json)['stream'] ? { text: streamOf('Hello from Claude') } : { json: answer('Hello from Claude') })));
  h.upstream('/v1/chat/completions', { json: chatAnswer('chat says hi') });
  h.upstream('/v1/messages/count_tokens', { json: { input_tokens: 17 } });
  return { ...h, store, run: (runId: string) => store.getRun({ keyId: 'mem', runId }) };
}

describe('anthropic-messages in memory', () => {
  const h = harness();
  afterAll(() => h.close());

  it('forwards a JSON message to the Anthropic upstream with its key in x-api-key, and prices every token once', async () => {
    const res = await h.send('POST', '/v1/messages', body('hi', { agentwall_run_id: 'json-1' }), { ...apiKey, 'anthropic-beta': 'prompt-caching-2024-07-31,interleaved-thinking-2025-05-14' });
    expect(res?.status).toBe(200);
    expect(res?.json['content']).toEqual([{ type: 'text', text: 'Hello from Claude' }]);
    const expected = packageMicros(MODEL, usage);
    expect(res?.json['agentwall']).toMatchObject({ run_id: 'json-1', step: 1, cost_usd: expected / 1e6, loop_detected: false });
    expect(res?.headers['x-agentwall-cost-usd']).toBe((expected / 1e6).toFixed(6));
    const seen = h.calls.at(-1)!;
    expect(seen.path).toBe('/v1/messages');
    expect(seen.body).toEqual(body('hi'));
    expect(seen.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expect(seen.headers['authorization']).toBeUndefined();
    expect(seen.headers['anthropic-version']).toBe('2023-06-01');
    expect(seen.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31,interleaved-thinking-2025-05-14');
    expect(JSON.stringify(seen.headers)).not.toContain(KEY);
    const step = (await h.run('json-1'))!.stepRecords[0]!;
    expect(step).toMatchObject({ promptTokens: 2340, cachedTokens: 2000, cacheWriteTokens: 300, completionTokens: 12, costMicros: expected, estimated: false });
  });

  it('accepts the AgentWall key as a Bearer token (SDK 1.x apiKey, ANTHROPIC_AUTH_TOKEN), and refuses others in Anthropic’s shape', async () => {
    expect((await h.send('POST', '/v1/messages', body('hi'), bearer))?.status).toBe(200);
    expect(h.calls.at(-1)!.headers['authorization']).toBeUndefined();
    const before = h.calls.length;
    for (const headers of [{ 'x-api-key': 'aw-wrong-key-000000' }, { authorization: 'Bearer aw-wrong-key-000000' }, {}]) {
      const res = await h.send('POST', '/v1/messages', body('hi'), headers);
      expect(res?.status).toBe(401);
      expect(res?.json).toEqual({ type: 'error', error: expect.objectContaining({ type: 'authentication_error', code: 'invalid_api_key', details: { error_code: 'invalid_api_key' } }) });
      expect(res?.text).not.toContain('aw-wrong-key');
    }
    expect(h.calls.length).toBe(before);
  });

  it('streams byte for byte with the comment before message_stop, priced from message_start and message_delta', async () => {
    const res = await h.send('POST', '/v1/messages', body('hi', { stream: true }), { ...apiKey, 'x-agentwall-run-id': 'stream-1' });
    expect(res?.headers['content-type']).toBe('text/event-stream');
    expect(res?.headers['x-agentwall-run-id']).toBe('stream-1');
    const events = res!.text.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('event: message_stop\ndata: {"type":"message_stop"}');
    expect(events.at(-2)).toMatch(/^: agentwall \{/);
    expect(res!.text.replace(/: agentwall [^\n]*\n\n/, '')).toBe(streamOf('Hello from Claude'));
    const meta = JSON.parse(events.at(-2)!.slice(': agentwall '.length)) as Json;
    expect(meta).toMatchObject({ run_id: 'stream-1', step: 1, cost_usd: packageMicros(MODEL, usage) / 1e6 });
    expect(meta['estimated']).toBeUndefined();
    expect((await h.run('stream-1'))!.stepRecords[0]).toMatchObject({ stream: true, status: 'ok', cacheWriteTokens: 300, completionTokens: 12 });
  });

  it("serves Claude Code's /v1/messages?beta=true, sending no query string upstream", async () => {
    const res = await h.send('POST', '/v1/messages?beta=true', body('hi'), apiKey);
    expect(res?.status).toBe(200);
    expect(h.calls.at(-1)!.path).toBe('/v1/messages');
  });

  it('counts steps of a run named by header or body field, which never goes upstream', async () => {
    await h.send('POST', '/v1/messages', body('one', { agentwall_run_id: 'steps-1' }), apiKey);
    const two = await h.send('POST', '/v1/messages', body('two'), { ...apiKey, 'x-agentwall-run-id': 'steps-1' });
    expect(two?.json['agentwall']).toMatchObject({ run_id: 'steps-1', step: 2, run_steps: 2 });
    expect(h.calls.at(-1)!.headers['x-agentwall-run-id']).toBeUndefined();
    expect(h.calls.at(-2)!.body).not.toHaveProperty('agentwall_run_id');
  });

  it('refuses a body without max_tokens with 422 in Anthropic’s shape, before forwarding', async () => {
    const before = h.calls.length;
    const res = await h.send('POST', '/v1/messages', { model: MODEL, messages: [{ role: 'user', content: 'hi' }] }, apiKey);
    expect(res?.status).toBe(422);
    expect(errorOf(res)).toMatchObject({ type: 'invalid_request_error', code: 'validation_error', detail: [expect.objectContaining({ loc: ['body', 'max_tokens'] })] });
    expect(h.calls.length).toBe(before);
  });

  it('masks secrets in system, text blocks, tool_result content and tool_use inputs before they leave', async () => {
    const res = await h.send(
      'POST',
      '/v1/messages',
      {
        model: MODEL,
        max_tokens: 100,
        system: [{ type: 'text', text: `deploy key ${SECRET}` }],
        messages: [
          { role: 'user', content: 'deploy' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'bash', input: { command: `echo ${SECRET}` } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: SECRET }] },
        ],
      },
      apiKey,
    );
    expect(res?.json['agentwall']).toMatchObject({ dlp: { openai_key: 3 } });
    const sent = JSON.stringify(h.calls.at(-1)!.body);
    expect(sent).not.toContain(SECRET);
    expect(sent).toContain('echo [REDACTED:openai_key]');
  });

  it('answers a route no upstream speaks with 404, counting nothing', async () => {
    const openaiOnly = harness({ upstreams: undefined, upstream: { url: `${UPSTREAM_ORIGIN}/v1`, apiKey: UPSTREAM_KEY } });
    try {
      for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
        const res = await openaiOnly.send('POST', path, body('hi', { agentwall_run_id: 'nowhere' }), apiKey);
        expect(res?.status).toBe(404);
        expect(errorOf(res)).toMatchObject({ type: 'not_found_error', code: 'not_found', path, message: expect.stringContaining("kind 'anthropic'") });
      }
      expect(openaiOnly.calls).toHaveLength(0);
      expect(await openaiOnly.run('nowhere')).toBeUndefined();
      expect((await openaiOnly.send('POST', '/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, bearer))?.status).toBe(200);
    } finally {
      await openaiOnly.close();
    }
  });

  it('answers another method with 405 in Anthropic’s shape', async () => {
    const res = await h.send('GET', '/v1/messages', undefined, apiKey);
    expect(res?.status).toBe(405);
    expect(res?.headers['allow']).toBe('POST');
    expect(res?.json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', code: 'method_not_allowed' } });
  });

  it('relays the upstream’s own errors unchanged and charges nothing', async () => {
    const failing = harness({}, () => ({ status: 529, json: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } }));
    try {
      const res = await failing.send('POST', '/v1/messages', body('hi', { agentwall_run_id: 'overloaded' }), apiKey);
      expect(res?.status).toBe(529);
      expect(res?.json).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
      expect(await failing.run('overloaded')).toMatchObject({ costMicros: 0, reservedMicros: 0, steps: 1 });
    } finally {
      await failing.close();
    }
  });
});

describe('anthropic-messages run guards in memory', () => {
  it('refuses a run at its step limit with 429, x-should-retry false, in Anthropic’s shape', async () => {
    const h = harness({ keys: [{ key: KEY, name: 'mem', maxSteps: 2 }] });
    try {
      for (const text of ['a', 'b']) expect((await h.send('POST', '/v1/messages', body(text, { agentwall_run_id: 'limited' }), apiKey))?.status).toBe(200);
      const res = await h.send('POST', '/v1/messages', body('c', { agentwall_run_id: 'limited' }), apiKey);
      expect(res?.status).toBe(429);
      expect(res?.headers['x-should-retry']).toBe('false');
      expect(res?.json).toEqual({ type: 'error', error: expect.objectContaining({ type: 'rate_limit_error', code: 'step_limit_exceeded', run_id: 'limited', limit: 2, details: { error_code: 'step_limit_exceeded' } }) });
    } finally {
      await h.close();
    }
  });

  it('refuses a killed run with 403 permission_error', async () => {
    const h = harness();
    try {
      await h.send('POST', '/v1/messages', body('start', { agentwall_run_id: 'doomed' }), apiKey);
      expect((await h.send('POST', '/agentwall/runs/doomed/kill', {}, { authorization: `Bearer ${KEY}` }))?.status).toBe(200);
      const res = await h.send('POST', '/v1/messages', body('go on', { agentwall_run_id: 'doomed' }), apiKey);
      expect(res?.status).toBe(403);
      expect(res?.headers['x-should-retry']).toBe('false');
      expect(errorOf(res)).toMatchObject({ type: 'permission_error', code: 'run_killed', run_id: 'doomed' });
    } finally {
      await h.close();
    }
  });

  it('masks answers when asked (dlp.responses), JSON and streamed', async () => {
    const leaky = `the key is ${SECRET} indeed`;
    const h = harness({ dlp: { responses: true } }, (call) => ((call.body as Json)['stream'] ? { text: streamOf(leaky) } : { json: answer(leaky) }));
    try {
      const json = await h.send('POST', '/v1/messages', body('hi'), apiKey);
      expect(json?.json['content']).toEqual([{ type: 'text', text: 'the key is [REDACTED:openai_key] indeed' }]);
      expect(json?.json['agentwall']).toMatchObject({ dlp_response: { openai_key: 1 } });
      const streamed = await h.send('POST', '/v1/messages', body('hi', { stream: true }), apiKey);
      expect(streamed!.text).not.toContain(SECRET);
      const text = streamed!.text
        .split('\n\n')
        .filter((e) => e.startsWith('event: content_block_delta'))
        .map((e) => (JSON.parse(e.split('\n')[1]!.slice('data: '.length)) as Json)['delta']['text'] as string)
        .join('');
      expect(text).toBe('the key is [REDACTED:openai_key] indeed');
      expect(streamed!.text).toMatch(/: agentwall \{[^\n]*"dlp_response":\{"openai_key":1\}/);
    } finally {
      await h.close();
    }
  });

  it('refuses a DLP kind in block mode with 400 before forwarding', async () => {
    const h = harness({ dlp: { kinds: { openai_key: 'block' } } });
    try {
      const res = await h.send('POST', '/v1/messages', body([{ type: 'tool_result', tool_use_id: 't', content: SECRET }]), apiKey);
      expect(res?.status).toBe(400);
      expect(errorOf(res)).toMatchObject({ type: 'invalid_request_error', code: 'dlp_blocked', kinds: ['openai_key'] });
      expect(res?.text).not.toContain(SECRET);
      expect(h.calls).toHaveLength(0);
    } finally {
      await h.close();
    }
  });

  it('blocks a session stuck on one tool call with one result at the same repetition as chat completions', async () => {
    const h = harness({}, () => ({ json: answer('ok') }));
    const chatH = inMemory({ keys: [{ key: KEY, name: 'mem' }] });
    chatH.upstream('/v1/chat/completions', { json: chatAnswer('ok') });
    try {
      const messages: Json[] = [{ role: 'user', content: 'make the tests pass' }];
      const chat: Json[] = [{ role: 'user', content: 'make the tests pass' }];
      let anthropicBlocked = 0;
      let chatBlocked = 0;
      for (let step = 1; step <= 8 && (anthropicBlocked === 0 || chatBlocked === 0); step++) {
        if (anthropicBlocked === 0) {
          const res = await h.send('POST', '/v1/messages', { model: MODEL, max_tokens: 100, system: 'You are a coding agent.', tools: [{ name: 'Bash', input_schema: { type: 'object' } }], messages }, { ...apiKey, 'x-agentwall-run-id': 'stuck' });
          if (res?.status === 429) {
            anthropicBlocked = step;
            expect(res.headers['x-should-retry']).toBe('false');
            expect(errorOf(res)).toMatchObject({ type: 'rate_limit_error', code: 'loop_detected', loop_type: 'tool_call_repeat', details: { error_code: 'loop_detected' } });
          }
        }
        if (chatBlocked === 0) {
          const res = await chatH.send('POST', '/v1/chat/completions', { model: MODEL, messages: [{ role: 'system', content: 'You are a coding agent.' }, ...chat] }, { authorization: `Bearer ${KEY}`, 'x-agentwall-run-id': 'stuck' });
          if (res?.status === 429) chatBlocked = step;
        }
        messages.push({ role: 'assistant', content: [{ type: 'text', text: `Attempt ${step}.` }, { type: 'tool_use', id: `toolu_${step}`, name: 'Bash', input: { command: 'npm test' } }] });
        messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${step}`, content: '1 failing: expected 2, got 3' }] });
        chat.push({ role: 'assistant', content: `Attempt ${step}.`, tool_calls: [{ id: `call_${step}`, type: 'function', function: { name: 'Bash', arguments: '{"command":"npm test"}' } }] });
        chat.push({ role: 'tool', tool_call_id: `call_${step}`, content: '1 failing: expected 2, got 3' });
      }
      expect(anthropicBlocked).toBeGreaterThan(2);
      expect(anthropicBlocked).toBe(chatBlocked);
      // A growing session whose tool results change is never blocked.
      const healthy: Json[] = [{ role: 'user', content: 'make the tests pass' }];
      for (let step = 1; step <= 6; step++) {
        const res = await h.send('POST', '/v1/messages', { model: MODEL, max_tokens: 100, messages: healthy }, { ...apiKey, 'x-agentwall-run-id': 'healthy' });
        expect(res?.status).toBe(200);
        healthy.push({ role: 'assistant', content: [{ type: 'tool_use', id: `toolu_${step}`, name: 'Bash', input: { command: 'npm test' } }] });
        healthy.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${step}`, content: `${6 - step} failing` }] });
      }
    } finally {
      await h.close();
      await chatH.close();
    }
  });
});

describe('anthropic-messages loop detection with Claude Code reminders', () => {
  it("reads a turn's text after its tool_result as part of the observation: stuck, it is blocked at the 3rd repeat, not sooner", async () => {
    const h = harness({}, () => ({ json: answer('ok') }));
    try {
      const messages: Json[] = [{ role: 'user', content: 'make the tests pass' }];
      let blockedAt = 0;
      let repeatedExchanges = 0;
      for (let step = 1; step <= 8 && blockedAt === 0; step++) {
        const res = await h.send('POST', '/v1/messages', { model: MODEL, max_tokens: 100, messages }, { ...apiKey, 'x-agentwall-run-id': 'reminded' });
        if (res?.status === 429) {
          blockedAt = step;
          expect(errorOf(res)).toMatchObject({ code: 'loop_detected', loop_type: 'tool_call_repeat' });
        }
        messages.push({ role: 'assistant', content: [{ type: 'tool_use', id: `toolu_${step}`, name: 'Bash', input: { command: 'npm test' } }] });
        messages.push({
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: `toolu_${step}`, content: '1 failing' },
            { type: 'text', text: '<system-reminder>The TodoWrite tool has not been used recently.</system-reminder>' },
          ],
        });
        repeatedExchanges = step;
      }
      // Requests 2, 3 and 4 each end with the same exchange: the 4th is its 3rd repeat in a row.
      expect(blockedAt).toBe(4);
      expect(repeatedExchanges).toBe(4);
    } finally {
      await h.close();
    }
  });
});

describe('anthropic-messages budgets in memory', () => {
  it('reserves max_tokens at the output price: a request that could pass the run budget is refused before forwarding', async () => {
    const h = harness({ prices: { [MODEL]: { inputPerMTok: 0, outputPerMTok: 1_000_000 } }, maxRunCostUsd: 100 });
    try {
      const refused = await h.send('POST', '/v1/messages', body('hi', { max_tokens: 101, agentwall_run_id: 'budget' }), apiKey);
      expect(refused?.status).toBe(429);
      expect(refused?.headers['x-should-retry']).toBe('false');
      expect(errorOf(refused)).toMatchObject({ type: 'rate_limit_error', code: 'budget_exceeded', scope: 'run', limit_usd: 100 });
      expect(h.calls).toHaveLength(0);
      const ok = await h.send('POST', '/v1/messages', body('hi', { max_tokens: 100, agentwall_run_id: 'budget' }), apiKey);
      expect(ok?.status).toBe(200);
      // Settled from usage: 12 output tokens at $1.
      expect(await h.run('budget')).toMatchObject({ costMicros: 12_000_000, reservedMicros: 0 });
    } finally {
      await h.close();
    }
  });

  it('reserves input at the cache-write price on Messages, where writes are billed, and not on chat', async () => {
    const prices = { [MODEL]: { inputPerMTok: 0, outputPerMTok: 0, cacheWritePerMTok: 0, cacheWrite1hPerMTok: 1_000_000 } };
    const h = harness({ prices, maxRunCostUsd: 5 });
    try {
      const text = 'x'.repeat(100);
      const messages = await h.send('POST', '/v1/messages', body(text, { agentwall_run_id: 'writes' }), apiKey);
      expect(errorOf(messages)).toMatchObject({ code: 'budget_exceeded', scope: 'run' });
      const chat = await h.send('POST', '/v1/chat/completions', { model: MODEL, messages: [{ role: 'user', content: text }] }, bearer);
      expect(chat?.status).toBe(200);
    } finally {
      await h.close();
    }
  });

  it('charges a stream cut before message_delta its real input and its estimated output, marked estimated', async () => {
    const h = harness({}, () => ({ text: streamOf('one two three four five six', usage, { end: false }) }));
    try {
      const res = await h.send('POST', '/v1/messages', body('hi', { stream: true, agentwall_run_id: 'cut' }), apiKey);
      expect(res!.text).toContain('event: error\ndata: ');
      expect(res!.text).toMatch(/"code":"upstream_unavailable"/);
      const step = (await h.run('cut'))!.stepRecords[0]!;
      expect(step).toMatchObject({ status: 'error', estimated: true, promptTokens: 2340, cachedTokens: 2000, cacheWriteTokens: 300 });
      // 'one two three four five six' came as six deltas: 1 + 1 + 2 + 2 + 2 + 1 estimated tokens.
      expect(step.completionTokens).toBe(9);
      expect(step.costMicros).toBe(packageMicros(MODEL, { ...usage, output_tokens: 9 }));
      expect((await h.run('cut'))!.reservedMicros).toBe(0);
    } finally {
      await h.close();
    }
  });
});

describe('POST /v1/messages/count_tokens in memory', () => {
  it('is authenticated and forwarded with the provider key, not a step and not charged', async () => {
    const h = harness();
    try {
      expect((await h.send('POST', '/v1/messages/count_tokens', { model: MODEL, messages: [{ role: 'user', content: 'hi' }] }))?.status).toBe(401);
      const res = await h.send('POST', '/v1/messages/count_tokens', { model: MODEL, system: `sys ${SECRET}`, messages: [{ role: 'user', content: 'hi' }], agentwall_run_id: 'counting' }, { ...apiKey, 'anthropic-beta': 'token-counting-2024-11-01' });
      expect(res?.status).toBe(200);
      expect(res?.json).toEqual({ input_tokens: 17 });
      const seen = h.calls.at(-1)!;
      expect(seen.path).toBe('/v1/messages/count_tokens');
      expect(seen.headers['x-api-key']).toBe(ANTHROPIC_KEY);
      expect(seen.headers['anthropic-beta']).toBe('token-counting-2024-11-01');
      expect(seen.body).toEqual({ model: MODEL, system: 'sys [REDACTED:openai_key]', messages: [{ role: 'user', content: 'hi' }] });
      expect(await h.run('counting')).toBeUndefined();
      const usageRes = await h.send('GET', '/agentwall/usage', undefined, { authorization: `Bearer ${KEY}` });
      expect(usageRes?.json).toMatchObject({ daily: { spent_usd: 0, reserved_usd: 0 } });
    } finally {
      await h.close();
    }
  });

  it('validates, applies the model allow-list, and answers in Anthropic’s shape', async () => {
    const h = harness({ keys: [{ key: KEY, name: 'mem', models: ['claude-haiku-*'] }] });
    try {
      const invalid = await h.send('POST', '/v1/messages/count_tokens', { model: MODEL }, apiKey);
      expect(invalid?.status).toBe(422);
      expect(errorOf(invalid)).toMatchObject({ type: 'invalid_request_error', code: 'validation_error' });
      const denied = await h.send('POST', '/v1/messages/count_tokens', { model: MODEL, messages: [{ role: 'user', content: 'hi' }] }, apiKey);
      expect(denied?.status).toBe(403);
      expect(errorOf(denied)).toMatchObject({ type: 'permission_error', code: 'model_not_allowed' });
      expect(h.calls).toHaveLength(0);
    } finally {
      await h.close();
    }
  });
});
