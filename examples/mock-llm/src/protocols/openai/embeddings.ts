// POST /v1/embeddings: strings or token arrays in, deterministic vectors out (float or base64), usage.prompt_tokens.
import { sendJson } from '../../http/exchange.js';
import { respondJson } from '../../http/respond.js';
import type { Route } from '../../route.js';
import { isRecord, positiveInt } from '../../text/json-shapes.js';
import { charCount, estimateTokens } from '../../text/tokens.js';
import { authorizeOpenAi } from './auth.js';
import { base64Vector, defaultDimensions, embeddingVector } from './embedding-vectors.js';
import { errorBody } from './errors.js';

/** A validated embeddings request: one entry per input, with its hash key and token count. */
interface EmbeddingsRequest {
  model: string;
  inputs: { key: string; tokens: number }[];
  dimensions: number;
  base64: boolean;
}

function isTokenArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((t) => Number.isInteger(t));
}

/** Each input's hash key and tokens: a string costs a quarter of its characters, a token array its length. */
function inputsOf(input: unknown): { key: string; tokens: number }[] | undefined {
  const text = (s: string): { key: string; tokens: number } => ({ key: `text:${s}`, tokens: estimateTokens(charCount(s)) });
  const tokens = (t: number[]): { key: string; tokens: number } => ({ key: `tokens:${t.join(',')}`, tokens: t.length });
  if (typeof input === 'string') return input === '' ? undefined : [text(input)];
  if (isTokenArray(input)) return [tokens(input)];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  const out: { key: string; tokens: number }[] = [];
  for (const item of input) {
    if (typeof item === 'string' && item !== '') out.push(text(item));
    else if (isTokenArray(item)) out.push(tokens(item));
    else return undefined;
  }
  return out;
}

function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest | { error: string; param: string | null } {
  if (!isRecord(body)) return { error: 'We could not parse the JSON body of your request. The body must be a JSON object.', param: null };
  if (typeof body.model !== 'string') return { error: 'you must provide a model parameter', param: 'model' };
  const inputs = inputsOf(body.input);
  if (!inputs) {
    return { error: "'input' must be a non-empty string, an array of non-empty strings, or token arrays.", param: 'input' };
  }
  if (body.dimensions !== undefined && positiveInt(body.dimensions) === undefined) {
    return { error: "Invalid 'dimensions': expected a positive integer.", param: 'dimensions' };
  }
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    return { error: `Invalid value for 'encoding_format': expected 'float' or 'base64', got '${String(format)}'.`, param: 'encoding_format' };
  }
  return { model: body.model, inputs, dimensions: positiveInt(body.dimensions) ?? defaultDimensions(body.model), base64: format === 'base64' };
}

/** The embeddings route. */
export const openAiEmbeddingsRoutes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/embeddings$/,
    protocol: 'openai',
    handle: ({ ex, behaviour, opts }) => {
      if (!authorizeOpenAi(ex, opts.apiKey)) return;
      const request = parseEmbeddingsRequest(ex.record.body);
      if ('error' in request) return sendJson(ex, 400, errorBody(request.error, 'invalid_request_error', null, request.param));
      const promptTokens = request.inputs.reduce((sum, input) => sum + input.tokens, 0);
      const data = request.inputs.map((input, index) => {
        const vector = embeddingVector(input.key, request.dimensions);
        return { object: 'embedding', index, embedding: request.base64 ? base64Vector(vector) : vector };
      });
      respondJson(ex, behaviour, { object: 'list', data, model: request.model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } });
    },
  },
];
