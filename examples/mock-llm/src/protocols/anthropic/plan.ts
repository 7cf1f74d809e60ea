// Decides an Anthropic answer: its content blocks (text, or a short text and a tool_use), stop reason and usage.
import { charCount, estimateTokens, truncateToTokens } from '../../text/tokens.js';
import { decideTurn } from '../../tools/turn.js';
import { promptBlocks, promptTokens } from './prompt-blocks.js';
import type { PromptCache } from './prompt-cache.js';
import { lastUserText, trailingToolResult, type MessagesRequest } from './request.js';

/** Anthropic's usage object; `input_tokens` excludes the cache reads and writes, as on the real API. */
export interface AnthropicUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
  service_tier: 'standard';
}

/** What the mock answers, before it is shaped as a JSON body or as events. */
export interface MessagePlan {
  id: string;
  content: Record<string, unknown>[];
  stopReason: 'end_turn' | 'max_tokens' | 'tool_use';
  usage: AnthropicUsage;
}

/**
 * Plan the answer to a validated request (see {@link decideTurn}). A tool call under tool choice `auto` is a text
 * block saying which tool is used, then the tool_use block (a forced choice gives the tool_use alone, as Claude
 * does); text beyond `max_tokens` is cut with stop reason `max_tokens`. Cache figures come from `cache`.
 *
 * @example planMessage(request, state.promptCache, undefined, 1)
 */
export function planMessage(request: MessagesRequest, cache: PromptCache, fixedAnswer: string | undefined, sequence: number): MessagePlan {
  const blocks = promptBlocks(request);
  const cached = cache.use(request.model, blocks);
  const written = cached.write5mTokens + cached.write1hTokens;
  const turn = decideTurn(
    { tools: request.tools, toolChoice: request.toolChoice, userText: lastUserText(request.messages), toolResult: trailingToolResult(request.messages) },
    fixedAnswer,
  );

  let content: Record<string, unknown>[];
  let stopReason: MessagePlan['stopReason'];
  let outputChars: number;
  if (turn.kind === 'tool') {
    const input = JSON.parse(turn.arguments) as unknown;
    const toolUse = { type: 'tool_use', id: `toolu_mock_${sequence}`, name: turn.name, input };
    const preamble = `I'll use the ${turn.name} tool.`;
    content = request.toolChoice.mode === 'auto' ? [{ type: 'text', text: preamble }, toolUse] : [toolUse];
    stopReason = 'tool_use';
    outputChars = charCount((content.length > 1 ? preamble : '') + turn.name + turn.arguments);
  } else {
    let text = turn.text;
    stopReason = 'end_turn';
    if (estimateTokens(charCount(text)) > request.maxTokens) {
      text = truncateToTokens(text, request.maxTokens);
      stopReason = 'max_tokens';
    }
    content = [{ type: 'text', text }];
    outputChars = charCount(text);
  }
  return {
    id: `msg_mock_${sequence}`,
    content,
    stopReason,
    usage: {
      input_tokens: promptTokens(blocks) - cached.readTokens - written,
      cache_creation_input_tokens: written,
      cache_read_input_tokens: cached.readTokens,
      cache_creation: { ephemeral_5m_input_tokens: cached.write5mTokens, ephemeral_1h_input_tokens: cached.write1hTokens },
      output_tokens: estimateTokens(outputChars),
      service_tier: 'standard',
    },
  };
}
