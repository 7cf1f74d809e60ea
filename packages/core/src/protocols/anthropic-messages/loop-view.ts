// A Messages request as the loop detector's protocol-neutral view: tool_use calls, tool_result answers by id.
import { canonicalArguments } from '../../loop/canonical-json.js';
import { partToken } from '../../loop/content-parts.js';
import type { LoopCall, LoopContent, LoopMessage, LoopView } from '../../loop/view.js';

type Block = Record<string, unknown>;

function isBlock(value: unknown): value is Block {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A stand-in for an image or document: its type and its source's URL, file id or data (sampled by `partToken`,
 * so a new screenshot is a new step while a megabyte of base64 costs nothing to fingerprint).
 */
function mediaToken(block: Block): string {
  const source = isBlock(block['source']) ? block['source'] : {};
  const payload = source['url'] ?? source['file_id'] ?? source['data'];
  // partToken reads a string `image_url` as the payload itself: no copy of the data is made here.
  return partToken({ type: block['type'], image_url: typeof payload === 'string' ? payload : undefined });
}

/** Content blocks as the detector's pieces: text as text, media as a stand-in; thinking and tool blocks left out. */
function contentOf(content: unknown): LoopContent[] {
  if (typeof content === 'string') return [{ text: content }];
  if (!Array.isArray(content)) return [];
  const out: LoopContent[] = [];
  for (const block of content) {
    if (!isBlock(block)) continue;
    const type = block['type'];
    if (type === 'text' && typeof block['text'] === 'string') out.push({ text: block['text'] });
    else if (type === 'image' || type === 'document') out.push({ media: mediaToken(block) });
    else if (type === 'search_result') out.push(...contentOf(block['content']));
    // thinking and redacted_thinking are the reasoning around an action, not the action (SPEC section 5);
    // tool_use and tool_result become calls and tool messages.
  }
  return out;
}

function assistantMessage(content: unknown): LoopMessage {
  const message: LoopMessage = { role: 'assistant', content: contentOf(content) };
  if (!Array.isArray(content)) return message;
  const calls: LoopCall[] = [];
  for (const block of content) {
    if (!isBlock(block) || (block['type'] !== 'tool_use' && block['type'] !== 'server_tool_use')) continue;
    const call: LoopCall = { name: typeof block['name'] === 'string' ? block['name'] : '', arguments: canonicalArguments(block['input'] ?? {}) };
    if (typeof block['id'] === 'string') call.id = block['id'];
    calls.push(call);
  }
  if (calls.length > 0) message.calls = calls;
  return message;
}

/**
 * A user turn: each `tool_result` block becomes a tool message answering its `tool_use_id` (as chat's `tool`
 * messages do). Other blocks that come after a result in the same turn (Claude Code's `<system-reminder>`
 * texts, an image the tool produced) are part of that observation and join the result before them; a turn
 * without results is a user message.
 */
function userMessages(content: unknown, out: LoopMessage[]): void {
  if (!Array.isArray(content)) {
    out.push({ role: 'user', content: contentOf(content) });
    return;
  }
  let result: LoopMessage | undefined;
  let pending: unknown[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    if (result) result.content.push(...contentOf(pending));
    else out.push({ role: 'user', content: contentOf(pending) });
    pending = [];
  };
  for (const block of content) {
    if (!isBlock(block) || block['type'] !== 'tool_result') {
      pending.push(block);
      continue;
    }
    flush();
    result = { role: 'tool', content: contentOf(block['content']) };
    if (typeof block['tool_use_id'] === 'string') result.callId = block['tool_use_id'];
    out.push(result);
  }
  flush();
}

/**
 * The loop detector's view of a Messages request: `system` first, assistant turns with their `tool_use` blocks
 * as calls (canonical input), user turns split into one tool message per `tool_result` (matched by
 * `tool_use_id`, with the blocks that follow it in the turn), or a user message when the turn has no result;
 * `role: "system"` messages stay system messages where they stand.
 * A stuck agent thus looks exactly as it does on chat completions and is stopped at the same repetition.
 *
 * @example
 * messagesLoopView({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] });
 * // { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }
 */
export function messagesLoopView(body: { model: string; system?: unknown; messages: Array<{ role: string; content?: unknown }> }): LoopView {
  const messages: LoopMessage[] = [];
  if (body.system !== undefined && body.system !== null) {
    const system = contentOf(body.system);
    if (system.length > 0) messages.push({ role: 'system', content: system });
  }
  for (const m of body.messages) {
    if (m.role === 'assistant') messages.push(assistantMessage(m.content));
    // A system message between turns (the beta API's per-turn instructions) is a system prompt, as chat's is.
    else if (m.role === 'system') messages.push({ role: 'system', content: contentOf(m.content) });
    else userMessages(m.content, messages);
  }
  return { model: body.model, messages };
}
