// Decides the deterministic chat completion (text or tool call), its finish reason and token usage for a request.
import { charCount, estimateTokens, isReasoningModel, MOCK_REASONING_TOKENS, openAiCachedTokens, truncateToTokens } from '../../text/tokens.js';
import { decideTurn } from '../../tools/turn.js';
import { lastUserText, promptChars, trailingToolResult, type ChatRequest } from './request.js';

/** OpenAI-shaped token usage. */
export interface MockUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

/** A single function tool call the mock makes. */
export interface MockToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** What the mock will answer, independent of streaming or not. */
export type CompletionPlan =
  | { kind: 'text'; content: string; finishReason: 'stop' | 'length'; usage: MockUsage }
  | { kind: 'tool'; toolCall: MockToolCall; finishReason: 'tool_calls' | 'function_call'; usage: MockUsage };

function usageFor(request: ChatRequest, visibleTokens: number): MockUsage {
  const promptTokens = estimateTokens(promptChars(request.messages) + request.toolChars) + 3 * request.messages.length;
  const reasoningTokens = isReasoningModel(request.model) ? MOCK_REASONING_TOKENS : 0;
  const completionTokens = visibleTokens + reasoningTokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: openAiCachedTokens(promptTokens) },
    completion_tokens_details: { reasoning_tokens: reasoningTokens },
  };
}

/**
 * Plan the answer for a validated request (see {@link decideTurn}); `sequence` makes tool call ids unique per mock.
 * Text longer than the token limit (less a reasoning model's reasoning tokens) is cut, with finish reason `length`.
 *
 * @example planCompletion(parseChatRequest(body) as ChatRequest, undefined, 1)
 */
export function planCompletion(request: ChatRequest, fixedAnswer: string | undefined, sequence: number): CompletionPlan {
  const turn = decideTurn(
    {
      tools: request.tools,
      toolChoice: request.toolChoice,
      userText: lastUserText(request.messages),
      toolResult: trailingToolResult(request.messages),
      outputSchema: request.outputSchema,
    },
    fixedAnswer,
  );
  if (turn.kind === 'tool') {
    const toolCall: MockToolCall = { id: `call_mock_${sequence}`, name: turn.name, arguments: turn.arguments };
    const finishReason = request.legacyFunctions ? 'function_call' : 'tool_calls';
    return { kind: 'tool', toolCall, finishReason, usage: usageFor(request, estimateTokens(charCount(turn.name + turn.arguments))) };
  }

  let content = turn.text;
  let finishReason: 'stop' | 'length' = 'stop';
  const budget = request.maxTokens === undefined ? undefined : request.maxTokens - (isReasoningModel(request.model) ? MOCK_REASONING_TOKENS : 0);
  if (budget !== undefined && estimateTokens(charCount(content)) > budget) {
    content = truncateToTokens(content, budget);
    finishReason = 'length';
  }
  return { kind: 'text', content, finishReason, usage: usageFor(request, estimateTokens(charCount(content))) };
}
