// Anthropic's Messages API served by the mock, driven by `@anthropic-ai/sdk` at the mock's origin (no /v1).
import Anthropic, { AuthenticationError, BadRequestError } from '@anthropic-ai/sdk';
import type { MessageParam, Tool } from '@anthropic-ai/sdk/resources/messages';
import { startMockLlm, type MockLlm } from '../src/index.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const weather: Tool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1, maximum: 3 } }, required: ['city', 'days'] },
};

describe('Messages API through @anthropic-ai/sdk', () => {
  let mock: MockLlm;
  let client: Anthropic;

  beforeAll(async () => {
    mock = await startMockLlm({ apiKey: 'sk-ant-mock' });
    client = new Anthropic({ baseURL: mock.origin, apiKey: 'sk-ant-mock', maxRetries: 0 });
  });
  afterEach(() => mock.reset());
  afterAll(() => mock.close());

  it('exposes the origin without /v1 beside the OpenAI url', () => {
    expect(mock.origin).toBe(`http://127.0.0.1:${mock.port}`);
    expect(mock.url).toBe(`${mock.origin}/v1`);
  });

  it('answers messages.create as JSON with usage, system as a string or blocks', async () => {
    const message = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'What is 2+2?' }],
    });
    expect(message).toEqual({
      id: expect.stringMatching(/^msg_/),
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'Mock answer to: What is 2+2?' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      // 'Be brief.' 3 tokens, 'What is 2+2?' 3 tokens plus 3 for the message; 28 answer chars / 4.
      usage: {
        input_tokens: 9,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
        output_tokens: 7,
        service_tier: 'standard',
      },
    });
    const recorded = mock.requests[0]!;
    expect(recorded).toMatchObject({ method: 'POST', path: '/v1/messages', aborted: false });
    // This SDK line sends its apiKey as a Bearer token; Claude Code and older SDKs send x-api-key (tested below).
    expect(recorded.headers).toMatchObject({ authorization: 'Bearer sk-ant-mock', 'anthropic-version': expect.any(String) });

    const blocks = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is 2+2?' }] }],
    });
    expect(blocks.usage.input_tokens).toBe(9);
  });

  it('streams with messages.stream; finalMessage equals the JSON answer', async () => {
    const params = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user' as const, content: 'Write a poem' }] };
    const stream = client.messages.stream(params);
    const texts: string[] = [];
    stream.on('text', (text) => texts.push(text));
    const final = await stream.finalMessage();
    const json = await client.messages.create(params);
    const { id: _streamedId, ...streamed } = final;
    const { id: _jsonId, ...answered } = json;
    expect(streamed).toMatchObject(answered);
    expect(texts.join('')).toBe((json.content[0] as { text: string }).text);
    expect(texts.length).toBeGreaterThan(1);
  });

  it('sends the event sequence Anthropic sends, with cumulative usage in message_delta', async () => {
    const res = await fetch(`${mock.origin}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'sk-ant-mock', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 50, stream: true, tools: [weather], messages: [{ role: 'user', content: 'weather?' }] }),
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    const events = (await res.text())
      .split('\n\n')
      .filter((b) => b !== '')
      .map((block) => {
        const [eventLine, dataLine] = block.split('\n');
        const data = JSON.parse(dataLine!.slice('data: '.length)) as Json;
        expect(eventLine).toBe(`event: ${data.type}`);
        return data;
      });
    const types = events.map((e) => (e.type === 'content_block_delta' ? `delta:${e.delta.type}:${e.index}` : e.type));
    expect(types[0]).toBe('message_start');
    expect(types.slice(1, 3)).toEqual(['content_block_start', 'ping']);
    expect(types).toContain('delta:text_delta:0');
    expect(types).toContain('delta:input_json_delta:1');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
    const start = events[0]!.message;
    const delta = events.at(-2)!;
    expect(start.usage).toMatchObject({ output_tokens: 1, input_tokens: delta.usage.input_tokens });
    expect(delta).toMatchObject({ delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } });
    const json = events.filter((e) => e.delta?.type === 'input_json_delta').map((e) => e.delta.partial_json as string);
    expect(json[0]).toBe('');
    expect(JSON.parse(json.join(''))).toEqual({ city: 'mock', days: 1 });
  });

  it('holds a three-turn tool-use conversation: tool_use, words after the tool_result, tool_use again', async () => {
    const messages: MessageParam[] = [{ role: 'user', content: 'Weather in Rome?' }];
    const first = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 200, tools: [weather], messages });
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content).toEqual([
      { type: 'text', text: "I'll use the get_weather tool." },
      { type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'get_weather', input: { city: 'mock', days: 1 } },
    ]);
    const toolUse = first.content[1] as { id: string };

    messages.push({ role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '24C, clear' }] });
    const second = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 200, tools: [weather], messages });
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content).toEqual([{ type: 'text', text: 'Mock answer from the tool result: 24C, clear' }]);

    messages.push({ role: 'assistant', content: second.content }, { role: 'user', content: 'And tomorrow?' });
    const stream = client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 200, tools: [weather], messages });
    const third = await stream.finalMessage();
    expect(third.stop_reason).toBe('tool_use');
    expect(third.content[1]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'mock', days: 1 } });
    expect(third.usage.input_tokens).toBeGreaterThan(second.usage.input_tokens);
  });

  it("takes the beta API's role: system messages between turns, and never calls a deferred tool, as Claude Code 2.1 sends them", async () => {
    const system = { role: 'system' as const, content: [{ type: 'text' as const, text: '# Environment\n - Platform: linux' }] };
    // Claude Code offers this placeholder first; a model does not see it until a tool search loads it.
    const placeholder = { name: 'DeferredToolPlaceholder', description: 'never call this tool', input_schema: { type: 'object' as const, properties: {} }, defer_loading: true };
    const first = await client.beta.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 200, tools: [placeholder, weather], messages: [{ role: 'user', content: 'Weather in Rome?' }, system] });
    expect(first.content[1]).toMatchObject({ type: 'tool_use', name: 'get_weather' });
    const toolUse = first.content[1] as { id: string };
    // The tool exchange pairs across the system message, and a trailing one does not hide the result.
    const second = await client.beta.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 200,
      tools: [weather],
      messages: [
        { role: 'user', content: 'Weather in Rome?' },
        system,
        { role: 'assistant', content: first.content as never },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '24C, clear' }] },
        { role: 'system', output_config: { effort: 'low' } },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'Mock answer from the tool result: 24C, clear' }]);
  });

  it('forced tool choice gives the tool_use alone; a tool_result without its tool_use is refused', async () => {
    const forced = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      tools: [weather],
      tool_choice: { type: 'tool', name: 'get_weather' },
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(forced.content.map((b) => b.type)).toEqual(['tool_use']);

    const error = await client.messages
      .create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'r' }] }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('toolu_x') } });
  });

  it('reports cache writes then reads for cache_control prefixes, split by TTL', async () => {
    const longSystem = 'You are a careful coding agent. '.repeat(40);
    const params = {
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      system: [
        { type: 'text' as const, text: longSystem, cache_control: { type: 'ephemeral' as const, ttl: '1h' as const } },
        { type: 'text' as const, text: 'Project rules: run the tests.', cache_control: { type: 'ephemeral' as const } },
      ],
      messages: [{ role: 'user' as const, content: 'Fix the bug.' }],
    };
    const first = await client.messages.create(params);
    // 1280 chars = 320 tokens at the 1h breakpoint, then 29 chars = 8 tokens at the 5m one; 'Fix the bug.' 3 + 3.
    expect(first.usage).toMatchObject({
      input_tokens: 6,
      cache_creation_input_tokens: 328,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_1h_input_tokens: 320, ephemeral_5m_input_tokens: 8 },
    });
    const second = await client.messages.stream(params).finalMessage();
    expect(second.usage).toMatchObject({
      input_tokens: 6,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 328,
      cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
    });
    // Changing the second system block keeps the first breakpoint's prefix: read 320, write 8 anew.
    const changed = await client.messages.create({ ...params, system: [params.system[0]!, { ...params.system[1]!, text: 'Project rules: lint.' }] });
    expect(changed.usage).toMatchObject({ cache_read_input_tokens: 320, cache_creation_input_tokens: 5 });
    // The cache is per model, and counted tokens never depend on it.
    const other = await client.messages.create({ ...params, model: 'claude-haiku-4-5' });
    expect(other.usage.cache_creation_input_tokens).toBe(328);
    const counted = await client.messages.countTokens({ model: 'claude-sonnet-4-5', system: params.system, messages: params.messages });
    expect(counted).toEqual({ input_tokens: 334 });
  });

  it('truncates at max_tokens with stop_reason max_tokens', async () => {
    const message = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 2, messages: [{ role: 'user', content: 'What is 2+2?' }] });
    expect(message).toMatchObject({ stop_reason: 'max_tokens', content: [{ type: 'text', text: 'Mock ans' }], usage: { output_tokens: 2 } });
  });

  it('counts tokens with count_tokens', async () => {
    expect(await client.messages.countTokens({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'What is 2+2?' }] })).toEqual({ input_tokens: 6 });
  });

  it('refuses a wrong key with AuthenticationError, a missing version or max_tokens with 400, in Anthropic shape', async () => {
    const wrong = new Anthropic({ baseURL: mock.origin, apiKey: 'sk-ant-wrong', maxRetries: 0 });
    const error = await wrong.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).error).toEqual({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });

    const bearer = new Anthropic({ baseURL: mock.origin, apiKey: null, authToken: 'sk-ant-mock', maxRetries: 0 });
    expect((await bearer.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })).type).toBe('message');

    const post = (headers: Record<string, string>, body: unknown): Promise<Response> =>
      fetch(`${mock.origin}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'sk-ant-mock', ...headers }, body: JSON.stringify(body) });
    const viaHeader = await post({ 'anthropic-version': '2023-06-01' }, { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(viaHeader.status).toBe(200);
    expect((await post({ 'anthropic-version': '2023-06-01', 'x-api-key': 'nope' }, {})).status).toBe(401);
    const noVersion = await post({}, { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [] });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' } });
    const noMax = await post({ 'anthropic-version': '2023-06-01' }, { model: 'claude-sonnet-4-5', messages: [] });
    expect(((await noMax.json()) as Json).error).toEqual({ type: 'invalid_request_error', message: 'max_tokens: Field required' });
  });

  it('answers injected failures in Anthropic shape', async () => {
    mock.fail({ kind: 'status', status: 529 });
    const error = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 529, error: { type: 'error', error: { type: 'overloaded_error' } } });
  });

  it("serves Anthropic's model routes to clients sending anthropic-version", async () => {
    expect(await client.models.retrieve('claude-opus-4-1')).toMatchObject({ type: 'model', id: 'claude-opus-4-1' });
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['claude-sonnet-4-5', 'claude-haiku-4-5']);
  });
});
