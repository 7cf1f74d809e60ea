// The Vercel AI SDK (6.x: `createOpenAI(...)(model)` is the Responses API) runs a tool loop against the mock.
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';
import { startMockLlm, type MockLlm } from '../src/index.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('Vercel AI SDK against the mock', () => {
  let mock: MockLlm;
  const calls: unknown[] = [];
  const tools = {
    lookup_order: tool({
      description: 'Look up an order by id',
      inputSchema: z.object({ orderId: z.string().min(8), includeItems: z.boolean() }),
      execute: async (input) => {
        calls.push(input);
        return { status: 'shipped', id: input.orderId };
      },
    }),
  };

  beforeAll(async () => {
    mock = await startMockLlm();
  });
  afterEach(() => {
    mock.reset();
    calls.length = 0;
  });
  afterAll(() => mock.close());

  const model = (): ReturnType<ReturnType<typeof createOpenAI>> => createOpenAI({ baseURL: mock.url, apiKey: 'sk-mock' })('gpt-4o-mini');

  it('generateText: calls the tool, then ends with the text answer (stopWhen: stepCountIs)', async () => {
    const result = await generateText({ model: model(), tools, stopWhen: stepCountIs(5), maxRetries: 0, prompt: 'Where is order 42?' });
    expect(calls).toEqual([{ orderId: 'mockxxxx', includeItems: true }]);
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]!.finishReason).toBe('tool-calls');
    expect(result.finishReason).toBe('stop');
    expect(result.text).toBe('Mock answer from the tool result: {"status":"shipped","id":"mockxxxx"}');
    expect(result.totalUsage.inputTokens).toBeGreaterThan(0);
    expect(mock.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/responses', 'POST /v1/responses']);
    const second = mock.requests[1]!.body as Json;
    expect(second.input.at(-1)).toMatchObject({ type: 'function_call_output' });
  });

  it('streamText: streams the tool step and the final text', async () => {
    const errors: unknown[] = [];
    const result = streamText({ model: model(), tools, stopWhen: stepCountIs(5), maxRetries: 0, prompt: 'Where is order 7?', onError: ({ error }) => void errors.push(error) });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(errors).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(text).toBe('Mock answer from the tool result: {"status":"shipped","id":"mockxxxx"}');
    expect(await result.steps).toHaveLength(2);
    expect((mock.requests[0]!.body as Json).stream).toBe(true);
  });
});
