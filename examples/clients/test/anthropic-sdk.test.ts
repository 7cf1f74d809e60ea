// The official Anthropic SDK against the Express and Koa example servers: Messages JSON and streamed, tools, caching, errors.
import Anthropic, { APIError, AuthenticationError, RateLimitError } from '@anthropic-ai/sdk';
import type { MessageParam, Tool } from '@anthropic-ai/sdk/resources/messages';
import { calcPrice } from '@pydantic/genai-prices';
import { randomUUID } from 'node:crypto';
import { getRun, type Json } from './agentwall-http.js';
import { startServer, type Framework, type ServerProcess } from './server-process.js';
import { countingFetch } from './counting-fetch.js';

const KEY = 'aw-anthropic-sdk-key';
const MODEL = 'claude-sonnet-4-5';

const weather: Tool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};


/** A fetch that sends the key as `x-api-key`, as ANTHROPIC_API_KEY clients (older SDKs, Claude Code) do. */
const xApiKeyFetch: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  const auth = headers.get('authorization');
  headers.delete('authorization');
  if (auth) headers.set('x-api-key', auth.replace(/^Bearer /, ''));
  return fetch(input, { ...init, headers });
};

/** What the price package itself charges for an Anthropic usage, in whole micro-dollars (rounded up once). */
function packageMicros(model: string, usage: Anthropic.Usage): number {
  const writes = usage.cache_creation_input_tokens ?? 0;
  const reads = usage.cache_read_input_tokens ?? 0;
  const price = calcPrice(
    {
      input_tokens: usage.input_tokens + writes + reads,
      cache_write_tokens: writes,
      cache_write_1h_tokens: usage.cache_creation?.ephemeral_1h_input_tokens ?? 0,
      cache_write_5m_tokens: usage.cache_creation?.ephemeral_5m_input_tokens ?? 0,
      cache_read_tokens: reads,
      output_tokens: usage.output_tokens,
    },
    model,
  );
  return Math.ceil(Math.round(price!.total_price * 1e12) / 1e6);
}

const metadataOf = (message: unknown): Json => (message as { agentwall: Json }).agentwall;

