// Reads an Anthropic Messages request: model, max_tokens, system, messages and tools, checked as the real API checks them.
import { contentText, isRecord, positiveInt } from '../../text/json-shapes.js';
import type { ToolChoice, ToolSpec } from '../../tools/turn.js';

/** A message with its content as blocks (a string content is one text block). */
export interface AnthropicMessage {
  role: string;
  content: Record<string, unknown>[];
}

/** The validated parts of a Messages request the mock uses. */
export interface MessagesRequest {
  model: string;
  /** Required by `/v1/messages`, absent on `count_tokens`. */
  maxTokens: number;
  /** `system` as blocks (a string is one text block). */
  system: Record<string, unknown>[];
  messages: AnthropicMessage[];
  /** Raw `tools` entries (client and server tools), in order. */
  rawTools: Record<string, unknown>[];
  /** Client tools with an `input_schema`: the ones the mock may call. */
  tools: ToolSpec[];
  toolChoice: ToolChoice;
  stream: boolean;
}

function blocksOf(content: unknown): Record<string, unknown>[] | undefined {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (Array.isArray(content) && content.every(isRecord)) return content;
  return undefined;
}

function toolChoiceOf(choice: unknown): ToolChoice {
  if (!isRecord(choice)) return { mode: 'auto' };
  if (choice.type === 'none') return { mode: 'none' };
  if (choice.type === 'any') return { mode: 'required' };
  if (choice.type === 'tool' && typeof choice.name === 'string') return { mode: 'named', name: choice.name };
  return { mode: 'auto' };
}

function toolUseIds(message: AnthropicMessage | undefined): Set<string> {
  const ids = (message?.role === 'assistant' ? message.content : []).filter((b) => b.type === 'tool_use').map((b) => String(b.id));
  return new Set(ids);
}

/** The user and assistant turns, without the `system` messages between them. */
function turns(messages: AnthropicMessage[]): AnthropicMessage[] {
  return messages.filter((m) => m.role !== 'system');
}

/** The real API's pairing rule: a tool_use is answered by a tool_result in the very next message, and only then. */
function pairingError(messages: AnthropicMessage[]): string | undefined {
  for (const [index, message] of messages.entries()) {
    const results = message.role === 'user' ? message.content.filter((b) => b.type === 'tool_result').map((b) => String(b.tool_use_id)) : [];
    const calls = toolUseIds(messages[index - 1]);
    const stray = results.filter((id) => !calls.has(id));
    if (stray.length > 0) {
      return `messages.${index}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${stray.join(', ')}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
    }
    const next = messages[index + 1];
    const answered = new Set(next ? next.content.filter((b) => b.type === 'tool_result').map((b) => String(b.tool_use_id)) : []);
    const open = next ? [...toolUseIds(message)].filter((id) => !answered.has(id)) : [];
    if (open.length > 0) {
      return `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${open.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
  }
  return undefined;
}

/**
 * Validate a Messages (or, with `countOnly`, a count_tokens) request; returns the error message when invalid,
 * worded as the real API words it (e.g. `max_tokens: Field required`).
 */
export function parseMessagesRequest(body: unknown, countOnly = false): MessagesRequest | string {
  if (!isRecord(body)) return 'request body must be a JSON object';
  if (typeof body.model !== 'string') return 'model: Field required';
  const maxTokens = positiveInt(body.max_tokens);
  if (!countOnly && maxTokens === undefined) return body.max_tokens === undefined ? 'max_tokens: Field required' : 'max_tokens: must be a positive integer';
  if (!Array.isArray(body.messages)) return 'messages: Field required';
  const messages: AnthropicMessage[] = [];
  for (const [index, raw] of body.messages.entries()) {
    if (!isRecord(raw) || (raw.role !== 'user' && raw.role !== 'assistant' && raw.role !== 'system')) return `messages.${index}.role: Input should be 'user', 'assistant' or 'system'`;
    // A `system` message (the beta API's per-turn instructions) may come without content.
    const content = raw.role === 'system' && raw.content === undefined ? [] : blocksOf(raw.content);
    if (!content) return `messages.${index}.content: Input should be a valid string or list of content blocks`;
    messages.push({ role: raw.role, content });
  }
  const pairing = pairingError(turns(messages));
  if (pairing) return pairing;
  const system = body.system === undefined ? [] : blocksOf(body.system);
  if (!system) return 'system: Input should be a valid string or list of text blocks';
  const rawTools = Array.isArray(body.tools) ? body.tools.filter(isRecord) : [];
  // A tool with `defer_loading: true` is not shown to the model until a tool search loads it (Claude Code offers
  // such a placeholder first), so it is never called.
  const tools = rawTools
    .filter((t) => typeof t.name === 'string' && isRecord(t.input_schema) && (t.type === undefined || t.type === 'custom') && t.defer_loading !== true)
    .map((t) => ({ name: t.name as string, parameters: t.input_schema }));
  return { model: body.model, maxTokens: maxTokens ?? 0, system, messages, rawTools, tools, toolChoice: toolChoiceOf(body.tool_choice), stream: body.stream === true };
}

/** Text of a block list, counting only text blocks (tool results are not the user speaking). */
function textOf(blocks: Record<string, unknown>[]): string {
  return contentText(blocks.filter((b) => b.type === 'text'));
}

/** Text of the last user message that has text blocks, or ''. */
export function lastUserText(messages: AnthropicMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i] as AnthropicMessage;
    const text = message.role === 'user' ? textOf(message.content) : '';
    if (text !== '') return text;
  }
  return '';
}

/** The tool results' text when the conversation ends (`system` messages aside) with a user message carrying tool_result blocks. */
export function trailingToolResult(messages: AnthropicMessage[]): string | undefined {
  const last = turns(messages).at(-1);
  const results = last?.role === 'user' ? last.content.filter((b) => b.type === 'tool_result') : [];
  if (results.length === 0) return undefined;
  return results.map((b) => (typeof b.content === 'string' ? b.content : contentText(b.content))).join('\n');
}
