// The OpenAI Agents SDK, on its default Responses API, runs a one-tool agent through the Express and Koa example servers.
import { Agent, OpenAIProvider, Runner, setTracingDisabled, tool } from '@openai/agents';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { getRun } from './agentwall-http.js';
import { expectNothingOfAgentWallUpstream, gpt4oMiniMicros, startMockedServer, type Json, type MockedServer } from './mocked-server.js';
import type { Framework } from './server-process.js';

const KEY = 'aw-agents-sdk-key-0001';

describe.each<Framework>(['express', 'koa'])('@openai/agents against the %s example server', (framework) => {
  let s: MockedServer;
  let runner: Runner;
  const seen: string[] = [];

  const getWeather = tool({
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      seen.push(city);
      return `It is 21 degrees in ${city}.`;
    },
  });
  /** An agent whose every request names its AgentWall run in the body (`providerData` is sent as it is). */
  const agent = (runId: string) =>
    new Agent({ name: 'Weather agent', instructions: 'Answer with the weather tool.', model: 'gpt-4o-mini', tools: [getWeather], modelSettings: { providerData: { agentwall_run_id: runId } } });

  beforeAll(async () => {
    // Nothing may leave the machine: no trace export to OpenAI.
    setTracingDisabled(true);
    s = await startMockedServer(framework, [KEY]);
    runner = new Runner({ modelProvider: new OpenAIProvider({ apiKey: KEY, baseURL: s.server.baseURL }), tracingDisabled: true });
  }, 40_000);
  afterAll(async () => {
    await s?.stop();
  });
  afterEach(() => {
    expectNothingOfAgentWallUpstream(s.mock, [KEY]);
    s.mock.reset();
    seen.length = 0;
  });

  it('runs the agent to a final answer through one tool call; the run has its steps and the cost of their usage', async () => {
    const runId = `agents-${randomUUID()}`;
    const result = await runner.run(agent(runId), 'What is the weather in Paris?');
    expect(seen).toEqual(['mock']);
    expect(result.finalOutput).toBe('Mock answer from the tool result: It is 21 degrees in mock.');
    expect(s.mock.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/responses', 'POST /v1/responses']);
    const usages = result.rawResponses.map((r) => r.usage);
    const run = await getRun(s.server, KEY, runId);
    expect(run.json).toMatchObject({ steps: 2, reserved_usd: 0 });
    expect(run.json['step_details'].map((d: Json) => [d['prompt_tokens'], d['completion_tokens']])).toEqual(usages.map((u) => [u.inputTokens, u.outputTokens]));
    const micros = usages.reduce((n, u) => n + gpt4oMiniMicros({ input_tokens: u.inputTokens, output_tokens: u.outputTokens, input_tokens_details: u.inputTokensDetails[0] }), 0);
    expect(Math.round(run.json['cost_usd'] * 1e6)).toBe(micros);
  });

  it('stops an agent stuck calling its tool with loop_detected, an error that reaches the caller', async () => {
    const runId = `agents-loop-${randomUUID()}`;
    const error = await runner.run(agent(runId), 'What is the weather in Paris? [loop tool]', { maxTurns: 10 }).then(
      () => undefined,
      (e: unknown) => e as Error & { status?: number; code?: string },
    );
    expect(error).toBeDefined();
    expect(error!.status).toBe(429);
    expect(error!.code).toBe('loop_detected');
    expect(error!.message).toMatch(/Loop detected in run agents-loop-/);
    // Three tool exchanges went through; the fourth request was refused and not retried.
    expect(seen).toHaveLength(3);
    expect(s.mock.requests).toHaveLength(3);
    const run = await getRun(s.server, KEY, runId);
    expect(run.json).toMatchObject({ steps: 3, blocked_attempts: 1, blocked: [{ type: 'loop_detected', loop_type: 'tool_call_repeat' }] });
  });
});
