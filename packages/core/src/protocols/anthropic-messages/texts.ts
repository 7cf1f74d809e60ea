// DLP's view of Anthropic's Messages API: walks requests and answers, scanning only the text a model reads or wrote.
import { DlpTally } from '../../dlp/tally.js';
import { isRecord, scanJsonValue, scanList, scanString, withKey, type Json } from '../mask-json.js';
import type { TextScanner } from '../protocol.js';

/**
 * The outcome of scanning a request's `system` and `messages`.
 *
 * @example
 * const { system, messages, changed, counts, blocked } = scanMessagesRequest(body, scanner.scanText);
 */
export interface DlpMessagesRequestResult {
  /** The input `system` itself when nothing changed in it. */
  system: unknown;
  /** The input array itself when nothing changed; otherwise a new array sharing every unchanged message. */
  messages: unknown[];
  changed: boolean;
  counts: Record<string, number>;
  /** Kinds in `block` mode that were found: the caller answers 400 `dlp_blocked` naming them. */
  blocked: string[];
}

/**
 * Scans a Messages request: `system` (a string or text blocks) and every message's content: a string, `text`
 * blocks, the string values of `tool_use` inputs, `tool_result` content (a string or blocks), plain-text
 * `document` sources and the text blocks of `search_result` and `content` documents. `thinking` and
 * `redacted_thinking` blocks are never touched: they are signed, and a changed one is refused upstream.
 * Images, roles, names and ids are left alone. Never mutates the input.
 *
 * @example
 * scanMessagesRequest({ system: 'key sk-…', messages: [{ role: 'user', content: 'hi' }] }, scanner.scanText).system;
 * // 'key [REDACTED:openai_key]'
 */
export function scanMessagesRequest(body: { system?: unknown; messages: unknown[] }, scan: TextScanner): DlpMessagesRequestResult {
  const tally = new DlpTally();
  const system = scanContent(body.system, scan, tally);
  const messages = Array.isArray(body.messages) ? scanList(body.messages, (m) => scanMessage(m, scan, tally)) : body.messages;
  const { counts, blocked } = tally.snapshot();
  return { system, messages, changed: system !== body.system || messages !== body.messages, counts, blocked };
}

/**
 * Scans a non-streamed Message answer: its `text` blocks and the string values of its `tool_use` inputs.
 * Never mutates the input.
 *
 * @example
 * const { answer, changed, counts } = scanMessageAnswer(upstreamJson, scanner.scanText);
 */
export function scanMessageAnswer(answer: Json, scan: TextScanner): { answer: Json; changed: boolean; counts: Record<string, number> } {
  const tally = new DlpTally();
  const content = scanContent(answer['content'], scan, tally);
  const changed = content !== answer['content'];
  return { answer: changed ? withKey(answer, 'content', content) : answer, changed, counts: tally.snapshot().counts };
}

function scanMessage(message: unknown, scan: TextScanner, tally: DlpTally): unknown {
  if (!isRecord(message)) return message;
  const content = scanContent(message['content'], scan, tally);
  return content === message['content'] ? message : withKey(message, 'content', content);
}

/** A string, or a list of blocks; anything else is left as it is. */
function scanContent(content: unknown, scan: TextScanner, tally: DlpTally): unknown {
  if (typeof content === 'string') return scanString(content, scan, tally);
  if (!Array.isArray(content)) return content;
  return scanList(content, (block) => scanBlock(block, scan, tally));
}

function scanBlock(block: unknown, scan: TextScanner, tally: DlpTally): unknown {
  if (!isRecord(block)) return block;
  switch (block['type']) {
    case 'text':
      return scanField(block, 'text', scan, tally);
    case 'tool_use': {
      const input = block['input'];
      const scanned = input === undefined ? input : scanJsonValue(input, scan, tally);
      return scanned === input ? block : withKey(block, 'input', scanned);
    }
    case 'tool_result':
    case 'search_result': {
      const content = scanContent(block['content'], scan, tally);
      return content === block['content'] ? block : withKey(block, 'content', content);
    }
    case 'document': {
      const source = block['source'];
      if (!isRecord(source)) return block;
      let next = source;
      if (source['type'] === 'text') next = scanField(source, 'data', scan, tally);
      else if (source['type'] === 'content') {
        const content = scanContent(source['content'], scan, tally);
        if (content !== source['content']) next = withKey(source, 'content', content);
      }
      return next === source ? block : withKey(block, 'source', next);
    }
    default:
      return block;
  }
}

function scanField(obj: Json, key: string, scan: TextScanner, tally: DlpTally): Json {
  const value = obj[key];
  if (typeof value !== 'string') return obj;
  const text = scanString(value, scan, tally);
  return text === value ? obj : withKey(obj, key, text);
}
