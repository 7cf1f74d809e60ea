// POST /v1/embeddings as a protocol: DLP on the input strings, budgets and metering on input tokens, never a loop.
import { estimateTextTokens } from '../../cost/estimate.js';
import type { Usage } from '../../cost/usage.js';
import { findUsage } from '../../pipeline/find-usage.js';
import type { StreamObserver } from '../../stream/sse-relay.js';
import { DlpTally } from '../../dlp/tally.js';
import { scanList, scanString } from '../mask-json.js';
import type { Protocol, ProtocolRequest } from '../protocol.js';
import { validateEmbeddingsRequest, type EmbeddingsBody } from './request.js';

/** A validated embeddings request. */
export interface EmbeddingsCall extends ProtocolRequest {
  readonly body: EmbeddingsBody;
}

function call(body: EmbeddingsBody): EmbeddingsCall {
  return { body, model: body.model, stream: false };
}

/**
 * Estimated input tokens: each string's text estimate, a token array its exact length.
 *
 * @example
 * embeddingsInputTokens({ model: 'm', input: ['Hello, world!', [1, 2, 3]] as never }); // 7
 */
export function embeddingsInputTokens(body: EmbeddingsBody): number {
  const input: unknown = body.input;
  if (typeof input === 'string') return estimateTextTokens(input);
  if (!Array.isArray(input)) return 0;
  if (input.every((t) => typeof t === 'number')) return input.length;
  let n = 0;
  for (const item of input) n += typeof item === 'string' ? estimateTextTokens(item) : Array.isArray(item) ? item.length : 0;
  return n;
}

/** The usage of an embeddings answer (`prompt_tokens`: every token is input), or undefined when missing or malformed. */
function embeddingsUsage(usage: Record<string, unknown> | undefined): Usage | undefined {
  const p = usage?.['prompt_tokens'];
  if (typeof p !== 'number' || !Number.isFinite(p) || p < 0) return undefined;
  const promptTokens = Math.ceil(p);
  return { promptTokens, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0, totalTokens: promptTokens };
}

/** Embeddings are never streamed: the pipeline asks for an observer only of a streamed request. */
const NO_STREAM: StreamObserver = { event: () => undefined, usage: undefined, outputTokens: 0 };

/**
 * OpenAI embeddings. The texts are the `input` strings (a string or strings; token arrays are left alone, they
 * are no text to scan); the reservation is the input alone (no output tokens), settled from `usage.prompt_tokens`,
 * read from the end of the answer without parsing its vectors. Not loop-checked: embedding the same text twice is
 * not a loop. Never streamed.
 *
 * @example
 * routeTable([{ method: 'POST', path: '/v1/embeddings', auth: 'key', protocol: openAIEmbeddings }]);
 */
export const openAIEmbeddings: Protocol<EmbeddingsCall> = {
  name: 'openai-embeddings',
  upstreamPath: '/embeddings',
  errorFormat: 'openai',
  parse: (body) => call(validateEmbeddingsRequest(body)),
  mask(request, scan) {
    const tally = new DlpTally();
    const input: unknown = request.body.input;
    let masked: unknown = input;
    if (typeof input === 'string') masked = scanString(input, scan, tally);
    else if (Array.isArray(input)) masked = scanList(input, (item) => (typeof item === 'string' ? scanString(item, scan, tally) : item));
    const { counts, blocked } = tally.snapshot();
    // A copy: a body the host app parsed is not ours to change.
    const next = masked === input ? request : call({ ...request.body, input: masked as EmbeddingsBody['input'] });
    return { request: next, counts, blocked };
  },
  inputTokens: (request) => embeddingsInputTokens(request.body),
  maxOutputTokens: () => 0,
  upstreamBody({ body }) {
    const out: Record<string, unknown> = {};
    for (const k in body) if (!k.startsWith('agentwall_')) out[k] = body[k];
    return out;
  },
  answerUsage(raw, parse) {
    // The usage follows the vectors: found from the end, so the vectors are never parsed.
    const usage = embeddingsUsage(findUsage(raw)) ?? embeddingsUsage(parse()?.['usage'] as Record<string, unknown> | undefined);
    return { usage, outputTokens: 0 };
  },
  streamObserver: () => NO_STREAM,
};
