// A Claude-Code-like session through the example server: it passes step by step, and stuck, it is stopped as on chat.
import Anthropic, { RateLimitError } from '@anthropic-ai/sdk';
import type { ContentBlockParam, MessageParam, Tool } from '@anthropic-ai/sdk/resources/messages';
import { LOOP_TOOL_MARKER } from '@agentwall/mock-llm';
import OpenAI from 'openai';
import { randomUUID } from 'node:crypto';
import { getRun, type Json } from './agentwall-http.js';
import { startServer, type ServerProcess } from './server-process.js';

const KEY = 'aw-claude-code-key';
const MODEL = 'claude-sonnet-4-5';
const BETAS = 'claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14';

// What Claude Code sends, in its shape: a cached system prompt in blocks, tools with JSON schemas.
const SYSTEM = [
  { type: 'text' as const, text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: { type: 'ephemeral' as const } },
  {
    type: 'text' as const,
    text: 'You are an interactive CLI tool that helps users with software engineering tasks. Use the tools available to you. '.repeat(12),
    cache_control: { type: 'ephemeral' as const },
  },
];
const TOOLS: Tool[] = [
  { name: 'Bash', description: 'Run a shell command', input_schema: { type: 'object', properties: { command: { type: 'string' }, timeout: { type: 'number' } }, required: ['command'] } },
  { name: 'Read', description: 'Read a file', input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] } },
  {
    name: 'Edit',
    description: 'Edit a file',
    input_schema: { type: 'object', properties: { file_path: { type: 'string' }, old_string: { type: 'string' }, new_string: { type: 'string' } }, required: ['file_path', 'old_string', 'new_string'] },
  },
];
const FAILING = 'FAIL src/math.test.ts: expected 3, received 4';

/** A user turn as Claude Code writes it: text blocks, the last one marking the cache breakpoint. */
const userTurn = (text: string): MessageParam => ({ role: 'user', content: [{ type: 'text', text, cache_control: { type: 'ephemeral' } }] });
const toolResult = (id: string, content: string): MessageParam => ({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content }] });

