// The Vercel AI SDK (6.x: `createOpenAI({ baseURL })(model)` is the Responses API) with a tool, through the example servers.
import { createOpenAI } from '@ai-sdk/openai';
import { APICallError, generateText, stepCountIs, streamText, tool } from 'ai';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { getRun } from './agentwall-http.js';
import { expectNothingOfAgentWallUpstream, gpt4oMiniMicros, recordingFetch, startMockedServer, usagesOf, type Json, type MockedServer } from './mocked-server.js';
import type { Framework } from './server-process.js';

const KEY = 'aw-vercel-ai-key-0001';

describe.each<Framework>(['express', 'koa'])('Vercel AI SDK against the %s example server', (framework) => {
  let s: MockedServer;
  const calls: unknown[] = [];
  const tools = {
    lookup_order: tool({
      description: 'Look up an order by id',
      inputSchema: z.object({ orderId: z.string().min(8) }),
      execute: async (input) => {
        calls.push(input);
        return { status: 'shipped', id: input.orderId };
      },
    }),
  };

  beforeAll(async () => {
    s = await startMockedServer(framework, [KEY]);
  }, 40_000);
  afterAll(async () => {
    await s?.stop();
  });
  afterEach(() => {
    expectNothingOfAgentWallUpstream(s.mock, [KEY]);
    s.mock.reset();
    calls.length = 0;
  });

  /** A model whose requests name their AgentWall run in a header, and whose answers are recorded for their usage. */
  const modelFor = (runId: string) => {
    const recording = recordingFetch();
    const model = createOpenAI({ baseURL: s.server.baseURL, apiKey: KEY, headers: { 'x-agentwall-run-id': runId }, fetch: recording.fetch })('gpt-4o-mini');
    return { model, recording };
  };

  async function expectRunMatchesUsage(runId: string, texts: Array<Promise<string>>, steps: number): Promise<void> {
    const usages = await usagesOf(texts);
    expect(usages).toHaveLength(steps);
    const run = await getRun(s.server, KEY, runId);
    expect(run.json).toMatchObject({ steps, reserved_usd: 0 });
    expect(run.json['step_details'].map((d: Json) => [d['prompt_tokens'], d['completion_tokens']])).toEqual(usages.map((u) => [u['input_tokens'], u['output_tokens']]));
    expect(Math.round(run.json['cost_usd'] * 1e6)).toBe(usages.reduce((n, u) => n + gpt4oMiniMicros(u), 0));
  }

  it('generateText: calls the tool, then answers; a next turn naming the answer by item_reference passes through', async () => {
    const runId = `ai-gen-${randomUUID()}`;
    const { model, recording } = modelFor(runId);
    const result = await generateText({ model, tools, stopWhen: stepCountIs(5), maxRetries: 0, prompt: 'Where is order 42?' });
    expect(calls).toEqual([{ orderId: 'mockxxxx' }]);
    expect(result.text).toBe('Mock answer from the tool result: {"status":"shipped","id":"mockxxxx"}');
    expect(result.steps).toHaveLength(2);
    const second = s.mock.requests[1]!.body as Json;
    expect(second['input'].at(-1)).toMatchObject({ type: 'function_call_output' });
    // The next turn names the earlier answer's text by reference (`store` is on): it passes through, guarded.
    const next = await generateText({ model, tools, maxRetries: 0, messages: [...result.response.messages, { role: 'user', content: 'Thanks. [no tool]' }] });
    expect(next.text).toBe('Mock answer to: Thanks. [no tool]');
    expect((s.mock.requests[2]!.body as Json)['input']).toContainEqual({ type: 'item_reference', id: expect.stringMatching(/^msg_/) });
    await expectRunMatchesUsage(runId, recording.texts, 3);
  });

  it('streamText: streams the tool step and the final text', async () => {
    const runId = `ai-stream-${randomUUID()}`;
    const { model, recording } = modelFor(runId);
    const errors: unknown[] = [];
    const result = streamText({ model, tools, stopWhen: stepCountIs(5), maxRetries: 0, prompt: 'Where is order 7?', onError: ({ error }) => void errors.push(error) });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(errors).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(text).toBe('Mock answer from the tool result: {"status":"shipped","id":"mockxxxx"}');
    expect((s.mock.requests[0]!.body as Json)['stream']).toBe(true);
    await expectRunMatchesUsage(runId, recording.texts, 2);
  });

  it('generateText stuck on its tool: the fourth request is refused with loop_detected, thrown as an APICallError', async () => {
    const { model } = modelFor(`ai-loop-${randomUUID()}`);
    const error = await generateText({ model, tools, stopWhen: stepCountIs(10), maxRetries: 0, prompt: 'Where is order 42? [loop tool]' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(APICallError.isInstance(error)).toBe(true);
    const apiError = error as APICallError;
    expect(apiError.statusCode).toBe(429);
    expect(apiError.message).toMatch(/Loop detected in run ai-loop-.*tool call repeat/);
    expect(JSON.parse(apiError.responseBody!).error).toMatchObject({ type: 'loop_detected', loop_type: 'tool_call_repeat' });
    expect(calls).toHaveLength(3);
  });

  it('streamText stuck on its tool: the refusal reaches onError as an APICallError', async () => {
    const { model } = modelFor(`ai-stream-loop-${randomUUID()}`);
    const errors: unknown[] = [];
    const result = streamText({ model, tools, stopWhen: stepCountIs(10), maxRetries: 0, prompt: 'Where is order 7? [loop tool]', onError: ({ error }) => void errors.push(error) });
    for await (const part of result.fullStream) void part;
    expect(errors).toHaveLength(1);
    expect(APICallError.isInstance(errors[0])).toBe(true);
    expect((errors[0] as APICallError).statusCode).toBe(429);
    expect((errors[0] as APICallError).message).toMatch(/Loop detected/);
    expect(calls).toHaveLength(3);
  });
});
