// POST /v1/responses as a protocol: OpenAI's Responses API, JSON and streamed, with previous_response_id chains.
import { normalizeUsage } from '../../cost/usage.js';
import { findUsage } from '../../pipeline/find-usage.js';
import type { ResponseRecord } from '../../store/store.js';
import type { Protocol, ProtocolRequest } from '../protocol.js';
import { answerOutputTokens, estimateResponsesInput, responsesOutputLimit } from './estimate.js';
import { responseLink } from './links.js';
import { responsesLoopView } from './loop-view.js';
import { validateResponsesRequest, type ResponsesBody } from './request.js';
import { responsesStreamObserver, type ResponsesStreamObserver } from './stream-observer.js';
import { scanResponsesAnswer, scanResponsesRequest } from './texts.js';

export { responsesLoopView } from './loop-view.js';
export { validateResponsesRequest, type ResponsesBody } from './request.js';

/** A validated Responses request, with what AgentWall remembers of the response it continues. */
export interface ResponsesCall extends ProtocolRequest {
  readonly body: ResponsesBody;
  /** The remembered parent of a `previous_response_id` continuation that AgentWall relayed for this key. */
  readonly parent: ResponseRecord | undefined;
}

function call(body: ResponsesBody, parent: ResponseRecord | undefined): ResponsesCall {
  return { body, model: body.model, stream: body.stream === true, parent };
}

/** True when the upstream keeps the answer (the API's default), so it can be continued or read later. */
const stored = (request: ResponsesCall): boolean => request.body.store !== false;

/**
 * The OpenAI Responses API. Texts are `instructions`, `input` and its items' text (messages, call arguments,
 * call outputs); the output reservation is `max_output_tokens` or the cap; usage is the final response's
 * `input_tokens` (with `input_tokens_details.cached_tokens`) and `output_tokens` (with
 * `output_tokens_details.reasoning_tokens`), in JSON and in the stream's `response.completed`,
 * `response.incomplete` and `response.failed`; those events end a stream of named events relayed byte for byte.
 * A request with `previous_response_id` is read with its parent (see `chain`): it joins the parent's run, its
 * `function_call_output` items are fingerprinted with the calls they answer, and its input estimate counts the
 * parent's context.
 *
 * @example
 * routeTable([{ method: 'POST', path: '/v1/responses', auth: 'key', protocol: openAIResponses }]);
 */
export const openAIResponses: Protocol<ResponsesCall> = {
  name: 'openai-responses',
  upstreamPath: '/responses',
  errorFormat: 'openai',
  parse: (body) => call(validateResponsesRequest(body), undefined),
  mask(request, scan) {
    const scanned = scanResponsesRequest(request.body, scan);
    // A copy: a body the host app parsed is not ours to change.
    return { request: scanned.changed ? call(scanned.body, request.parent) : request, counts: scanned.counts, blocked: scanned.blocked };
  },
  inputTokens: (request) => estimateResponsesInput(request.body, request.parent),
  maxOutputTokens: (request, cap) => responsesOutputLimit(request.body, cap),
  loopView: (request) => responsesLoopView(request.body, request.parent),
  upstreamBody({ body }) {
    const out: Record<string, unknown> = {};
    for (const k in body) if (!k.startsWith('agentwall_')) out[k] = body[k];
    return out;
  },
  answerUsage(raw, parse) {
    // The usage object sits near the end of the answer: read without parsing it, unless it is missing.
    const found = findUsage(raw);
    const fast = found !== undefined && found['input_tokens'] !== undefined ? normalizeUsage(found) : undefined;
    if (fast) return { usage: fast, outputTokens: 0 };
    const answer = parse();
    return { usage: normalizeUsage(answer?.['usage']), outputTokens: answer ? answerOutputTokens(answer) : 0 };
  },
  maskAnswer(answer, scan) {
    const masked = scanResponsesAnswer(answer, scan);
    return { answer: masked.body, changed: masked.changed, counts: masked.counts };
  },
  streamObserver: (request, options) => responsesStreamObserver({ estimateTokens: options.estimateTokens, link: stored(request), scanner: options.scanner }),
  chain: {
    parentId: (request) => request.body.previous_response_id ?? undefined,
    withParent: (request, parent) => call(request.body, parent),
    remembers: stored,
    answerLink: (answer) => responseLink(answer),
    streamLink: (observer) => (observer as ResponsesStreamObserver).link(),
  },
};
