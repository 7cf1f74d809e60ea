// Decides, the same way for every protocol, whether the mock calls a tool this turn or answers in words.
import { deriveAnswer, LOOP_TOOL_MARKER, NO_TOOL_MARKER, toolResultAnswer } from '../text/answer.js';
import { schemaValue, toolArguments } from './schema-arguments.js';

/** A function tool a request offers: its name and the JSON Schema of its arguments. */
export interface ToolSpec {
  name: string;
  parameters: unknown;
}

/** The request's tool choice, normalised across protocols (`any` on Anthropic is `required`). */
export type ToolChoice = { mode: 'auto' } | { mode: 'none' } | { mode: 'required' } | { mode: 'named'; name: string };

/** What the decision reads from a request, whatever its protocol. */
export interface TurnInput {
  tools: ToolSpec[];
  toolChoice: ToolChoice;
  /** Text of the last user message that has text (tool results do not count). */
  userText: string;
  /** Text of the tool result when the conversation ends with one. */
  toolResult: string | undefined;
  /** JSON Schema of a requested structured output (`json_schema` response format), if any. */
  outputSchema?: unknown;
}

/** The mock's move: words, or one call of a named tool with JSON arguments. */
export type Turn = { kind: 'text'; text: string } | { kind: 'tool'; name: string; arguments: string };

function chooseTool(input: TurnInput): ToolSpec | undefined {
  const { tools, toolChoice } = input;
  if (toolChoice.mode === 'named') return tools.find((t) => t.name === toolChoice.name) ?? tools[0];
  const text = input.userText.toLowerCase();
  return tools.find((t) => text.includes(t.name.toLowerCase())) ?? tools[0];
}

function wantsTool(input: TurnInput): boolean {
  if (input.tools.length === 0 || input.toolChoice.mode === 'none') return false;
  // A forced choice binds the model after a tool result too, as the real APIs do.
  if (input.toolChoice.mode === 'required' || input.toolChoice.mode === 'named') return true;
  if (input.userText.includes(NO_TOOL_MARKER)) return false;
  return input.toolResult === undefined || input.userText.includes(LOOP_TOOL_MARKER);
}

/**
 * The deterministic turn for a request. A tool is called when tools are offered, the tool choice allows it, and
 * either the conversation does not end with a tool result or the user text has `[loop tool]`; `[no tool]` in the
 * user text (with tool choice `auto`) answers in words instead. The tool is the forced one, else the first whose
 * name appears in the user text, else the first offered; its arguments fit its schema ({@link toolArguments}).
 * Words are, in order: JSON fitting a requested output schema, the fixed `answer`, a sentence quoting the tool
 * result, or {@link deriveAnswer} of the user text.
 *
 * @example
 * decideTurn({ tools: [{ name: 'search', parameters: { type: 'object' } }], toolChoice: { mode: 'auto' }, userText: 'hi', toolResult: undefined })
 * // { kind: 'tool', name: 'search', arguments: '{}' }
 */
export function decideTurn(input: TurnInput, fixedAnswer: string | undefined): Turn {
  if (wantsTool(input)) {
    const tool = chooseTool(input);
    if (tool) return { kind: 'tool', name: tool.name, arguments: toolArguments(tool.parameters) };
  }
  if (input.outputSchema !== undefined) return { kind: 'text', text: JSON.stringify(schemaValue(input.outputSchema)) };
  if (fixedAnswer !== undefined) return { kind: 'text', text: fixedAnswer };
  if (input.toolResult !== undefined) return { kind: 'text', text: toolResultAnswer(input.toolResult) };
  return { kind: 'text', text: deriveAnswer(input.userText) };
}