describe('a Claude-Code-like session against the express example server', () => {
  let server: ServerProcess;
  /** Claude Code with ANTHROPIC_BASE_URL=<origin>, ANTHROPIC_AUTH_TOKEN=<key>, ANTHROPIC_CUSTOM_HEADERS='X-AgentWall-Run-ID: ...'. */
  const claudeCode = (runId: string) =>
    new Anthropic({ authToken: KEY, baseURL: server.origin, maxRetries: 0, defaultHeaders: { 'anthropic-beta': BETAS, 'x-app': 'cli', 'X-AgentWall-Run-ID': runId } });
  const turn = (client: Anthropic, messages: MessageParam[]) => client.messages.stream({ model: MODEL, max_tokens: 32_000, system: SYSTEM, tools: TOOLS, messages, metadata: { user_id: 'user_abc' } }).finalMessage();

  beforeAll(async () => {
    server = await startServer('express', { apiKeys: [KEY] });
  }, 40_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('passes step by step: a growing message list of tool_use and tool_result, streamed', async () => {
    const runId = `claude-code-${randomUUID()}`;
    const client = claudeCode(runId);
    const messages: MessageParam[] = [];
    const stops: string[] = [];
    const outputs = ['export const add = (a, b) => a + b + 1;', FAILING, 'The file src/math.ts has been updated.'];
    for (const [i, prompt] of ['Read src/math.ts and tell me what add does', 'Now run the tests with Bash', 'Edit src/math.ts to fix add'].entries()) {
      messages.push(userTurn(prompt));
      const call = await turn(client, messages);
      stops.push(call.stop_reason!);
      const use = call.content.find((b) => b.type === 'tool_use');
      expect(use?.name).toBe(prompt.match(/Read|Bash|Edit/)![0]);
      messages.push({ role: 'assistant', content: call.content as ContentBlockParam[] }, toolResult(use!.id, outputs[i]!));
      const answer = await turn(client, messages);
      stops.push(answer.stop_reason!);
      messages.push({ role: 'assistant', content: answer.content as ContentBlockParam[] });
    }
    expect(stops).toEqual(['tool_use', 'end_turn', 'tool_use', 'end_turn', 'tool_use', 'end_turn']);
    const run = await getRun(server, KEY, runId);
    expect(run.json).toMatchObject({ steps: 6, blocked_attempts: 0, status: 'active', reserved_usd: 0 });
    expect(run.json['step_details'].map((s: Json) => [s['step'], s['stream'], s['status'], s['estimated']])).toEqual([1, 2, 3, 4, 5, 6].map((n) => [n, true, 'ok', false]));
    expect(run.json['step_details'].every((s: Json) => s['cost_usd'] > 0)).toBe(true);
    // The cached system prompt was written once, then read on every later step.
    expect(run.json['step_details'][0]['cache_write_tokens']).toBeGreaterThan(0);
    expect(run.json['step_details'][1]['cached_tokens']).toBeGreaterThan(0);
  });

  it('stuck on one tool call with one result, it is blocked at the same repetition as on chat completions', async () => {
    const stuckPrompt = `Run the tests with Bash until they pass ${LOOP_TOOL_MARKER}`;
    const runId = `claude-code-stuck-${randomUUID()}`;
    const client = claudeCode(runId);
    const messages: MessageParam[] = [userTurn(stuckPrompt)];
    let anthropicBlockedAt = 0;
    let refusal: RateLimitError | undefined;
    for (let step = 1; step <= 10 && anthropicBlockedAt === 0; step++) {
      try {
        const call = await turn(client, messages);
        const use = call.content.find((b) => b.type === 'tool_use')!;
        messages.push({ role: 'assistant', content: call.content as ContentBlockParam[] }, toolResult(use.id, FAILING));
      } catch (err) {
        if (!(err instanceof RateLimitError)) throw err;
        anthropicBlockedAt = step;
        refusal = err;
      }
    }
    expect(refusal?.errorCode).toBe('loop_detected');
    expect(refusal?.error).toMatchObject({ error: { type: 'rate_limit_error', code: 'loop_detected', loop_type: 'tool_call_repeat', run_id: runId } });
    expect(refusal?.headers?.get('x-should-retry')).toBe('false');

    // The same agent on chat completions, with the same tool, call and result.
    const chatRun = `chat-stuck-${randomUUID()}`;
    const openai = new OpenAI({ apiKey: KEY, baseURL: server.baseURL, maxRetries: 0, defaultHeaders: { 'X-AgentWall-Run-ID': chatRun } });
    const chat: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: 'system', content: SYSTEM.map((b) => b.text).join('\n') },
      { role: 'user', content: stuckPrompt },
    ];
    const functions = TOOLS.map((t) => ({ type: 'function' as const, function: { name: t.name, description: t.description ?? '', parameters: t.input_schema as Record<string, unknown> } }));
    let chatBlockedAt = 0;
    for (let step = 1; step <= 10 && chatBlockedAt === 0; step++) {
      try {
        const completion = await openai.chat.completions.create({ model: MODEL, messages: chat, tools: functions });
        const message = completion.choices[0]!.message;
        const call = message.tool_calls![0]!;
        chat.push({ role: 'assistant', content: message.content, tool_calls: message.tool_calls! }, { role: 'tool', tool_call_id: call.id, content: FAILING });
      } catch (err) {
        if (!(err instanceof OpenAI.RateLimitError)) throw err;
        expect(err.code).toBe('loop_detected');
        chatBlockedAt = step;
      }
    }
    expect(anthropicBlockedAt).toBeGreaterThan(2);
    expect(anthropicBlockedAt).toBe(chatBlockedAt);
    const run = await getRun(server, KEY, runId);
    expect(run.json).toMatchObject({ steps: anthropicBlockedAt - 1, blocked_attempts: 1 });
    expect(run.json['blocked'][0]).toMatchObject({ type: 'loop_detected', loop_type: 'tool_call_repeat' });
  });
});
