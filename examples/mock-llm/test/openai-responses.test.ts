// The Responses API served by the mock, driven by the `openai` package: JSON, streams, function tools and chains.
import OpenAI, { NotFoundError } from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { MOCK_REASONING_TOKENS, startMockLlm, type MockLlm } from '../src/index.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Current weather for a city',
  strict: true,
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['city', 'unit'],
    additionalProperties: false,
  },
};

describe('Responses API through the openai SDK', () => {
  let mock: MockLlm;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockLlm();
    client = new OpenAI({ baseURL: mock.url, apiKey: 'sk-mock', maxRetries: 0 });
  });
  afterEach(() => mock.reset());
  afterAll(() => mock.close());

  it('answers a string input as JSON with instructions echoed and usage counted', async () => {
    const response = await client.responses.create({ model: 'gpt-4o-mini', instructions: 'Be brief.', input: 'What is 2+2?' });
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('Mock answer to: What is 2+2?');
    expect(response.instructions).toBe('Be brief.');
    expect(response.output).toEqual([
      {
        id: expect.stringMatching(/^msg_/),
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Mock answer to: What is 2+2?' }],
      },
    ]);
    // ceil((9 instruction + 12 input chars) / 4) = 6, plus 3 for the one item; 28 answer chars / 4 = 7.
    expect(response.usage).toEqual({
      input_tokens: 9,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 7,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 16,
    });
    expect(mock.requests[0]).toMatchObject({ method: 'POST', path: '/v1/responses', body: { input: 'What is 2+2?' }, aborted: false });
  });

  it('streams the full event sequence with sequence numbers and named events', async () => {
    const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'What is 2+2?', stream: true });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...Array(6).fill('response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const deltas = events.filter((e) => e.type === 'response.output_text.delta').map((e) => (e as { delta: string }).delta);
    expect(deltas.join('')).toBe('Mock answer to: What is 2+2?');
    const created = events[0] as Json;
    expect(created.response).toMatchObject({ status: 'in_progress', output: [], usage: null });
    const completed = events.at(-1) as Json;
    expect(completed.response.usage.output_tokens).toBe(7);

    const raw = await (await fetch(`${mock.url}/responses`, { method: 'POST', body: JSON.stringify({ model: 'm', input: 'hi', stream: true }) })).text();
    const blocks = raw.split('\n\n').filter((b) => b !== '');
    for (const block of blocks) {
      const [eventLine, dataLine] = block.split('\n');
      expect(eventLine).toBe(`event: ${(JSON.parse(dataLine!.slice('data: '.length)) as Json).type}`);
    }
    expect(raw).not.toContain('[DONE]');
  });

  it('client.responses.stream accumulates the final response', async () => {
    const stream = client.responses.stream({ model: 'gpt-4o-mini', input: 'Write a poem' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe(deltas.join(''));
    expect(final.output_text.split('\n')).toHaveLength(4);
    expect(final.usage?.output_tokens).toBeGreaterThan(0);
  });

  it('calls a function tool with schema-fitting arguments, then answers in words after its output', async () => {
    const input: Json[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
    const first = await client.responses.create({ model: 'gpt-4o-mini', input: input as never, tools: [weatherTool] });
    const call = first.output[0] as Json;
    expect(call).toEqual({
      id: expect.stringMatching(/^fc_/),
      type: 'function_call',
      status: 'completed',
      call_id: expect.stringMatching(/^call_/),
      name: 'get_weather',
      arguments: '{"city":"mock","unit":"celsius"}',
    });
    expect(first.output_text).toBe('');

    input.push(call, { type: 'function_call_output', call_id: call.call_id, output: '18C and sunny' });
    const second = await client.responses.create({ model: 'gpt-4o-mini', input: input as never, tools: [weatherTool] });
    expect(second.output_text).toBe('Mock answer from the tool result: 18C and sunny');
  });

  it('streams a function call as argument deltas', async () => {
    const stream = client.responses.stream({ model: 'gpt-4o-mini', input: 'weather?', tools: [weatherTool] });
    const pieces: string[] = [];
    stream.on('response.function_call_arguments.delta', (event) => pieces.push(event.delta));
    const done: Json[] = [];
    stream.on('response.function_call_arguments.done', (event) => done.push(event));
    const final = await stream.finalResponse();
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe('{"city":"mock","unit":"celsius"}');
    expect(done[0]).toMatchObject({ name: 'get_weather', arguments: '{"city":"mock","unit":"celsius"}' });
    expect(final.output[0]).toMatchObject({ type: 'function_call', arguments: '{"city":"mock","unit":"celsius"}' });
  });

  it('continues a chain with previous_response_id, counting the parent context as input', async () => {
    const first = await client.responses.create({ model: 'gpt-4o-mini', input: 'weather in Oslo?', tools: [weatherTool] });
    const call = first.output[0] as Json;
    const second = await client.responses.create({
      model: 'gpt-4o-mini',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: 'minus 3, snow' }],
      tools: [weatherTool],
    });
    expect(second.previous_response_id).toBe(first.id);
    expect(second.output_text).toBe('Mock answer from the tool result: minus 3, snow');
    // The parent's input items and visible output are billed again as context.
    const alone = await client.responses.create({
      model: 'gpt-4o-mini',
      input: [call as never, { type: 'function_call_output', call_id: call.call_id, output: 'minus 3, snow' }],
      tools: [weatherTool],
    });
    expect(second.usage!.input_tokens).toBeGreaterThan(alone.usage!.input_tokens);

    // A continuation that does not answer the pending call is refused as the real API refuses it.
    await expect(client.responses.create({ model: 'gpt-4o-mini', previous_response_id: first.id, input: 'ignore it' })).rejects.toMatchObject({
      status: 400,
      error: { message: `No tool output found for function call ${String(call.call_id)}.` },
    });
  });

  it('answers 404 in OpenAI error shape for an unknown previous_response_id', async () => {
    const error = await client.responses.create({ model: 'gpt-4o-mini', previous_response_id: 'resp_nope', input: 'hi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).error).toEqual({
      message: "Previous response with id 'resp_nope' not found.",
      type: 'invalid_request_error',
      param: 'previous_response_id',
      code: 'previous_response_not_found',
    });
  });

  it('retrieves, lists input items of, cancels and deletes stored responses', async () => {
    const created = await client.responses.create({ model: 'gpt-4o-mini', input: [{ role: 'user', content: 'one' }, { role: 'user', content: 'two' }] });
    expect(await client.responses.retrieve(created.id)).toMatchObject({ id: created.id, output_text: created.output_text });

    const items = await client.responses.inputItems.list(created.id);
    expect(items.data.map((item) => (item as Json).content[0].text)).toEqual(['two', 'one']);
    const asc = await client.responses.inputItems.list(created.id, { order: 'asc', limit: 1 });
    expect(asc.data.map((item) => (item as Json).content[0])).toEqual([{ type: 'input_text', text: 'one' }]);
    expect(asc.has_more).toBe(true);

    await expect(client.responses.cancel(created.id)).rejects.toMatchObject({ status: 400 });
    const background = await client.responses.create({ model: 'gpt-4o-mini', input: 'later', background: true });
    expect(await client.responses.cancel(background.id)).toMatchObject({ id: background.id, background: true });

    await client.responses.delete(created.id);
    await expect(client.responses.retrieve(created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.responses.inputItems.list(created.id)).rejects.toBeInstanceOf(NotFoundError);

    const unstored = await client.responses.create({ model: 'gpt-4o-mini', input: 'forget me', store: false });
    await expect(client.responses.retrieve(unstored.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('resolves item_reference inputs to stored items and 404s unknown ones', async () => {
    const first = await client.responses.create({ model: 'gpt-4o-mini', input: 'remember this' });
    const messageId = first.output[0]!.id!;
    const second = await client.responses.create({ model: 'gpt-4o-mini', input: [{ type: 'item_reference', id: messageId }, { role: 'user', content: 'and?' }] });
    const items = await client.responses.inputItems.list(second.id, { order: 'asc' });
    expect(items.data[0]).toMatchObject({ id: messageId, type: 'message', role: 'assistant' });
    await expect(client.responses.create({ model: 'gpt-4o-mini', input: [{ type: 'item_reference', id: 'msg_unknown' }] })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reports reasoning tokens and a reasoning item for o-series models, cached tokens for long prompts', async () => {
    const response = await client.responses.create({ model: 'o4-mini', input: 'x'.repeat(6000) });
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    // 6000 chars / 4 + 3 = 1503 input tokens, cached in 128-token steps above 1024.
    expect(response.usage).toMatchObject({
      input_tokens: 1503,
      input_tokens_details: { cached_tokens: 1408 },
      output_tokens_details: { reasoning_tokens: MOCK_REASONING_TOKENS },
    });
    expect(response.usage!.output_tokens).toBe(MOCK_REASONING_TOKENS + Math.ceil(response.output_text.length / 4));
  });

  it('honours max_output_tokens with status incomplete, in JSON and as response.incomplete', async () => {
    const cut = await client.responses.create({ model: 'gpt-4o-mini', input: 'Write a poem', max_output_tokens: 5 });
    expect(cut.status).toBe('incomplete');
    expect(cut.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(cut.output_text).toBe('Silent circuits hum ');
    expect(cut.usage!.output_tokens).toBe(5);
    expect(cut.output[0]).toMatchObject({ status: 'incomplete' });

    const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'Write a poem', max_output_tokens: 5, stream: true });
    const types: string[] = [];
    let last: Json | undefined;
    for await (const event of stream) {
      types.push(event.type);
      last = event;
    }
    expect(types.at(-1)).toBe('response.incomplete');
    expect(types).not.toContain('response.completed');
    expect(last!.response).toMatchObject({ status: 'incomplete', usage: { output_tokens: 5 } });
  });

  it('rejects malformed requests and unanswered outputs in OpenAI error shape', async () => {
    for (const body of [{ input: 'hi' }, { model: 'm' }, { model: 'm', input: 42 }, { model: 'm', input: 'x', max_output_tokens: 0 }]) {
      const res = await fetch(`${mock.url}/responses`, { method: 'POST', body: JSON.stringify(body) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as Json).error).toMatchObject({ type: 'invalid_request_error', message: expect.any(String) });
    }
    const orphan = [{ type: 'function_call_output', call_id: 'call_x', output: 'r' }];
    await expect(client.responses.create({ model: 'm', input: orphan as never })).rejects.toMatchObject({
      status: 400,
      error: { message: 'No tool call found for function call output with call_id call_x.' },
    });
  });

  it('answers JSON fitting a json_schema text format', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'integer', minimum: 4 } }, required: ['answer'], additionalProperties: false };
    const response = await client.responses.create({
      model: 'gpt-4o-mini',
      input: 'What is 2+2?',
      text: { format: { type: 'json_schema', name: 'sum', schema, strict: true } },
    });
    expect(JSON.parse(response.output_text)).toEqual({ answer: 4 });
  });
});
