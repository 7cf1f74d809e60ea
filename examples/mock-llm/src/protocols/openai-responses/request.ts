// Reads a Responses API create request: model, input, instructions, tools and the options the mock honours.
import { isRecord, positiveInt } from '../../text/json-shapes.js';
import type { ToolChoice, ToolSpec } from '../../tools/turn.js';

/** The validated parts of `POST /v1/responses` the mock uses. */
export interface ResponsesRequest {
  model: string;
  /** `input` as sent: a string, or an array of items (validated later against the chain). */
  input: string | unknown[];
  instructions: string | null;
  /** Function tools, in order (built-in tools such as `web_search` are echoed, never called). */
  tools: ToolSpec[];
  toolChoice: ToolChoice;
  stream: boolean;
  maxOutputTokens: number | undefined;
  previousResponseId: string | undefined;
  store: boolean;
  background: boolean;
  /** JSON Schema of `text.format` of type `json_schema`. */
  outputSchema: unknown;
  /** The request body, for the fields a response echoes (tools, tool_choice, text, temperature...). */
  body: Record<string, unknown>;
}

function toolChoiceOf(choice: unknown): ToolChoice {
  if (choice === 'none' || choice === 'required') return { mode: choice };
  if (isRecord(choice) && choice.type === 'function' && typeof choice.name === 'string') return { mode: 'named', name: choice.name };
  return { mode: 'auto' };
}

/** Validate a create request; returns an error message and the offending parameter when invalid. */
export function parseResponsesRequest(body: unknown): ResponsesRequest | { error: string; param: string | null } {
  if (!isRecord(body)) return { error: 'We could not parse the JSON body of your request. The body must be a JSON object.', param: null };
  if (typeof body.model !== 'string') return { error: "Missing required parameter: 'model'.", param: 'model' };
  const previousResponseId = typeof body.previous_response_id === 'string' ? body.previous_response_id : undefined;
  const { input } = body;
  if (input === undefined && previousResponseId === undefined) return { error: "Missing required parameter: 'input'.", param: 'input' };
  if (input !== undefined && typeof input !== 'string' && !Array.isArray(input)) {
    return { error: "Invalid type for 'input': expected a string or an array of input items.", param: 'input' };
  }
  if (body.max_output_tokens !== undefined && body.max_output_tokens !== null && positiveInt(body.max_output_tokens) === undefined) {
    return { error: "Invalid 'max_output_tokens': expected a positive integer.", param: 'max_output_tokens' };
  }
  const tools: ToolSpec[] = [];
  for (const tool of Array.isArray(body.tools) ? body.tools : []) {
    if (isRecord(tool) && tool.type === 'function' && typeof tool.name === 'string') tools.push({ name: tool.name, parameters: tool.parameters });
  }
  const format = isRecord(body.text) && isRecord(body.text.format) ? body.text.format : {};
  return {
    model: body.model,
    input: input ?? [],
    instructions: typeof body.instructions === 'string' ? body.instructions : null,
    tools,
    toolChoice: toolChoiceOf(body.tool_choice),
    stream: body.stream === true,
    maxOutputTokens: positiveInt(body.max_output_tokens),
    previousResponseId,
    store: body.store !== false,
    background: body.background === true,
    outputSchema: format.type === 'json_schema' ? format.schema : format.type === 'json_object' ? { type: 'object' } : undefined,
    body,
  };
}
