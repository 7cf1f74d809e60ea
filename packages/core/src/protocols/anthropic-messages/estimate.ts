// Token estimates of a Messages request before it is sent, and of an answer's text when it came without usage.
import { estimateJsonTokens, estimateTextTokens } from '../../cost/estimate.js';

/** Framing per message (role, turn separators); Anthropic does not document it, chat's figure is used. */
const TOKENS_PER_MESSAGE = 4;
/** Tokens that open the assistant's turn. */
const REPLY_PRIMING_TOKENS = 3;

/**
 * Request fields read by {@link estimateMessagesInputTokens}; other fields are ignored.
 *
 * @example
 * const body: MessagesInput = { system: 'Be brief.', messages: [{ role: 'user', content: 'Hello' }] };
 */
export interface MessagesInput {
  system?: unknown;
  messages: unknown[];
  /** Tool definitions, billed as input. */
  tools?: unknown;
}

/**
 * Estimates a Messages request's input tokens, cache reads and writes included (they are all input): every string
 * of `system` and of every message (text, `tool_use` names and inputs, `tool_result` content, thinking) plus
 * framing per message and for the reply, plus the `tools` definitions as their JSON text. Image blocks count as
 * `estimateJsonTokens` counts them; base64 payloads (`source.data`) are skipped.
 *
 * @param body - the request body; non-array `messages` count as none.
 * @returns estimated input tokens, rounded up.
 * @example
 * estimateMessagesInputTokens({ system: 'Be brief.', messages: [{ role: 'user', content: 'Hello, world!' }] })
 * // 15: 3 reply priming + 4 message framing + 'user' 1 + 'Hello, world!' 4 + 'Be brief.' 3
 */
export function estimateMessagesInputTokens(body: MessagesInput): number {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  let tokens = REPLY_PRIMING_TOKENS + messages.length * TOKENS_PER_MESSAGE;
  for (const message of messages) tokens += estimateJsonTokens(message);
  if (typeof body.system === 'string') tokens += estimateTextTokens(body.system);
  else if (body.system !== undefined && body.system !== null) tokens += estimateJsonTokens(body.system);
  // Bodies nested too deep to stringify were refused when they were read (`readJsonBody`).
  if (body.tools !== undefined && body.tools !== null) tokens += estimateTextTokens(JSON.stringify(body.tools) ?? '');
  return tokens;
}

/**
 * Estimated tokens of a non-streamed Message's generated content (text, tool inputs, thinking), used only when
 * the upstream sent no usage.
 *
 * @example
 * messageTextTokens({ content: [{ type: 'text', text: 'Hello there' }] }) // 3
 */
export function messageTextTokens(answer: Record<string, unknown>): number {
  const content = answer['content'];
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const block of content) {
    const b = block as { text?: unknown; thinking?: unknown; input?: unknown } | null;
    if (typeof b?.text === 'string') n += estimateTextTokens(b.text);
    if (typeof b?.thinking === 'string') n += estimateTextTokens(b.thinking);
    if (b?.input !== undefined) n += estimateTextTokens(JSON.stringify(b.input) ?? '');
  }
  return n;
}
