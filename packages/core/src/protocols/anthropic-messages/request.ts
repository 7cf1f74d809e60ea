// The Messages request schema (zod): what AgentWall reads of an Anthropic body; every other field passes through.
import { z } from 'zod';
import { requireObject, validationError } from '../../validation/issues.js';

const block = z.looseObject({ type: z.string().min(1) });

const content = z.union([z.string(), z.array(block)]);

// `role: "system"` messages are the beta API's per-turn instructions (Claude Code 2.1 sends its environment in one);
// their content is optional there, as a message may carry only an `output_config`.
const message = z.discriminatedUnion('role', [
  z.looseObject({ role: z.enum(['user', 'assistant']), content }),
  z.looseObject({ role: z.literal('system'), content: content.optional() }),
]);

const countShape = {
  model: z.string().min(1),
  messages: z.array(message).min(1),
  // Null is passed on: the upstream, not AgentWall, decides what it accepts beyond the documented types.
  system: z.union([z.string(), z.array(block)]).nullish(),
};

/**
 * An Anthropic Messages body. Fields other than these pass through unchanged.
 *
 * @example
 * messagesRequestSchema.safeParse({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'hi' }] }).success // true
 */
export const messagesRequestSchema = z.looseObject({
  ...countShape,
  // Required by the API, and the bound the budget reservation needs.
  max_tokens: z.number().int().positive(),
  stream: z.boolean().nullish(),
});

/**
 * A `count_tokens` body: the same without `max_tokens` and `stream`.
 *
 * @example
 * countTokensRequestSchema.safeParse({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] }).success // true
 */
export const countTokensRequestSchema = z.looseObject(countShape);

/**
 * One message of a Messages body: `user` or `assistant`, content a string or blocks; or a `system` message (the
 * beta API's per-turn instructions), whose content may be absent.
 *
 * @example
 * const m: MessageParam = { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }] };
 * const s: MessageParam = { role: 'system', content: [{ type: 'text', text: '# Environment' }] };
 */
export type MessageParam =
  | { role: 'user' | 'assistant'; content: string | Array<Record<string, unknown> & { type: string }>; [field: string]: unknown }
  | { role: 'system'; content?: string | Array<Record<string, unknown> & { type: string }>; [field: string]: unknown };

/**
 * The fields AgentWall reads of a `count_tokens` body; everything else is carried as it came.
 *
 * @example
 * const body: CountTokensBody = { model: 'claude-sonnet-4-5', system: 'Be brief.', messages: [{ role: 'user', content: 'hi' }] };
 */
export interface CountTokensBody {
  model: string;
  messages: MessageParam[];
  system?: string | Array<Record<string, unknown> & { type: string }> | null;
  tools?: unknown;
  [field: string]: unknown;
}

/**
 * The fields AgentWall reads of a Messages body; everything else is carried as it came.
 *
 * @example
 * const body: MessagesBody = { model: 'claude-sonnet-4-5', max_tokens: 1024, stream: true, messages: [{ role: 'user', content: 'hi' }] };
 */
export interface MessagesBody extends CountTokensBody {
  max_tokens: number;
  stream?: boolean | null;
}

function validate<T>(schema: z.ZodType, body: unknown): T {
  const obj = requireObject(body);
  const result = schema.safeParse(obj);
  if (result.success) return obj as T;
  throw validationError(result.error, obj);
}

/**
 * Validates a parsed Messages body. Returns the body itself (not a copy: the hot path does not clone prompts).
 * Throws `validation_error` (422) with FastAPI's `detail` list, e.g. for a body without `max_tokens`.
 *
 * @example
 * const body = validateMessagesRequest(JSON.parse(text)); // body.messages, body.max_tokens
 */
export function validateMessagesRequest(body: unknown): MessagesBody {
  return validate<MessagesBody>(messagesRequestSchema, body);
}

/**
 * Validates a parsed `count_tokens` body (`model`, `messages`, optional `system`). Throws `validation_error` (422).
 *
 * @example
 * const body = validateCountTokensRequest({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] });
 */
export function validateCountTokensRequest(body: unknown): CountTokensBody {
  return validate<CountTokensBody>(countTokensRequestSchema, body);
}
