// The OpenAI Agents SDK (Responses API by default) runs a one-tool agent against the mock to a final answer.
import { Agent, OpenAIProvider, Runner, setTracingDisabled, tool } from '@openai/agents';
import { z } from 'zod';
import { startMockLlm, type MockLlm } from '../src/index.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('@openai/agents against the mock', () => {
  let mock: MockLlm;
  let runner: Runner;
  const seen: unknown[] = [];

  const getWeather = tool({
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: z.object({ city: z.string(), unit: z.enum(['celsius', 'fahrenheit']) }),
    execute: async ({ city, unit }) => {
      seen.push({ city, unit });
      return `It is 21 degrees ${unit} in ${city}.`;
    },
  });
  const agent = new Agent({ name: 'Weather agent', instructions: 'Answer with the weather tool.', model: 'gpt-4o-mini', tools: [getWeather] });

  beforeAll(async () => {
    // Nothing may leave the machine: no trace export to OpenAI.
    setTracingDisabled(true);
    mock = await startMockLlm();
    runner = new Runner({ modelProvider: new OpenAIProvider({ apiKey: 'sk-mock', baseURL: mock.url }), tracingDisabled: true });
  });
  afterEach(() => {
    mock.reset();
    seen.length = 0;
  });
  afterAll(() => mock.close());

  it('calls the tool with arguments fitting its zod schema and ends with words quoting the result', async () => {
    const result = await runner.run(agent, 'What is the weather in Paris?');
    expect(seen).toEqual([{ city: 'mock', unit: 'celsius' }]);
    expect(result.finalOutput).toBe('Mock answer from the tool result: It is 21 degrees celsius in mock.');
    expect(mock.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/responses', 'POST /v1/responses']);
    const second = mock.requests[1]!.body as Json;
    expect(second.input.map((item: Json) => item.type ?? item.role)).toEqual(expect.arrayContaining(['function_call', 'function_call_output']));
    expect(second.instructions).toBe('Answer with the weather tool.');
  });

  it('runs streamed to the same final answer', async () => {
    const result = await runner.run(agent, 'Weather in Lisbon?', { stream: true });
    const textParts: string[] = [];
    for await (const event of result) {
      if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') textParts.push(event.data.delta);
    }
    await result.completed;
    expect(result.finalOutput).toBe('Mock answer from the tool result: It is 21 degrees celsius in mock.');
    expect(textParts.join('')).toBe(result.finalOutput);
    expect((mock.requests[0]!.body as Json).stream).toBe(true);
  });
});
