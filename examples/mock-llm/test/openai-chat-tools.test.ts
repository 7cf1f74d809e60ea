// Chat completions with tools through the `openai` package: schema-fitting calls, streamed as OpenAI streams them.
import OpenAI from 'openai';
import type { ChatCompletionMessageFunctionToolCall, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { startMockLlm, type MockLlm } from '../src/index.js';

const tools: ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'search_docs',
      parameters: { type: 'object', properties: { query: { type: 'string', minLength: 6 }, limit: { type: 'integer', minimum: 1, maximum: 5 } }, required: ['query', 'limit'] },
    },
  },
  { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string', enum: ['UTC', 'CET'] } }, required: ['tz'] } } },
];

describe('chat completions with tools through the openai SDK', () => {
  let mock: MockLlm;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockLlm();
    client = new OpenAI({ baseURL: mock.url, apiKey: 'sk-mock', maxRetries: 0 });
  });
  afterAll(() => mock.close());

  it('calls the tool with schema-fitting arguments, then answers in words after the result (JSON)', async () => {
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'How do I rotate keys?' }];
    const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools });
    const call = first.choices[0]!.message.tool_calls![0] as ChatCompletionMessageFunctionToolCall;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call).toMatchObject({ type: 'function', function: { name: 'search_docs', arguments: '{"query":"mockxx","limit":1}' } });

    messages.push(first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: 'Rotate with `aw keys rotate`.' });
    const second = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools });
    expect(second.choices[0]!.finish_reason).toBe('stop');
    expect(second.choices[0]!.message.content).toBe('Mock answer from the tool result: Rotate with `aw keys rotate`.');
  });

  it('picks the tool named in the user text, or the forced one', async () => {
    const named = await client.chat.completions.create({ model: 'm', tools, messages: [{ role: 'user', content: 'use get_time please' }] });
    expect(named.choices[0]!.message.tool_calls![0]).toMatchObject({ function: { name: 'get_time', arguments: '{"tz":"UTC"}' } });
    const forced = await client.chat.completions.create({
      model: 'm',
      tools,
      tool_choice: { type: 'function', function: { name: 'get_time' } },
      messages: [{ role: 'user', content: 'anything' }],
    });
    expect((forced.choices[0]!.message.tool_calls![0] as ChatCompletionMessageFunctionToolCall).function.name).toBe('get_time');
    const none = await client.chat.completions.create({ model: 'm', tools, tool_choice: 'none', messages: [{ role: 'user', content: 'hi' }] });
    expect(none.choices[0]!.message.content).toBe('Mock answer to: hi');
  });

  it('streams tool calls as index/id/name deltas then argument pieces the SDK reassembles', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, tools, messages: [{ role: 'user', content: 'search' }] });
    const deltas = [];
    for await (const chunk of stream) deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
    expect(deltas[0]).toEqual({ index: 0, id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'search_docs', arguments: '' } });
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.slice(1).every((d) => d.index === 0 && d.id === undefined && d.function?.name === undefined)).toBe(true);
    expect(deltas.map((d) => d.function?.arguments).join('')).toBe('{"query":"mockxx","limit":1}');

    const runner = client.chat.completions.stream({ model: 'gpt-4o-mini', tools, messages: [{ role: 'user', content: 'search' }] });
    const final = await runner.finalChatCompletion();
    expect((final.choices[0]!.message.tool_calls![0] as ChatCompletionMessageFunctionToolCall).function.arguments).toBe('{"query":"mockxx","limit":1}');
  });

  it("runs the SDK's tool runner to a final answer", async () => {
    const runner = client.chat.completions.runTools({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'What time is it? use get_time' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_time',
            description: 'The time in a zone',
            parameters: { type: 'object', properties: { tz: { type: 'string', enum: ['UTC', 'CET'] } }, required: ['tz'] },
            function: (args: { tz: string }) => `12:00 ${args.tz}`,
            parse: JSON.parse,
          },
        },
      ],
    });
    expect(await runner.finalContent()).toBe('Mock answer from the tool result: 12:00 UTC');
  });

  it('answers legacy functions with a function_call, streamed too', async () => {
    const functions = [{ name: 'lookup', parameters: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] } }];
    const json = await client.chat.completions.create({ model: 'm', functions, messages: [{ role: 'user', content: 'find it' }] });
    expect(json.choices[0]).toMatchObject({ finish_reason: 'function_call', message: { function_call: { name: 'lookup', arguments: '{"id":1}' } } });
    const after = await client.chat.completions.create({
      model: 'm',
      functions,
      messages: [{ role: 'user', content: 'find it' }, json.choices[0]!.message, { role: 'function', name: 'lookup', content: 'found 1' }],
    });
    expect(after.choices[0]!.message.content).toBe('Mock answer from the tool result: found 1');
    const stream = await client.chat.completions.create({ model: 'm', functions, stream: true, messages: [{ role: 'user', content: 'find it' }] });
    let args = '';
    for await (const chunk of stream) args += chunk.choices[0]?.delta.function_call?.arguments ?? '';
    expect(args).toBe('{"id":1}');
  });

  it('keeps calling with [loop tool], the same call every turn (a stuck agent)', async () => {
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'find the on-call [loop tool]' }];
    const calls: string[] = [];
    for (let turn = 0; turn < 3; turn += 1) {
      const res = await client.chat.completions.create({ model: 'm', tools, messages });
      const call = res.choices[0]!.message.tool_calls![0] as ChatCompletionMessageFunctionToolCall;
      calls.push(`${call.function.name} ${call.function.arguments}`);
      messages.push(res.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: 'No results.' });
    }
    expect(new Set(calls).size).toBe(1);
  });
});
