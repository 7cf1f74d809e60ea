// Token estimates of a Responses request (its input, with a remembered parent's context) and of an answer without usage.
import { estimateJsonTokens, estimateTextTokens, outputLimit } from '../../cost/estimate.js';
import type { ResponseRecord } from '../../store/store.js';
import { isRecord } from '../mask-json.js';
import type { ResponsesBody } from './request.js';

/** Framing per input item (role, separators), as chat messages have. */
const TOKENS_PER_ITEM = 4;
/** Tokens that prime the reply. */
const REPLY_PRIMING_TOKENS = 3;

/**
 * Estimates the input tokens the upstream will bill for a Responses request: `instructions`, `input` (a string,
 * or every string of every item, images at a fixed count, base64 payloads skipped), framing per item, the `tools`
 * and the `text` (output format schema) as their JSON text, and, for a continuation whose parent AgentWall
 * relayed, that parent's input and output tokens: the server-side context the upstream bills again. A
 * continuation of an unknown parent, and `item_reference` items, count only what the request shows.
 *
 * @param body - the request body.
 * @param parent - the remembered parent, when there is one.
 * @returns estimated input tokens, rounded up.
 * @example
 * estimateResponsesInput({ model: 'gpt-4o-mini', input: 'Hello, world!' }, undefined); // 11: 3 + 4 + 4
 */
export function estimateResponsesInput(body: ResponsesBody, parent: ResponseRecord | undefined): number {
  let tokens = REPLY_PRIMING_TOKENS;
  if (typeof body.instructions === 'string') tokens += TOKENS_PER_ITEM + estimateTextTokens(body.instructions);
  const input = body.input;
  if (typeof input === 'string') tokens += TOKENS_PER_ITEM + estimateTextTokens(input);
  else if (Array.isArray(input)) for (const item of input) tokens += TOKENS_PER_ITEM + estimateJsonTokens(item);
  for (const extra of [body['tools'], body['text']]) {
    // Bodies nested too deep to stringify were refused when they were read (`readJsonBody`).
    if (extra !== undefined && extra !== null) tokens += estimateTextTokens(JSON.stringify(extra) ?? '');
  }
  if (parent) tokens += parent.inputTokens + parent.outputTokens;
  return tokens;
}

/**
 * The most output tokens the upstream may bill: `max_output_tokens` (reasoning included), else `cap`; a client
 * limit above `cap` is kept, not clamped.
 *
 * @example
 * responsesOutputLimit({ model: 'm', max_output_tokens: 300 }, 4096); // 300
 */
export function responsesOutputLimit(body: ResponsesBody, cap: number): number {
  return outputLimit([body.max_output_tokens], undefined, cap);
}

/** Estimated tokens of a JSON answer's generated text (message text, call names and arguments), for an answer without usage. */
export function answerOutputTokens(answer: Record<string, unknown>): number {
  const output = answer['output'];
  if (!Array.isArray(output)) return 0;
  let n = 0;
  for (const item of output) {
    if (!isRecord(item)) continue;
    if (item['type'] === 'message' && Array.isArray(item['content'])) {
      for (const part of item['content']) {
        if (isRecord(part) && typeof part['text'] === 'string') n += estimateTextTokens(part['text']);
      }
    } else if (typeof item['arguments'] === 'string') {
      n += estimateTextTokens(`${String(item['name'] ?? '')}${item['arguments']}`);
    }
  }
  return n;
}
