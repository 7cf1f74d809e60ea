// The Responses API request schema (zod): what AgentWall reads of a body; every other field passes through.
import { z } from 'zod';
import { requireObject, validationError } from '../../validation/issues.js';

const part = z.looseObject({ type: z.string().min(1) });
const content = z.union([z.string(), z.array(part)]);
const MESSAGE_ROLES = new Set(['user', 'assistant', 'system', 'developer']);

/**
 * One input item. Only the items AgentWall reads are checked (messages, function calls and their outputs);
 * any other type (reasoning, item references, built-in tool calls, ...) passes as it is.
 */
const item = z.looseObject({ type: z.string().min(1).optional() }).superRefine((it, ctx) => {
  const type = it.type ?? ('role' in it ? 'message' : undefined);
  const fail = (path: string, message: string, kind = 'missing'): void => {
    ctx.addIssue({ code: 'custom', path: [path], message, params: { type: kind } });
  };
  if (type === undefined) return fail('type', 'an input item needs a `type` (or a `role` for a message)');
  if (type === 'message') {
    if (typeof it['role'] !== 'string' || !MESSAGE_ROLES.has(it['role'])) fail('role', 'a message needs a role: user, assistant, system or developer', 'enum');
    if (!content.safeParse(it['content']).success) fail('content', 'a message needs content: a string or an array of parts');
  } else if (type === 'function_call_output' || type === 'custom_tool_call_output') {
    if (typeof it['call_id'] !== 'string') fail('call_id', `a ${type} needs the call_id it answers`);
    if (!content.safeParse(it['output']).success) fail('output', `a ${type} needs an output: a string or an array of parts`);
  } else if (type === 'function_call') {
    if (typeof it['call_id'] !== 'string') fail('call_id', 'a function_call needs a call_id');
    if (typeof it['name'] !== 'string') fail('name', 'a function_call needs a name');
    if (typeof it['arguments'] !== 'string') fail('arguments', 'a function_call needs its arguments as a JSON string');
  }
});

/** An OpenAI Responses API body. Fields other than these pass through unchanged. */
export const responsesRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(item)]).nullish(),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  max_output_tokens: z.number().int().nonnegative().nullish(),
  previous_response_id: z.string().min(1).nullish(),
  store: z.boolean().nullish(),
});

/** The fields AgentWall reads; everything else is carried as it came. */
export interface ResponsesBody {
  model: string;
  /** A string (one user message) or input items; absent when a continuation sends none. */
  input?: string | Array<Record<string, unknown>> | null;
  instructions?: string | null;
  stream?: boolean | null;
  max_output_tokens?: number | null;
  previous_response_id?: string | null;
  /** `false`: the upstream keeps no copy, so nothing can continue or read the answer. Default true. */
  store?: boolean | null;
  [field: string]: unknown;
}

/**
 * Validates a parsed body. Returns the body itself (not a copy: the hot path does not clone prompts).
 * Throws `validation_error` (422) with FastAPI's `detail` list.
 *
 * @example
 * const body = validateResponsesRequest(JSON.parse(text)); // body.input, body.model
 */
export function validateResponsesRequest(body: unknown): ResponsesBody {
  const obj = requireObject(body);
  const result = responsesRequestSchema.safeParse(obj);
  if (result.success) return obj as ResponsesBody;
  throw validationError(result.error, obj);
}
