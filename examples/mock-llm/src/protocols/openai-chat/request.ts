// Reads the parts of an OpenAI chat completion request body that the mock cares about, tolerating junk.

/** The validated minimum of a chat completion request. */
export interface ChatRequest {
  model: string;
  messages: unknown[];
  stream: boolean;
  includeUsage: boolean;
  /** `max_completion_tokens` or `max_tokens`, when a positive integer. */
  maxTokens: number | undefined;
  /** Names of the function tools offered, in order. */
  toolNames: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Validate the minimum (`model` string, `messages` array); returns an error message when invalid. */
export function parseChatRequest(body: unknown): ChatRequest | string {
  if (!isRecord(body)) return 'We could not parse the JSON body of your request. The body must be a JSON object.';
  if (typeof body.model !== 'string') return 'you must provide a model parameter';
  if (!Array.isArray(body.messages)) return "Missing required parameter: 'messages'.";
  const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
  const toolNames: string[] = [];
  if (Array.isArray(body.tools)) {
    for (const tool of body.tools) {
      const fn = isRecord(tool) && isRecord(tool.function) ? tool.function : undefined;
      if (fn && typeof fn.name === 'string') toolNames.push(fn.name);
    }
  }
  return {
    model: body.model,
    messages: body.messages,
    stream: body.stream === true,
    includeUsage: body.stream === true && streamOptions.include_usage === true,
    maxTokens: positiveInt(body.max_completion_tokens) ?? positiveInt(body.max_tokens),
    toolNames,
  };
}

/** Text of a message's content: a string, or the `text` parts of a content array joined by newlines. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((part): part is { text: string } => isRecord(part) && typeof part.text === 'string')
    .map((part) => part.text)
    .join('\n');
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

/** Total characters of text across all messages, the basis of the prompt token estimate. */
export function promptChars(messages: unknown[]): number {
  let chars = 0;
  for (const message of messages) {
    if (isRecord(message)) chars += charCount(contentText(message.content));
  }
  return chars;
}

/** Length in code points, so emoji count once and truncation never splits a surrogate pair. */
export function charCount(text: string): number {
  return Array.from(text).length;
}
