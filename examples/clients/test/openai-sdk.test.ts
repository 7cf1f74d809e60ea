// The official OpenAI Node SDK against the Express and Koa example servers: chat, streaming, runs, models, and errors.
import OpenAI from 'openai';
import { randomUUID } from 'node:crypto';
import { getRun, killRun } from './agentwall-http.js';
import { startServer, type Framework, type ServerProcess } from './server-process.js';
import { countingFetch } from './counting-fetch.js';

const KEY = 'aw-sdk-test-key';

/** The SDK's types do not know AgentWall's inputs; it sends unknown body fields as they are. */
type WithRunId = OpenAI.Chat.ChatCompletionCreateParamsNonStreaming & { agentwall_run_id?: string };


describe.each<Framework>(['express', 'koa'])('OpenAI SDK against the %s example server', (framework) => {
  let server: ServerProcess;
  let client: OpenAI;

  beforeAll(async () => {
    server = await startServer(framework, { apiKeys: [KEY] });
    client = new OpenAI({ apiKey: KEY, baseURL: server.baseURL, maxRetries: 0 });
  }, 40_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('completes a chat and carries the agentwall metadata', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'What is 2+2?' }],
    });
    expect(completion.choices[0]?.message.content).toEqual(expect.stringMatching(/\S/));
    const agentwall = (completion as unknown as { agentwall?: { run_id?: unknown } }).agentwall;
    expect(typeof agentwall?.run_id).toBe('string');
  });

  it('streams to the end without choking on the ": agentwall" comment', async () => {
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Write a short poem about AI' }];
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      // Usage-only chunks (empty choices) are stripped when the client did not ask for usage.
      expect(chunk.choices.length).toBeGreaterThan(0);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(chunks).toBeGreaterThan(1);
    expect(text).toMatch(/\S/);
    expect(text).not.toContain('agentwall');

    const whole = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(text).toBe(whole.choices[0]?.message.content);
  });

  it('keeps two steps sent with agentwall_run_id in one run', async () => {
    const runId = `sdk-${randomUUID()}`;
    const first: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Analyze this data: [1,2,3,4,5]' }];
    const step1 = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: first, agentwall_run_id: runId } as WithRunId);
    const second: OpenAI.Chat.ChatCompletionMessageParam[] = [
      ...first,
      { role: 'assistant', content: step1.choices[0]?.message.content ?? '' },
      { role: 'user', content: 'Now generate a solution' },
    ];
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: second, agentwall_run_id: runId } as WithRunId);

    const run = await getRun(server, KEY, runId);
    expect(run.status).toBe(200);
    expect(run.json).toMatchObject({ run_id: runId, steps: 2 });
  });

  it('lists models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => typeof id === 'string' && id !== '')).toBe(true);
  });

  it('raises AuthenticationError (401) for a wrong key', async () => {
    const wrong = new OpenAI({ apiKey: 'aw-not-a-valid-key', baseURL: server.baseURL, maxRetries: 0 });
    const error = await wrong.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).status).toBe(401);
  });

  it('raises PermissionDeniedError (403 run_killed) on a killed run, without retrying', async () => {
    const runId = `sdk-kill-${randomUUID()}`;
    await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Start a task' }],
      agentwall_run_id: runId,
    } as WithRunId);
    const killed = await killRun(server, KEY, runId);
    expect(killed.status).toBe(200);

    // Retries allowed, so only the server's answer (403 plus x-should-retry: false) keeps this to one request.
    const counter = countingFetch();
    const retrying = new OpenAI({ apiKey: KEY, baseURL: server.baseURL, maxRetries: 2, fetch: counter.fetch });
    const error = await retrying.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Carry on' }], agentwall_run_id: runId } as WithRunId)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const denied = error as InstanceType<typeof OpenAI.PermissionDeniedError>;
    expect(denied.status).toBe(403);
    expect(denied.code).toBe('run_killed');
    expect(denied.headers?.get('x-should-retry')).toBe('false');
    expect(counter.calls()).toBe(1);
  });

  it('does not retry a 429 loop_detected, which the SDK would otherwise retry', async () => {
    const counter = countingFetch();
    const retrying = new OpenAI({ apiKey: KEY, baseURL: server.baseURL, maxRetries: 2, fetch: counter.fetch });
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Same thing again' }], agentwall_run_id: `sdk-loop-${randomUUID()}` } as WithRunId;
    await retrying.chat.completions.create(body);
    const error = await retrying.chat.completions.create(body).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const limited = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(limited.status).toBe(429);
    expect(limited.code).toBe('loop_detected');
    expect(limited.headers?.get('x-should-retry')).toBe('false');
    // 429 is retried by default; only x-should-retry: false keeps this to the two requests sent.
    expect(counter.calls()).toBe(2);
  });
});
