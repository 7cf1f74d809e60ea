// Reads the parts of an OpenAI chat completion request body that the mock cares about, tolerating junk.
import { contentText, isRecord, positiveInt } from '../../text/json-shapes.js';
import { charCount } from '../../text/tokens.js';
import type { ToolChoice, ToolSpec } from '../../tools/turn.js';

/** The validated minimum of a chat completion request. */
export interface ChatRequest {
  model: string;
  messages: unknown[];
  stream: boolean;
  includeUsage: boolean;
  /** `max_completion_tokens` or `max_tokens`, when a positive integer. */
  maxTokens: number | undefined;
  /** The function tools offered (`tools`, or the legacy `functions`), in order. */
  tools: ToolSpec[];
  /** True when the tools came as legacy `functions`: the answer is then a `function_call`. */
  legacyFunctions: boolean;
  toolChoice: ToolChoice;
  /** JSON Schema of a `response_format` of type `json_schema`. */
  outputSchema: unknown;
  /** Characters of the tool definitions, billed as prompt like the real API does. */
  toolChars: number;
}

function functionSpec(fn: unknown): ToolSpec | undefined {
  return isRecord(fn) && typeof fn.name === 'string' ? { name: fn.name, parameters: fn.parameters } : undefined;
}

function toolChoiceOf(choice: unknown): ToolChoice {
  if (choice === 'none' || choice === 'required') return { mode: choice };
  if (isRecord(choice)) {
    // `{ type: 'function', function: { name } }`, or the legacy `function_call: { name }`.
    const name = isRecord(choice.function) ? choice.function.name : choice.name;
    if (typeof name === 'string') return { mode: 'named', name };
  }
  return { mode: 'auto' };
}

/** Validate the minimum (`model` string, `messages` array); returns an error message when invalid. */
export function parseChatRequest(body: unknown): ChatRequest | string {
  if (!isRecord(body)) return 'We could not parse the JSON body of your request. The body must be a JSON object.';
  if (typeof body.model !== 'string') return 'you must provide a model parameter';
  if (!Array.isArray(body.messages)) return "Missing required parameter: 'messages'.";
  const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
  const tools = Array.isArray(body.tools) ? body.tools.map((t) => (isRecord(t) ? functionSpec(t.function) : undefined)) : [];
  const functions = Array.isArray(body.functions) ? body.functions.map(functionSpec) : [];
  const legacyFunctions = tools.length === 0 && functions.length > 0;
  const format = isRecord(body.response_format) ? body.response_format : {};
  const jsonSchema = format.type === 'json_schema' && isRecord(format.json_schema) ? format.json_schema.schema : undefined;
  return {
    model: body.model,
    messages: body.messages,
    stream: body.stream === true,
    includeUsage: body.stream === true && streamOptions.include_usage === true,
    maxTokens: positiveInt(body.max_completion_tokens) ?? positiveInt(body.max_tokens),
    tools: (legacyFunctions ? functions : tools).filter((t): t is ToolSpec => t !== undefined),
    legacyFunctions,
    toolChoice: toolChoiceOf(legacyFunctions ? body.function_call : body.tool_choice),
    outputSchema: format.type === 'json_object' && jsonSchema === undefined ? { type: 'object' } : jsonSchema,
    toolChars: tools.length + functions.length > 0 ? charCount(JSON.stringify(legacyFunctions ? body.functions : body.tools)) : 0,
  };
}

/** Role of a message, or undefined for malformed entries. */
export function messageRole(message: unknown): string | undefined {
  return isRecord(message) && typeof message.role === 'string' ? message.role : undefined;
}

/** Text of the last `user` message, or '' when there is none. */
export function lastUserText(messages: unknown[]): string {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i];
    if (messageRole(message) === 'user' && isRecord(message)) return contentText(message.content);
  }
  return '';
}

/** Content of the last message when it is a tool (or legacy function) result. */
export function trailingToolResult(messages: unknown[]): string | undefined {
  const last = messages[messages.length - 1];
  const role = messageRole(last);
  return (role === 'tool' || role === 'function') && isRecord(last) ? contentText(last.content) : undefined;
}

/** Total characters of text across all messages (content, tool call names and arguments): the prompt estimate. */
export function promptChars(messages: unknown[]): number {
  let chars = 0;
  for (const message of messages) {
    if (!isRecord(message)) continue;
    chars += charCount(contentText(message.content));
    const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [message.function_call];
    for (const call of calls) {
      const fn = isRecord(call) && isRecord(call.function) ? call.function : call;
      if (!isRecord(fn)) continue;
      if (typeof fn.name === 'string') chars += charCount(fn.name);
      if (typeof fn.arguments === 'string') chars += charCount(fn.arguments);
    }
  }
  return chars;
}
