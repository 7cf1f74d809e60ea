// The chat completion request schema (zod): what AgentWall reads of a body; every other field passes through.
import { z } from 'zod';
import { requireObject, validationError } from '../../validation/issues.js';

const part = z.looseObject({ type: z.string().min(1) });

const message = z
  .looseObject({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
    content: z.union([z.string(), z.array(part), z.null()]).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.role !== 'assistant' && (m.content === undefined || m.content === null)) {
      ctx.addIssue({ code: 'custom', path: ['content'], message: `content is required for a ${m.role} message`, params: { type: 'missing' } });
    }
  });

/** An OpenAI chat completion body. Fields other than these pass through unchanged. */
export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  stream: z.boolean().nullish(),
  max_tokens: z.number().int().nonnegative().nullish(),
  max_completion_tokens: z.number().int().nonnegative().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
});

/** The fields AgentWall reads; everything else is carried as it came. */
export interface ChatBody {
  model: string;
  messages: Array<Record<string, unknown> & { role: string; content?: unknown }>;
  stream?: boolean | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  stream_options?: { include_usage?: boolean | null } | null;
  [field: string]: unknown;
}

/** @deprecated the old name of {@link ChatBody}. */
export type ChatRequest = ChatBody;

/**
 * Validates a parsed body. Returns the body itself (not a copy: the hot path does not clone prompts).
 * Throws `validation_error` (422) with FastAPI's `detail` list.
 *
 * @example
 * const body = validateChatRequest(JSON.parse(text)); // body.messages, body.model
 */
export function validateChatRequest(body: unknown): ChatBody {
  const obj = requireObject(body);
  const result = chatRequestSchema.safeParse(obj);
  if (result.success) return obj as ChatBody;
  throw validationError(result.error, obj);
}
