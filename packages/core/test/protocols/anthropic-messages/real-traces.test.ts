// Real agents' trajectories (../shared/traces) sent as Messages requests fingerprint exactly as they do on chat completions.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fingerprintView } from '../../../src/loop/fingerprint.js';
import { messagesLoopView } from '../../../src/protocols/anthropic-messages/loop-view.js';
import { chatLoopView } from '../../../src/protocols/openai-chat/loop-view.js';
import { repoRoot } from '../../support/child-server.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TRACES = path.join(repoRoot, '..', 'shared', 'traces', 'real-agent-traces.jsonl.gz');

/**
 * A chat message list as the same agent would send it on the Messages API: the system message as `system`,
 * tool calls as `tool_use` blocks, each run of tool messages as one user turn of `tool_result` blocks.
 */
function toMessages(chat: Json[]): { system?: string; messages: Array<{ role: string; content: unknown }> } {
  const out: { system?: string; messages: Array<{ role: 'user' | 'assistant'; content: unknown }> } = { messages: [] };
  for (const [i, m] of chat.entries()) {
    if (m['role'] === 'system') {
      if (i !== 0) throw new Error('a system message mid-conversation has no Messages equivalent');
      out.system = m['content'];
    } else if (m['role'] === 'assistant') {
      const content: Json[] = [];
      if (typeof m['content'] === 'string' && m['content'] !== '') content.push({ type: 'text', text: m['content'] });
      for (const call of m['tool_calls'] ?? []) content.push({ type: 'tool_use', id: call.id, name: call.function.name, input: JSON.parse(call.function.arguments) });
      out.messages.push({ role: 'assistant', content });
    } else if (m['role'] === 'tool') {
      const result = { type: 'tool_result', tool_use_id: m['tool_call_id'], content: m['content'] };
      const last = out.messages.at(-1);
      const previous = chat[i - 1];
      if (previous?.['role'] === 'tool' && last && Array.isArray(last.content)) (last.content as Json[]).push(result);
      else out.messages.push({ role: 'user', content: [result] });
    } else {
      out.messages.push({ role: 'user', content: m['content'] });
    }
  }
  return out;
}

const describeWithTraces = existsSync(TRACES) ? describe : describe.skip;
if (!existsSync(TRACES)) console.warn(`[anthropic-messages] ${TRACES} not found: skipping the real-trace comparison (the traces live in ../shared beside the repository)`);

describeWithTraces('real agent trajectories on the Messages API', () => {
  it('fingerprint, request by request, exactly as on chat completions, so the detector judges them alike', () => {
    const lines = gunzipSync(readFileSync(TRACES)).toString('utf8').split('\n').filter(Boolean);
    let requests = 0;
    let toolExchanges = 0;
    const mismatches: Array<{ id: string; cut: number }> = [];
    for (const line of lines) {
      const trace = JSON.parse(line) as { id: string; model: string; messages: Json[]; cuts: number[] };
      // The same turns as the Messages API can carry them: a tool message's `name` has no place on a tool_result
      // block, and an empty text block is refused there, so an empty assistant text is no text (null on chat).
      const chat = trace.messages.map(({ name: _name, ...m }) => (m['role'] === 'assistant' && m['content'] === '' ? { ...m, content: null } : m));
      for (const cut of trace.cuts) {
        const prefix = chat.slice(0, cut);
        const anthropic = fingerprintView(messagesLoopView({ model: trace.model, ...toMessages(prefix) }));
        const openai = fingerprintView(chatLoopView({ model: trace.model, messages: prefix }));
        if (JSON.stringify(anthropic) !== JSON.stringify(openai)) mismatches.push({ id: trace.id, cut });
        requests += 1;
        if (anthropic.kind === 'action') toolExchanges += 1;
      }
    }
    expect(mismatches).toEqual([]);
    expect(lines).toHaveLength(424);
    expect(requests).toBeGreaterThan(18_000);
    expect(toolExchanges).toBeGreaterThan(5_000);
  });
});
