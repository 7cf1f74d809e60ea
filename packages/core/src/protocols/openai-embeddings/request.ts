// The embeddings request schema (zod): a model and an input of strings or token arrays; every other field passes through.
import { z } from 'zod';
import { requireObject, validationError } from '../../validation/issues.js';

const tokens = z.array(z.number().int().nonnegative()).min(1);

/** An OpenAI embeddings body. Fields other than these pass through unchanged. */
export const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1), tokens, z.array(tokens).min(1)]),
});

/** The fields AgentWall reads; everything else is carried as it came. */
export interface EmbeddingsBody {
  model: string;
  /** A string, strings, a token array or token arrays. */
  input: string | string[] | number[] | number[][];
  [field: string]: unknown;
}

/**
 * Validates a parsed body. Returns the body itself. Throws `validation_error` (422) with FastAPI's `detail` list.
 *
 * @example
 * const body = validateEmbeddingsRequest({ model: 'text-embedding-3-small', input: ['a', 'b'] });
 */
export function validateEmbeddingsRequest(body: unknown): EmbeddingsBody {
  const obj = requireObject(body);
  const result = embeddingsRequestSchema.safeParse(obj);
  if (result.success) return obj as EmbeddingsBody;
  throw validationError(result.error, obj);
}
