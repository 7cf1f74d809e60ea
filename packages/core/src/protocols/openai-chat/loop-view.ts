// A chat completion request as the loop detector's protocol-neutral view.
import { canonicalArguments } from '../../loop/canonical-json.js';
import { partText, partToken } from '../../loop/content-parts.js';
import type { LoopCall, LoopContent, LoopMessage, LoopView } from '../../loop/view.js';

const ROLES: Record<string, LoopMessage['role']> = { system: 'system', developer: 'system', user: 'user', assistant: 'assistant', tool: 'tool', function: 'tool' };

function contentOf(content: unknown): LoopContent[] {
  if (typeof content === 'string') return [{ text: content }];
  if (!Array.isArray(content)) return [];
  return content.map((part): LoopContent => {
    const text = partText(part);
    return text === undefined ? { media: partToken(part) } : { text };
  });
}

function callsOf(m: Record<string, unknown>): LoopCall[] | undefined {
  const calls: LoopCall[] = [];
  if (Array.isArray(m['tool_calls'])) {
    for (const call of m['tool_calls'] as unknown[]) {
      if (call === null || typeof call !== 'object') continue;
      const c = call as Record<string, unknown>;
      const fn = (c['function'] ?? c['custom']) as Record<string, unknown> | undefined;
      if (fn === null || typeof fn !== 'object') continue;
      const out: LoopCall = { name: typeof fn['name'] === 'string' ? fn['name'] : '', arguments: canonicalArguments(fn['arguments'] ?? fn['input']) };
      if (typeof c['id'] === 'string') out.id = c['id'];
      calls.push(out);
    }
  }
  const legacy = m['function_call'];
  if (legacy !== null && typeof legacy === 'object') {
    const l = legacy as Record<string, unknown>;
    calls.push({ name: typeof l['name'] === 'string' ? l['name'] : '', arguments: canonicalArguments(l['arguments']) });
  }
  return calls.length > 0 ? calls : undefined;
}

/**
 * The loop detector's view of a chat request: roles folded (developer → system, function → tool), text and
 * media parts in order, tool calls with canonical arguments, tool results with the call they answer.
 *
 * @example
 * chatLoopView({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
 * // { model: 'gpt-4o-mini', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }
 */
export function chatLoopView(body: { model: string; messages: Array<Record<string, unknown>> }): LoopView {
  const messages = body.messages.map((m): LoopMessage => {
    const out: LoopMessage = { role: ROLES[String(m['role'])] ?? 'user', content: contentOf(m['content']) };
    if (typeof m['name'] === 'string') out.name = m['name'];
    const calls = callsOf(m);
    if (calls) out.calls = calls;
    if (typeof m['tool_call_id'] === 'string') out.callId = m['tool_call_id'];
    return out;
  });
  return { model: body.model, messages };
}
