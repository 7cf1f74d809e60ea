// Walks OpenAI chat-completion requests and responses, scanning only human/tool text and sharing untouched parts.

import { DlpTally, type DlpTextResult } from './tally.js';

/**
 * Scans one text; the scanner's `scanText`.
 *
 * @example
 * const scan: TextScanner = (text) => scanner.scanText(text);
 */
export type TextScanner = (text: string) => DlpTextResult;

/**
 * The outcome of scanning a request's `messages`.
 *
 * @example
 * const { messages, changed, counts, blocked } = scanner.scanMessages(body.messages);
 */
export interface DlpMessagesResult {
  /** The input array itself when nothing changed; otherwise a new array sharing every unchanged message. */
  messages: unknown[];
  changed: boolean;
  counts: Record<string, number>;
  /** Kinds in `block` mode that were found: the caller answers 400 `dlp_blocked` naming them. */
  blocked: string[];
}

/**
 * The outcome of scanning a non-streamed chat completion body.
 *
 * @example
 * const { body, changed, counts } = scanner.scanCompletion(upstreamJson);
 */
export interface DlpCompletionResult {
  /** The input itself when nothing changed; otherwise a copy sharing every unchanged part. */
  body: unknown;
  changed: boolean;
  counts: Record<string, number>;
  /** Kinds in `block` mode found (already masked: a response can't be refused after the fact). */
  blocked: string[];
}

/** JSON nesting beyond this in tool-call arguments is scanned as raw text instead of walked. */
const MAX_JSON_DEPTH = 128;

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A copy of `obj` with `key` set, defined rather than assigned so a `__proto__` key stays an own property. */
function withKey(obj: Json, key: string, value: unknown): Json {
  const copy: Json = { ...obj };
  define(copy, key, value);
  return copy;
}

function define(obj: Json, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * Scans chat messages: string `content`, `text` content parts, the string values inside assistant
 * `tool_calls[].function.arguments` (and legacy `function_call.arguments`), and tool results. Images, other
 * part types, roles and `name` fields are left alone. Never mutates the input.
 *
 * @example
 * const result = scanChatMessages([{ role: 'user', content: 'my key is sk-…' }], scanner.scanText);
 * result.messages; // [{ role: 'user', content: 'my key is [REDACTED:openai_key]' }]
 */
export function scanChatMessages(messages: unknown[], scan: TextScanner): DlpMessagesResult {
  const tally = new DlpTally();
  if (!Array.isArray(messages)) return { messages, changed: false, counts: {}, blocked: [] };
  let out: unknown[] | undefined;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    const scanned = scanMessage(message, scan, tally);
    if (scanned !== message) {
      out ??= messages.slice();
      out[i] = scanned;
    }
  }
  const { counts, blocked } = tally.snapshot();
  return { messages: out ?? messages, changed: out !== undefined, counts, blocked };
}

/**
 * Scans a non-streamed chat completion: each `choices[].message` like a request message (content and tool-call
 * arguments) and legacy `choices[].text`. Never mutates the input.
 *
 * @example
 * const { body } = scanChatCompletion(upstreamJson, scanner.scanText);
 */
export function scanChatCompletion(body: unknown, scan: TextScanner): DlpCompletionResult {
  const tally = new DlpTally();
  if (!isRecord(body) || !Array.isArray(body.choices)) return { body, changed: false, counts: {}, blocked: [] };
  let choices: unknown[] | undefined;
  body.choices.forEach((choice: unknown, i: number) => {
    if (!isRecord(choice)) return;
    let next = choice;
    const message = scanMessage(choice.message, scan, tally);
    if (message !== choice.message) next = withKey(next, 'message', message);
    if (typeof choice.text === 'string') {
      const text = scanString(choice.text, scan, tally);
      if (text !== choice.text) next = withKey(next, 'text', text);
    }
    if (next !== choice) {
      choices ??= (body.choices as unknown[]).slice();
      choices[i] = next;
    }
  });
  if (choices === undefined) return { body, changed: false, ...tally.snapshot() };
  return { body: withKey(body, 'choices', choices), changed: true, ...tally.snapshot() };
}

