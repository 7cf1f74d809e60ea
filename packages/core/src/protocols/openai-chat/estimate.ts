// Token estimates of a chat completion request: its prompt before it is sent, its output limit.
import { DEFAULT_IMAGE_TOKENS, estimateJsonTokens, estimateTextTokens, outputLimit } from '../../cost/estimate.js';

/** Chat-format framing per message (role, separators); OpenAI's documented figure is 3, +1 with `name`. */
const TOKENS_PER_MESSAGE = 4;
/** Tokens that prime the assistant's reply. */
const REPLY_PRIMING_TOKENS = 3;

/**
 * Options of {@link estimatePromptTokens}.
 *
 * @example
 * estimatePromptTokens(body, { imageTokens: 1105 });
 */
export interface EstimateOptions {
  /** Tokens counted per image part, whose real cost depends on its size and the model. Default 765. */
  imageTokens?: number;
}

/**
 * Request fields read by {@link estimatePromptTokens}; other fields are ignored.
 *
 * @example
 * const body: PromptBody = { messages: [{ role: 'user', content: 'Hello' }] };
 */
export interface PromptBody {
  messages: unknown[];
  tools?: unknown;
  /** Legacy function-calling definitions, billed as input like `tools`. */
  functions?: unknown;
  /** A JSON schema here is sent to the model and billed as input. */
  response_format?: unknown;
}

/**
 * Estimates a chat request's prompt tokens: every string in every message (text parts, tool-call names and
 * arguments, tool results, names) plus framing per message and for the reply, plus tool/function definitions
 * and a `response_format` schema counted as their JSON text (more than the model's own rendering of them).
 * Image parts count `imageTokens` each; base64 payloads (`data:` URLs, audio/file data) are skipped, as their
 * size says little about their token cost.
 *
 * @param body - the request body; non-array `messages` count as none.
 * @param opts - see {@link EstimateOptions}; default `{}`.
 * @returns estimated prompt tokens, rounded up.
 * @example
 * estimatePromptTokens({ messages: [{ role: 'user', content: 'Hello, world!' }] })
 * // 12: 3 reply priming + 4 message framing + 'user' 1 + 'Hello, world!' 4
 */
export function estimatePromptTokens(body: PromptBody, opts: EstimateOptions = {}): number {
  const imageTokens = opts.imageTokens ?? DEFAULT_IMAGE_TOKENS;
  const messages = Array.isArray(body.messages) ? body.messages : [];
  let tokens = REPLY_PRIMING_TOKENS + messages.length * TOKENS_PER_MESSAGE;
  for (const message of messages) tokens += estimateJsonTokens(message, imageTokens);
  for (const extra of [body.tools, body.functions, body.response_format]) {
    // Bodies nested too deep to stringify were refused when they were read (`readJsonBody`).
    if (extra !== undefined && extra !== null) tokens += estimateTextTokens(JSON.stringify(extra) ?? '');
  }
  return tokens;
}

/**
 * Request fields read by {@link maxOutputTokens}.
 *
 * @example
 * const body: OutputLimitBody = { max_completion_tokens: 1024, n: 2 };
 */
export interface OutputLimitBody {
  max_completion_tokens?: unknown;
  max_tokens?: unknown;
  /** Number of choices; each may use the full output limit. */
  n?: unknown;
}

/**
 * The most output tokens the upstream may bill for this request: `max_completion_tokens ?? max_tokens ?? cap`,
 * times `n` choices. A client limit above `cap` is kept, not clamped: the upstream honours the client's limit,
 * so a clamped reservation would under-cover the real worst case. `cap` only stands in when the client sets no
 * limit (the model could then write up to its own maximum). Invalid values (non-integers, ≤ 0) are ignored.
 *
 * @param body - the request body.
 * @param cap - configured stand-in when the client sets no limit, a positive integer (e.g. 4096).
 * @returns output tokens to reserve for.
 * @throws RangeError when `cap` is not a positive integer.
 * @example
 * maxOutputTokens({ max_tokens: 100 }, 4096) // 100
 * maxOutputTokens({ max_tokens: 10_000 }, 4096) // 10000
 * maxOutputTokens({}, 4096) // 4096
 * maxOutputTokens({ max_completion_tokens: 500, n: 3 }, 4096) // 1500
 */
export function maxOutputTokens(body: OutputLimitBody, cap: number): number {
  return outputLimit([body.max_completion_tokens, body.max_tokens], body.n, cap);
}

/** Estimated tokens of a non-streamed answer's text, used only when the upstream sent no usage. */
export function completionTextTokens(answer: Record<string, unknown>): number {
  const choices = answer['choices'];
  if (!Array.isArray(choices)) return 0;
  let n = 0;
  for (const c of choices) {
    const m = (c as { message?: { content?: unknown; tool_calls?: unknown } } | null)?.message;
    if (typeof m?.content === 'string') n += estimateTextTokens(m.content);
    if (Array.isArray(m?.tool_calls)) n += estimateTextTokens(JSON.stringify(m.tool_calls));
  }
  return n;
}
