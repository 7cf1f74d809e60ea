// Decides a Responses API answer: its output items (reasoning, message or function call), status and usage.
import { charCount, estimateTokens, isReasoningModel, MOCK_REASONING_TOKENS, openAiCachedTokens, truncateToTokens } from '../../text/tokens.js';
import { decideTurn } from '../../tools/turn.js';
import type { Conversation } from './input-items.js';
import type { ResponsesRequest } from './request.js';
import type { ResponseItem, StoredResponse } from './store.js';

/** The Responses API's usage object. */
export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** What the mock answers, before it is shaped as a JSON body or as events. */
export interface ResponsePlan {
  id: string;
  status: 'completed' | 'incomplete';
  output: ResponseItem[];
  usage: ResponsesUsage;
  /** Visible output tokens, which join the chain's context. */
  visibleTokens: number;
}

/**
 * Plan the answer to a validated request on its conversation (see {@link decideTurn}). Input tokens count the
 * instructions, the tool definitions, the input items and, for a continuation, the whole chain's context, as the
 * real API bills it. A reasoning model adds a reasoning item and {@link MOCK_REASONING_TOKENS}; text beyond
 * `max_output_tokens` (less reasoning) is cut and the response is `incomplete`.
 *
 * @example planResponse(request, conversation, undefined, undefined, 1)
 */
export function planResponse(
  request: ResponsesRequest,
  conversation: Conversation,
  parent: StoredResponse | undefined,
  fixedAnswer: string | undefined,
  sequence: number,
): ResponsePlan {
  const toolChars = request.tools.length > 0 ? charCount(JSON.stringify(request.body.tools)) : 0;
  const inputTokens = estimateTokens(charCount(request.instructions ?? '') + toolChars) + conversation.itemTokens + (parent?.contextTokens ?? 0);
  const reasoningTokens = isReasoningModel(request.model) ? MOCK_REASONING_TOKENS : 0;
  const output: ResponseItem[] = reasoningTokens > 0 ? [{ id: `rs_mock_${sequence}`, type: 'reasoning', summary: [] }] : [];
  const turn = decideTurn(
    {
      tools: request.tools,
      toolChoice: request.toolChoice,
      userText: conversation.userText,
      toolResult: conversation.toolResult,
      outputSchema: request.outputSchema,
    },
    fixedAnswer,
  );

  let status: ResponsePlan['status'] = 'completed';
  let visibleTokens: number;
  if (turn.kind === 'tool') {
    const call = { id: `fc_mock_${sequence}`, type: 'function_call', status: 'completed', arguments: turn.arguments, call_id: `call_mock_${sequence}`, name: turn.name };
    output.push(call);
    visibleTokens = estimateTokens(charCount(turn.name + turn.arguments));
  } else {
    let text = turn.text;
    const budget = request.maxOutputTokens === undefined ? undefined : request.maxOutputTokens - reasoningTokens;
    if (budget !== undefined && estimateTokens(charCount(text)) > budget) {
      text = truncateToTokens(text, budget);
      status = 'incomplete';
    }
    visibleTokens = estimateTokens(charCount(text));
    // When reasoning used up the whole budget, the real API returns no message at all.
    if (text !== '' || status === 'completed') {
      const part = { type: 'output_text', annotations: [], logprobs: [], text };
      output.push({ id: `msg_mock_${sequence}`, type: 'message', status, content: [part], role: 'assistant' });
    }
  }
  const outputTokens = visibleTokens + reasoningTokens;
  return {
    id: `resp_mock_${sequence}`,
    status,
    output,
    visibleTokens,
    usage: {
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: openAiCachedTokens(inputTokens) },
      output_tokens: outputTokens,
      output_tokens_details: { reasoning_tokens: reasoningTokens },
      total_tokens: inputTokens + outputTokens,
    },
  };
}
