// The chat completion request schema (zod), and its failures in FastAPI's 422 `detail` shape.
import { z } from 'zod';
import { AgentWallError, type ValidationIssue } from '../errors.js';

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
export interface ChatRequest {
  model: string;
  messages: Array<Record<string, unknown> & { role: string; content?: unknown }>;
  stream?: boolean | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  stream_options?: { include_usage?: boolean | null } | null;
  [field: string]: unknown;
}

function issueType(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'custom') return (issue.params as { type?: string } | undefined)?.type ?? 'value_error';
  if (issue.code === 'invalid_type') {
    let v: unknown = input;
    for (const p of issue.path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
    return v === undefined ? 'missing' : `${issue.expected}_type`;
  }
  if (issue.code === 'too_small') return issue.origin === 'array' ? 'too_short' : issue.origin === 'string' ? 'string_too_short' : 'greater_than_equal';
  if (issue.code === 'invalid_value') return 'enum';
  return issue.code;
}

/**
 * Validates a parsed body. Returns the body itself (not a copy: the hot path does not clone prompts).
 * Throws `validation_error` (422) with FastAPI's `detail` list.
 */
export function validateChatRequest(body: unknown): ChatRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AgentWallError('validation_error', 'The request body must be a JSON object.', {}, {
      issues: [{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' }],
    });
  }
  const result = chatRequestSchema.safeParse(body);
  if (result.success) return body as ChatRequest;
  const issues: ValidationIssue[] = result.error.issues.map((i) => ({
    loc: ['body', ...i.path.map((p) => (typeof p === 'number' ? p : String(p)))],
    msg: i.message,
    type: issueType(i, body),
  }));
  const first = issues[0]!;
  throw new AgentWallError('validation_error', `Invalid request: ${first.loc.slice(1).join('.') || 'body'}: ${first.msg}`, {}, { issues });
}
