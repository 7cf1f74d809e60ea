// The `openai` package's Responses API, embeddings and models.retrieve against the Express and Koa example servers.
import OpenAI from 'openai';
import { randomUUID } from 'node:crypto';
import { getRun } from './agentwall-http.js';
import { expectNothingOfAgentWallUpstream, gpt4oMiniMicros, recordingFetch, startMockedServer, usagesOf, type Json, type MockedServer } from './mocked-server.js';
import type { Framework } from './server-process.js';

const KEY = 'aw-responses-sdk-key-0001';
const OTHER = 'aw-responses-sdk-key-0002';
const tools: OpenAI.Responses.Tool[] = [
  { type: 'function', name: 'get_weather', description: 'Weather of a city', strict: false, parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
];

/** The SDK's types do not know AgentWall's inputs; it sends unknown body fields as they are. */
type WithRunId<T> = T & { agentwall_run_id?: string };

describe.each<Framework>(['express', 'koa'])('openai responses, embeddings and models against the %s example server', (framework) => {
  let s: MockedServer;

  beforeAll(async () => {
    s = await startMockedServer(framework, [KEY, OTHER]);
  }, 40_000);
  afterAll(async () => {
    await s?.stop();
  });
  afterEach(() => {
    expectNothingOfAgentWallUpstream(s.mock, [KEY, OTHER]);
    s.mock.reset();
  });

  const client = (recording = recordingFetch()) => ({ recording, openai: new OpenAI({ apiKey: KEY, baseURL: s.server.baseURL, maxRetries: 2, fetch: recording.fetch }) });

  /** The run's steps and cost are what the recorded answers' usage says. */
  async function expectRunMatchesUsage(runId: string, texts: Array<Promise<string>>, steps: number): Promise<void> {
    const usages = await usagesOf(texts);
    expect(usages).toHaveLength(steps);
    const run = await getRun(s.server, KEY, runId);
    expect(run.json).toMatchObject({ run_id: runId, steps, reserved_usd: 0 });
    expect(run.json['step_details'].map((d: Json) => d['prompt_tokens'])).toEqual(usages.map((u) => u['input_tokens']));
    expect(run.json['step_details'].map((d: Json) => d['completion_tokens'])).toEqual(usages.map((u) => u['output_tokens']));
    expect(Math.round(run.json['cost_usd'] * 1e6)).toBe(usages.reduce((n, u) => n + gpt4oMiniMicros(u), 0));
  }

  it('creates a response with a function tool over two turns (JSON), then over a previous_response_id chain', async () => {
    const { openai, recording } = client();
    const runId = `resp-tools-${randomUUID()}`;
    const first = await openai.responses.create({ model: 'gpt-4o-mini', input: 'What is the weather in Paris?', tools, agentwall_run_id: runId } as WithRunId<OpenAI.Responses.ResponseCreateParamsNonStreaming>);
    const call = first.output.find((i): i is OpenAI.Responses.ResponseFunctionToolCall => i.type === 'function_call')!;
    expect(call).toMatchObject({ name: 'get_weather', arguments: '{"city":"mock"}' });
    const second = await openai.responses.create({
      model: 'gpt-4o-mini',
      input: [{ role: 'user', content: 'What is the weather in Paris?' }, call, { type: 'function_call_output', call_id: call.call_id, output: '21 degrees' }],
      tools,
      agentwall_run_id: runId,
    } as WithRunId<OpenAI.Responses.ResponseCreateParamsNonStreaming>);
    expect(second.output_text).toBe('Mock answer from the tool result: 21 degrees');
    expect((second as unknown as { agentwall: Json }).agentwall).toMatchObject({ run_id: runId, step: 2, run_steps: 2 });

    // The chain: only the new item is sent, and the continuation joins the first response's run by itself.
    const chained = await openai.responses.create({ model: 'gpt-4o-mini', previous_response_id: second.id, input: 'And in Lisbon?', tools });
    expect((chained as unknown as { agentwall: Json }).agentwall).toMatchObject({ run_id: runId, step: 3 });
    await expectRunMatchesUsage(runId, recording.texts, 3);
  });

  it('streams a response with a function tool over two turns, the second over previous_response_id', async () => {
    const { openai, recording } = client();
    const runId = `resp-stream-${randomUUID()}`;
    const first = await openai.responses.create({ model: 'gpt-4o-mini', input: 'Weather in Rome?', tools, stream: true, agentwall_run_id: runId } as WithRunId<OpenAI.Responses.ResponseCreateParamsStreaming>);
    let completed: OpenAI.Responses.Response | undefined;
    const types: string[] = [];
    for await (const event of first) {
      types.push(event.type);
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    const call = completed!.output.find((i): i is OpenAI.Responses.ResponseFunctionToolCall => i.type === 'function_call')!;
    const second = openai.responses.stream({ model: 'gpt-4o-mini', previous_response_id: completed!.id, input: [{ type: 'function_call_output', call_id: call.call_id, output: 'warm' }], tools });
    let text = '';
    second.on('response.output_text.delta', (e) => (text += e.delta));
    const final = await second.finalResponse();
    expect(text).toBe('Mock answer from the tool result: warm');
    expect(final.output_text).toBe(text);
    await expectRunMatchesUsage(runId, recording.texts, 2);
  });

  it('blocks the same request again with loop_detected, a clear error the SDK does not retry', async () => {
    const { openai, recording } = client();
    const body = { model: 'gpt-4o-mini', input: 'Same question again', agentwall_run_id: `resp-loop-${randomUUID()}` } as WithRunId<OpenAI.Responses.ResponseCreateParamsNonStreaming>;
    await openai.responses.create(body);
    const error = await openai.responses.create(body).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const limited = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(limited.code).toBe('loop_detected');
    expect(limited.message).toMatch(/Loop detected in run resp-loop-.*: step 2 repeats step 1/);
    expect(limited.headers?.get('x-should-retry')).toBe('false');
    expect(recording.statuses).toEqual([200, 429]);
  });

  it('embeds text (base64, as the SDK asks) and meters it', async () => {
    const { openai } = client();
    const runId = `emb-${randomUUID()}`;
    const res = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['hello world', 'good night'], agentwall_run_id: runId } as WithRunId<OpenAI.EmbeddingCreateParams>);
    expect(res.data).toHaveLength(2);
    expect(res.data[0]!.embedding).toHaveLength(1536);
    const run = await getRun(s.server, KEY, runId);
    expect(run.json).toMatchObject({ steps: 1, step_details: [{ prompt_tokens: res.usage.prompt_tokens, completion_tokens: 0 }] });
    expect(Math.round(run.json['cost_usd'] * 1e6)).toBe(Math.ceil(res.usage.prompt_tokens * 0.02));
  });

  it('retrieves a model, and a response it created (only with its own key)', async () => {
    const { openai } = client();
    expect(await openai.models.retrieve('gpt-4o')).toMatchObject({ id: 'gpt-4o', object: 'model' });
    const created = await openai.responses.create({ model: 'gpt-4o-mini', input: 'Keep this one' });
    expect(await openai.responses.retrieve(created.id)).toMatchObject({ id: created.id, status: 'completed' });
    const stranger = new OpenAI({ apiKey: OTHER, baseURL: s.server.baseURL, maxRetries: 0 });
    const error = await stranger.responses.retrieve(created.id).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('not_found');
  });
});
