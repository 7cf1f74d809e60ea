// A zod failure as SPEC section 4's 422: FastAPI's `detail` list of { loc, msg, type }.
import type { z } from 'zod';
import { AgentWallError, type ValidationIssue } from '../errors.js';

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
 * The 422 `validation_error` of a body that failed its schema, naming the first problem in the message.
 *
 * @example
 * const r = schema.safeParse(body);
 * if (!r.success) throw validationError(r.error, body);
 */
export function validationError(error: z.ZodError, body: unknown): AgentWallError {
  const issues: ValidationIssue[] = error.issues.map((i) => ({
    loc: ['body', ...i.path.map((p) => (typeof p === 'number' ? p : String(p)))],
    msg: i.message,
    type: issueType(i, body),
  }));
  const first = issues[0]!;
  return new AgentWallError('validation_error', `Invalid request: ${first.loc.slice(1).join('.') || 'body'}: ${first.msg}`, {}, { issues });
}

/**
 * Throws the 422 of a body that is not a JSON object.
 *
 * @example
 * const obj = requireObject(JSON.parse(text));
 */
export function requireObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AgentWallError('validation_error', 'The request body must be a JSON object.', {}, {
      issues: [{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' }],
    });
  }
  return body as Record<string, unknown>;
}
