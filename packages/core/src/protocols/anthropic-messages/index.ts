// POST /v1/messages as a protocol: Anthropic's Messages API, JSON and streamed, for Claude Code and the Anthropic SDKs.
import { outputLimit } from '../../cost/estimate.js';
import { findUsage } from '../../pipeline/find-usage.js';
import type { Protocol, ProtocolRequest } from '../protocol.js';
import { estimateMessagesInputTokens, messageTextTokens } from './estimate.js';
import { messagesLoopView } from './loop-view.js';
import { validateMessagesRequest, type MessagesBody } from './request.js';
import { messagesStreamObserver } from './stream-observer.js';
import { scanMessageAnswer, scanMessagesRequest } from './texts.js';
import { normalizeAnthropicUsage } from './usage.js';

export { countTokensRoute } from './count-tokens.js';
export { normalizeAnthropicUsage } from './usage.js';

/**
 * A validated Messages request.
 *
 * @example
 * const call: MessagesCall = anthropicMessages.parse(body); // call.model, call.stream, call.body.max_tokens
 */
export interface MessagesCall extends ProtocolRequest {
  readonly body: MessagesBody;
}

function call(body: MessagesBody): MessagesCall {
  return { body, model: body.model, stream: body.stream === true };
}

/**
 * Anthropic's Messages API. Texts are `system`, text blocks, `tool_result` content and `tool_use` input strings;
 * tool loops are `tool_use` / `tool_result` pairs matched by `tool_use_id`; the reservation is `max_tokens`
 * (required); usage is the answer's `usage`, in streams `message_start`'s and the cumulative `message_delta`'s,
 * each token priced once (cache reads and writes at their own prices); `message_stop` ends a stream. It is
 * forwarded to an upstream of the Anthropic kind, whose key goes in `x-api-key`; `anthropic-version` and
 * `anthropic-beta` go as the client sent them. Errors are in Anthropic's shape.
 *
 * @example
 * routeTable([{ method: 'POST', path: '/v1/messages', auth: 'key', protocol: anthropicMessages }]);
 */
export const anthropicMessages: Protocol<MessagesCall> = {
  name: 'anthropic-messages',
  upstreamPath: '/v1/messages',
  upstreamKind: 'anthropic',
  billsCacheWrites: true,
  errorFormat: 'anthropic',
  parse: (body) => call(validateMessagesRequest(body)),
  mask(request, scan) {
    const scanned = scanMessagesRequest(request.body, scan);
    if (!scanned.changed) return { request, counts: scanned.counts, blocked: scanned.blocked };
    // A copy: a body the host app parsed is not ours to change.
    const body: MessagesBody = { ...request.body, messages: scanned.messages as MessagesBody['messages'] };
    if (scanned.system !== request.body.system) body.system = scanned.system as NonNullable<MessagesBody['system']>;
    return { request: call(body), counts: scanned.counts, blocked: scanned.blocked };
  },
  inputTokens: (request) => estimateMessagesInputTokens(request.body),
  maxOutputTokens: (request, cap) => outputLimit([request.body.max_tokens], undefined, cap),
  loopView: (request) => messagesLoopView(request.body),
  upstreamBody({ body }) {
    const out: Record<string, unknown> = {};
    for (const k in body) if (!k.startsWith('agentwall_')) out[k] = body[k];
    return out;
  },
  answerUsage(raw, parse) {
    // Usage is last in Anthropic's answers: read without parsing the text, which is parsed only if that fails.
    const found = normalizeAnthropicUsage(findUsage(raw));
    if (found) return { usage: found, outputTokens: 0 };
    const answer = parse();
    return { usage: normalizeAnthropicUsage(answer?.['usage']), outputTokens: answer ? messageTextTokens(answer) : 0 };
  },
  maskAnswer: (answer, scan) => scanMessageAnswer(answer, scan),
  streamObserver: (_request, options) => messagesStreamObserver({ estimateTokens: options.estimateTokens, scanner: options.scanner }),
};
