// POST /v1/chat/completions as a protocol: OpenAI's chat completions, JSON and streamed.
import { estimateTextTokens } from '../../cost/estimate.js';
import { normalizeUsage } from '../../cost/usage.js';
import { findUsage } from '../../pipeline/find-usage.js';
import type { Protocol, ProtocolRequest } from '../protocol.js';
import { completionTextTokens, estimatePromptTokens, maxOutputTokens } from './estimate.js';
import { chatLoopView } from './loop-view.js';
import { validateChatRequest, type ChatBody } from './request.js';
import { chatStreamObserver } from './stream-observer.js';
import { scanChatCompletion, scanChatMessages } from './texts.js';

/** A validated chat completion request. */
export interface ChatCall extends ProtocolRequest {
  readonly body: ChatBody;
}

function call(body: ChatBody): ChatCall {
  return { body, model: body.model, stream: body.stream === true };
}

/**
 * OpenAI chat completions. Texts are the messages' string content, text parts, tool-call arguments and tool
 * results; usage is the answer's `usage`, in streams the usage-only chunk AgentWall asks for with
 * `stream_options.include_usage` (and hides from a client that did not ask for it); `data: [DONE]` ends a stream.
 *
 * @example
 * routeTable([{ method: 'POST', path: '/v1/chat/completions', protocol: openAIChat }]);
 */
export const openAIChat: Protocol<ChatCall> = {
  name: 'openai-chat',
  upstreamPath: '/chat/completions',
  errorFormat: 'openai',
  parse: (body) => call(validateChatRequest(body)),
  mask(request, scan) {
    const scanned = scanChatMessages(request.body.messages, scan);
    // A copy: a body the host app parsed is not ours to change.
    const masked = scanned.changed ? call({ ...request.body, messages: scanned.messages as ChatBody['messages'] }) : request;
    return { request: masked, counts: scanned.counts, blocked: scanned.blocked };
  },
  inputTokens: (request) => estimatePromptTokens(request.body),
  maxOutputTokens: (request, cap) => maxOutputTokens(request.body, cap),
  loopView: (request) => chatLoopView(request.body),
  upstreamBody({ body }) {
    const out: Record<string, unknown> = {};
    for (const k in body) if (!k.startsWith('agentwall_')) out[k] = body[k];
    if (body.stream === true) out['stream_options'] = { ...(body.stream_options ?? {}), include_usage: true };
    return out;
  },
  answerUsage(raw, parse) {
    // Usage is read without parsing the answer; the answer is parsed only when usage is missing (to estimate).
    const found = findUsage(raw);
    if (found !== undefined) return { usage: normalizeUsage(found), outputTokens: 0 };
    const answer = parse();
    return { usage: normalizeUsage(answer?.['usage']), outputTokens: answer ? completionTextTokens(answer) : 0 };
  },
  maskAnswer(answer, scan) {
    const masked = scanChatCompletion(answer, scan);
    return { answer: masked.body as Record<string, unknown>, changed: masked.changed, counts: masked.counts };
  },
  streamObserver: (request, options) =>
    chatStreamObserver({
      hideUsageChunk: request.body.stream_options?.include_usage !== true,
      estimateTokens: options.estimateTokens ?? estimateTextTokens,
      scanner: options.scanner,
    }),
};
