// The deterministic words the mock answers with, and the markers in a prompt that steer its tool calls.

/** A short fixed poem for prompts that ask for one, so demos look like an LLM answered. */
export const MOCK_POEM = [
  'Silent circuits hum at night,',
  'Tokens drift like falling light,',
  'A mock replies in measured rhyme,',
  'The same four lines, every time.',
].join('\n');

/**
 * Marker in the last user message that asks for a tool call. A tool is called whenever tools are offered and
 * the last message is not a tool result, so the marker is the explicit spelling of that default.
 */
export const CALL_TOOL_MARKER = '[call tool]';

/** Marker in the last user message that makes the mock call a tool on every turn, even after a result: a stuck agent. */
export const LOOP_TOOL_MARKER = '[loop tool]';

/** Marker in the last user message that makes the mock answer in words although tools are offered. */
export const NO_TOOL_MARKER = '[no tool]';

function excerpt(text: string): string {
  return Array.from(text.replace(/\s+/g, ' ').trim()).slice(0, 60).join('');
}

/**
 * The default deterministic answer: the poem, or an echo of the (whitespace-collapsed) prompt's first 60 chars.
 *
 * @example deriveAnswer('What is 2+2?') // 'Mock answer to: What is 2+2?'
 */
export function deriveAnswer(userText: string): string {
  if (/poem/i.test(userText)) return MOCK_POEM;
  const collapsed = excerpt(userText);
  if (collapsed === '') return 'Mock answer.';
  return `Mock answer to: ${collapsed}`;
}

/**
 * The answer once a tool's result came back: quotes the result's first 60 chars, so a test can see it arrived.
 *
 * @example toolResultAnswer('18C and sunny') // 'Mock answer from the tool result: 18C and sunny'
 */
export function toolResultAnswer(result: string): string {
  const collapsed = excerpt(result);
  return collapsed === '' ? 'Mock answer from the tool result.' : `Mock answer from the tool result: ${collapsed}`;
}