describe.each<Framework>(['express', 'koa'])('Anthropic SDK against the %s example server', (framework) => {
  let server: ServerProcess;
  let client: Anthropic;

  beforeAll(async () => {
    server = await startServer(framework, { apiKeys: [KEY] });
    // The Anthropic base URL is the mount point, without /v1.
    client = new Anthropic({ apiKey: KEY, baseURL: server.origin, maxRetries: 0 });
  }, 40_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('answers messages.create with the agentwall metadata beside the Message', async () => {
    const message = await client.messages.create({ model: MODEL, max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: 'What is 2+2?' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'Mock answer to: What is 2+2?' }]);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(metadataOf(message)).toMatchObject({ step: 1, run_steps: 1, loop_detected: false });
    expect(metadataOf(message)['cost_usd']).toBe(packageMicros(MODEL, message.usage) / 1e6);
  });

  it('streams with messages.stream: the parser takes the ": agentwall" comment, finalMessage equals the JSON answer', async () => {
    const params = { model: MODEL, max_tokens: 100, messages: [{ role: 'user' as const, content: 'Write a poem' }] };
    const stream = client.messages.stream(params);
    const texts: string[] = [];
    stream.on('text', (text) => texts.push(text));
    const final = await stream.finalMessage();
    const json = await client.messages.create(params);
    const { id: _streamed, ...streamed } = final;
    const { id: _answered, agentwall: _meta, ...answered } = json as typeof json & { agentwall?: unknown };
    expect(streamed).toMatchObject(answered);
    expect(texts.length).toBeGreaterThan(1);
    expect(texts.join('')).toBe((json.content[0] as { text: string }).text);

    // The comment really is in what the SDK parsed, just before message_stop.
    const raw = await fetch(`${server.origin}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ ...params, stream: true }),
    });
    const events = (await raw.text()).split('\n\n').filter(Boolean);
    expect(events.at(-2)).toMatch(/^: agentwall \{"run_id":/);
    expect(events.at(-1)).toBe('event: message_stop\ndata: {"type":"message_stop"}');
  });

  it('holds a three-turn tool-use conversation in one run named by a header', async () => {
    const runId = `sdk-tools-${randomUUID()}`;
    const tools = new Anthropic({ apiKey: KEY, baseURL: server.origin, maxRetries: 0, defaultHeaders: { 'X-AgentWall-Run-ID': runId } });
    const messages: MessageParam[] = [{ role: 'user', content: 'Weather in Rome?' }];
    const first = await tools.messages.create({ model: MODEL, max_tokens: 200, tools: [weather], messages });
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((b) => b.type === 'tool_use')!;
    expect(call).toMatchObject({ name: 'get_weather', input: { city: 'mock' } });

    messages.push({ role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '24C, clear' }] });
    const second = await tools.messages.create({ model: MODEL, max_tokens: 200, tools: [weather], messages });
    expect(second.content).toEqual([{ type: 'text', text: 'Mock answer from the tool result: 24C, clear' }]);

    messages.push({ role: 'assistant', content: second.content }, { role: 'user', content: 'And in Oslo?' });
    const third = await tools.messages.stream({ model: MODEL, max_tokens: 200, tools: [weather], messages }).finalMessage();
    expect(third.stop_reason).toBe('tool_use');

    const run = await getRun(server, KEY, runId);
    expect(run.json).toMatchObject({ run_id: runId, steps: 3, blocked_attempts: 0 });
    expect(run.json['step_details'].map((s: Json) => s['stream'])).toEqual([false, false, true]);
  });

  it('prices prompt caching as the price package does: 1-hour and 5-minute writes, then reads', async () => {
    const runId = `sdk-cache-${randomUUID()}`;
    const cached = new Anthropic({ apiKey: KEY, baseURL: server.origin, maxRetries: 0, defaultHeaders: { 'X-AgentWall-Run-ID': runId } });
    const params = {
      model: MODEL,
      max_tokens: 100,
      system: [
        { type: 'text' as const, text: `${runId}: you are a careful coding agent. `.repeat(30), cache_control: { type: 'ephemeral' as const, ttl: '1h' as const } },
        { type: 'text' as const, text: 'Project rules: run the tests.', cache_control: { type: 'ephemeral' as const } },
      ],
      messages: [{ role: 'user' as const, content: 'Fix the bug.' }],
    };
    const first = await cached.messages.create(params);
    expect(first.usage.cache_creation?.ephemeral_1h_input_tokens).toBeGreaterThan(0);
    expect(first.usage.cache_creation?.ephemeral_5m_input_tokens).toBeGreaterThan(0);
    const second = await cached.messages.stream({ ...params, messages: [{ role: 'user', content: 'Fix the other bug.' }] }).finalMessage();
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);

    const expected = [packageMicros(MODEL, first.usage), packageMicros(MODEL, second.usage)];
    expect(metadataOf(first)['cost_usd']).toBe(expected[0]! / 1e6);
    const run = await getRun(server, KEY, runId);
    expect(run.json['step_details'].map((s: Json) => s['cost_usd'])).toEqual(expected.map((m) => m / 1e6));
    expect(run.json['step_details'][0]).toMatchObject({ cache_write_tokens: first.usage.cache_creation_input_tokens, cached_tokens: 0, estimated: false });
    expect(run.json['step_details'][1]).toMatchObject({ cache_write_tokens: 0, cached_tokens: second.usage.cache_read_input_tokens });
    expect(run.json['cost_usd']).toBeCloseTo((expected[0]! + expected[1]!) / 1e6, 9);
  });

  it('takes the key as x-api-key too, and raises AuthenticationError for a wrong key either way', async () => {
    const viaHeader = new Anthropic({ apiKey: KEY, baseURL: server.origin, maxRetries: 0, fetch: xApiKeyFetch });
    expect((await viaHeader.messages.create({ model: MODEL, max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] })).type).toBe('message');
    for (const wrong of [
      new Anthropic({ apiKey: 'aw-not-a-valid-key', baseURL: server.origin, maxRetries: 0 }),
      new Anthropic({ apiKey: 'aw-not-a-valid-key', baseURL: server.origin, maxRetries: 0, fetch: xApiKeyFetch }),
    ]) {
      const error = await wrong.messages.create({ model: MODEL, max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as AuthenticationError).status).toBe(401);
      expect((error as AuthenticationError).type).toBe('authentication_error');
      expect((error as AuthenticationError).errorCode).toBe('invalid_api_key');
    }
  });

  it('raises a loop as an APIError naming loop_detected, which the SDK does not retry', async () => {
    const counter = countingFetch();
    const retrying = new Anthropic({ apiKey: KEY, baseURL: server.origin, maxRetries: 2, fetch: counter.fetch });
    const params = { model: MODEL, max_tokens: 50, messages: [{ role: 'user' as const, content: 'Same thing again' }] };
    const options = { headers: { 'X-AgentWall-Run-ID': `sdk-loop-${randomUUID()}` } };
    await retrying.messages.create(params, options);
    const error = await retrying.messages.create(params, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    const limited = error as RateLimitError;
    expect(limited.status).toBe(429);
    expect(limited.errorCode).toBe('loop_detected');
    expect(limited.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', code: 'loop_detected', loop_type: 'exact_repeat', matched_step: 1 } });
    expect(limited.headers?.get('x-should-retry')).toBe('false');
    // 429 is retried by default; only x-should-retry: false keeps this to the two requests sent.
    expect(counter.calls()).toBe(2);
  });

  it('counts tokens through AgentWall without making a step', async () => {
    const runId = `sdk-count-${randomUUID()}`;
    const counted = await client.messages.countTokens({ model: MODEL, messages: [{ role: 'user', content: 'What is 2+2?' }] }, { headers: { 'X-AgentWall-Run-ID': runId } });
    expect(counted).toEqual({ input_tokens: 6 });
    expect((await getRun(server, KEY, runId)).status).toBe(404);
  });

  it('turns an upstream that fails mid-stream into an SSE error event, which the SDK raises as an APIError', async () => {
    const runId = `sdk-drop-${randomUUID()}`;
    // The bundled mock drops its connection after 4 events when asked by this header (AgentWall forwards it).
    const stream = client.messages.stream({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'Write a poem' }] }, { headers: { 'x-mock-drop-after': '4', 'X-AgentWall-Run-ID': runId } });
    const error = await stream.finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).error).toMatchObject({ type: 'error', error: { type: 'api_error', code: 'upstream_unavailable' } });
    const run = await getRun(server, KEY, runId);
    expect(run.json['step_details'][0]).toMatchObject({ status: 'error', estimated: true });
    expect(run.json['reserved_usd']).toBe(0);
  });
});
