// Decides the deterministic answer (text or tool call), its finish reason and token usage for a request.
import { charCount, lastUserText, messageRole, promptChars, type ChatRequest } from './chat-request.js';

/** A short fixed poem for prompts that ask for one, so demos look like an LLM answered. */
export const MOCK_POEM = [
  'Silent circuits hum at night,',
  'Tokens drift like falling light,',
  'A mock replies in measured rhyme,',
  'The same four lines, every time.',
].join('\n');

/** Marker in the last user message that makes the mock answer with a tool call when tools are offered. */
export const CALL_TOOL_MARKER = '[call tool]';

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
  | { kind: 'tool'; toolCall: MockToolCall; finishReason: 'tool_calls'; usage: MockUsage };

/** Estimate tokens as a quarter of the characters, rounded up. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/** The default deterministic answer: the poem, or an echo of the (whitespace-collapsed) prompt's first 60 chars. */
export function deriveAnswer(userText: string): string {
  if (/poem/i.test(userText)) return MOCK_POEM;
  const collapsed = userText.replace(/\s+/g, ' ').trim();
  if (collapsed === '') return 'Mock answer.';
  return `Mock answer to: ${Array.from(collapsed).slice(0, 60).join('')}`;
}

function usageFor(request: ChatRequest, completionChars: number): MockUsage {
  const promptTokens = estimateTokens(promptChars(request.messages)) + 3 * request.messages.length;
  const completionTokens = estimateTokens(completionChars);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

/** Plan the answer for a validated request; `sequence` makes tool call ids unique per mock. */
export function planCompletion(request: ChatRequest, fixedAnswer: string | undefined, sequence: number): CompletionPlan {
  const userText = lastUserText(request.messages);
  const lastRole = messageRole(request.messages[request.messages.length - 1]);
  const firstTool = request.toolNames[0];
  if (firstTool !== undefined && lastRole !== 'tool' && userText.includes(CALL_TOOL_MARKER)) {
    const toolCall: MockToolCall = { id: `call_mock_${sequence}`, name: firstTool, arguments: '{}' };
    return { kind: 'tool', toolCall, finishReason: 'tool_calls', usage: usageFor(request, charCount(firstTool + toolCall.arguments)) };
  }

  let content = fixedAnswer ?? deriveAnswer(userText);
  let finishReason: 'stop' | 'length' = 'stop';
  if (request.maxTokens !== undefined && estimateTokens(charCount(content)) > request.maxTokens) {
    content = Array.from(content).slice(0, request.maxTokens * 4).join('');
    finishReason = 'length';
  }
  return { kind: 'text', content, finishReason, usage: usageFor(request, charCount(content)) };
}