function scanMessage(message: unknown, scan: TextScanner, tally: DlpTally): unknown {
  if (!isRecord(message)) return message;
  let out = message;
  const content = scanContent(message.content, scan, tally);
  if (content !== message.content) out = withKey(out, 'content', content);
  const toolCalls = scanToolCalls(message.tool_calls, scan, tally);
  if (toolCalls !== message.tool_calls) out = withKey(out, 'tool_calls', toolCalls);
  const functionCall = scanFunction(message.function_call, scan, tally);
  if (functionCall !== message.function_call) out = withKey(out, 'function_call', functionCall);
  return out;
}

function scanContent(content: unknown, scan: TextScanner, tally: DlpTally): unknown {
  if (typeof content === 'string') return scanString(content, scan, tally);
  if (!Array.isArray(content)) return content;
  let out: unknown[] | undefined;
  for (let i = 0; i < content.length; i++) {
    const part: unknown = content[i];
    if (!isRecord(part) || part.type !== 'text' || typeof part.text !== 'string') continue;
    const text = scanString(part.text, scan, tally);
    if (text !== part.text) {
      out ??= content.slice();
      out[i] = withKey(part, 'text', text);
    }
  }
  return out ?? content;
}

function scanToolCalls(toolCalls: unknown, scan: TextScanner, tally: DlpTally): unknown {
  if (!Array.isArray(toolCalls)) return toolCalls;
  let out: unknown[] | undefined;
  for (let i = 0; i < toolCalls.length; i++) {
    const call: unknown = toolCalls[i];
    if (!isRecord(call)) continue;
    const fn = scanFunction(call.function, scan, tally);
    if (fn !== call.function) {
      out ??= toolCalls.slice();
      out[i] = withKey(call, 'function', fn);
    }
  }
  return out ?? toolCalls;
}

function scanFunction(fn: unknown, scan: TextScanner, tally: DlpTally): unknown {
  if (!isRecord(fn) || typeof fn.arguments !== 'string') return fn;
  const args = scanArguments(fn.arguments, scan, tally);
  return args === fn.arguments ? fn : withKey(fn, 'arguments', args);
}

/**
 * Tool-call arguments are a JSON string: scan the string values inside it and re-serialise only when one
 * changed, so untouched arguments keep their exact bytes. Invalid (or absurdly deep) JSON is scanned as text.
 */
function scanArguments(args: string, scan: TextScanner, tally: DlpTally): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    return scanString(args, scan, tally);
  }
  const local = new DlpTally();
  const scanned = scanJson(parsed, scan, local, 0);
  if (scanned === TOO_DEEP) return scanString(args, scan, tally);
  tally.merge(local);
  return scanned === parsed ? args : JSON.stringify(scanned);
}

const TOO_DEEP = Symbol('too deep');

function scanJson(value: unknown, scan: TextScanner, tally: DlpTally, depth: number): unknown {
  if (typeof value === 'string') return scanString(value, scan, tally);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_JSON_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const scanned = scanJson(item, scan, tally, depth + 1);
      if (scanned === TOO_DEEP) return TOO_DEEP;
      if (scanned !== item) {
        out ??= value.slice();
        out[i] = scanned;
      }
    }
    return out ?? value;
  }
  let out: Json | undefined;
  for (const [key, item] of Object.entries(value)) {
    const scanned = scanJson(item, scan, tally, depth + 1);
    if (scanned === TOO_DEEP) return TOO_DEEP;
    if (scanned !== item) {
      out ??= { ...(value as Json) };
      define(out, key, scanned);
    }
  }
  return out ?? value;
}

function scanString(text: string, scan: TextScanner, tally: DlpTally): string {
  if (text.length === 0) return text;
  const result = scan(text);
  tally.merge(result);
  return result.text;
}
