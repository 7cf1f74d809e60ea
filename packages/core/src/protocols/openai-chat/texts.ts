// DLP's view of chat completions: walks requests and answers, scanning only human/tool text and sharing untouched parts.
import { DlpTally } from '../../dlp/tally.js';
import { isRecord, scanJsonText, scanList, scanString, withKey } from '../mask-json.js';
import type { TextScanner } from '../protocol.js';

/**
 * The outcome of scanning a request's `messages`.
 *
 * @example
 * const { messages, changed, counts, blocked } = scanChatMessages(body.messages, scanner.scanText);
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
 * const { body, changed, counts } = scanChatCompletion(upstreamJson, scanner.scanText);
 */
export interface DlpCompletionResult {
  /** The input itself when nothing changed; otherwise a copy sharing every unchanged part. */
  body: unknown;
  changed: boolean;
  counts: Record<string, number>;
  /** Kinds in `block` mode found (already masked: a response can't be refused after the fact). */
  blocked: string[];
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
  const out = scanList(messages, (m) => scanMessage(m, scan, tally));
  const { counts, blocked } = tally.snapshot();
  return { messages: out, changed: out !== messages, counts, blocked };
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
  if (!isRecord(body) || !Array.isArray(body['choices'])) return { body, changed: false, counts: {}, blocked: [] };
  const choices = scanList(body['choices'], (choice) => {
    if (!isRecord(choice)) return choice;
    let next = choice;
    const message = scanMessage(choice['message'], scan, tally);
    if (message !== choice['message']) next = withKey(next, 'message', message);
    if (typeof choice['text'] === 'string') {
      const text = scanString(choice['text'], scan, tally);
      if (text !== choice['text']) next = withKey(next, 'text', text);
    }
    return next;
  });
  if (choices === body['choices']) return { body, changed: false, ...tally.snapshot() };
  return { body: withKey(body, 'choices', choices), changed: true, ...tally.snapshot() };
}

function scanMessage(message: unknown, scan: TextScanner, tally: DlpTally): unknown {
  if (!isRecord(message)) return message;
  let out = message;
  const content = scanContent(message['content'], scan, tally);
  if (content !== message['content']) out = withKey(out, 'content', content);
  const toolCalls = scanToolCalls(message['tool_calls'], scan, tally);
  if (toolCalls !== message['tool_calls']) out = withKey(out, 'tool_calls', toolCalls);
  const functionCall = scanFunction(message['function_call'], scan, tally);
  if (functionCall !== message['function_call']) out = withKey(out, 'function_call', functionCall);
  return out;
}

function scanContent(content: unknown, scan: TextScanner, tally: DlpTally): unknown {
  if (typeof content === 'string') return scanString(content, scan, tally);
  if (!Array.isArray(content)) return content;
  return scanList(content, (part) => {
    if (!isRecord(part) || part['type'] !== 'text' || typeof part['text'] !== 'string') return part;
    const text = scanString(part['text'], scan, tally);
    return text === part['text'] ? part : withKey(part, 'text', text);
  });
}

function scanToolCalls(toolCalls: unknown, scan: TextScanner, tally: DlpTally): unknown {
  if (!Array.isArray(toolCalls)) return toolCalls;
  return scanList(toolCalls, (call) => {
    if (!isRecord(call)) return call;
    const fn = scanFunction(call['function'], scan, tally);
    return fn === call['function'] ? call : withKey(call, 'function', fn);
  });
}

function scanFunction(fn: unknown, scan: TextScanner, tally: DlpTally): unknown {
  if (!isRecord(fn) || typeof fn['arguments'] !== 'string') return fn;
  const args = scanJsonText(fn['arguments'], scan, tally);
  return args === fn['arguments'] ? fn : withKey(fn, 'arguments', args);
}
