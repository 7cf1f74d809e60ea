// Fingerprints a chat request's newest turn (its tail) in one pass, before the store's atomic admit.
import { hash } from 'node:crypto';
import type { ChatRequest } from '../protocols/openai-chat/request.js';
import { canonicalArguments } from './canonical-json.js';
import { partText, partToken } from './content-parts.js';
import { normalizeText } from './normalize.js';
import type { StepFingerprint } from './types.js';
import { wordSketch } from './word-sketch.js';

type Message = ChatRequest['messages'][number];

/** 128 bits of sha256: collisions are out of reach, and the window stays small in Redis. */
const HASH_HEX_CHARS = 32;
/** In-request tool repeats are counted up to here; any threshold above it is unreasonable anyway. */
const MAX_COUNTED_EXCHANGES = 64;

// Field separators in the hashed stream, so that ["ab"] and ["a", "b"] hash differently.
//
// Each hash input is built as one string and hashed in one call: per-piece `Hash.update` calls cost a native
// call each, which dominates on small requests. UTF-8 of a concatenation equals the concatenated UTF-8 of its
// pieces unless a surrogate pair straddles a boundary (a piece ending in a lone high surrogate, the next
// starting with a lone low one). That cannot happen here: after the model, every piece starts with one of
// these separators or (a text) follows SEP_TEXT, and no separator is a surrogate. Lone surrogates thus stay
// lone and become U+FFFD exactly as they did when hashed piece by piece, so the digests match those of the
// incremental stream.
const SEP_MESSAGE = '\u0000';
const SEP_FIELD = '\u0001';
const SEP_TEXT = '\u0002';
const SEP_PART = '\u0003';
const SEP_CALL = '\u0004';
const SEP_ARGS = '\u0005';
const SEP_RESULT = '\u0006';

function digest(input: string): string {
  return hash('sha256', input, 'hex').slice(0, HASH_HEX_CHARS);
}

function isToolResult(m: Message | undefined): boolean {
  return m !== undefined && (m.role === 'tool' || m.role === 'function');
}

/** Calls `visit(name, canonicalArguments)` for each tool call of an assistant message (legacy `function_call` too). */
function forEachCall(m: Message, visit: (name: string, args: string) => void): void {
  const calls = m.tool_calls;
  if (Array.isArray(calls)) {
    for (const call of calls) {
      if (call === null || typeof call !== 'object') continue;
      const c = call as Record<string, unknown>;
      const fn = (c.function ?? c.custom) as Record<string, unknown> | undefined;
      if (fn === null || typeof fn !== 'object') continue;
      visit(typeof fn.name === 'string' ? fn.name : '', canonicalArguments(fn.arguments ?? fn.input));
    }
  }
  const legacy = m.function_call as Record<string, unknown> | undefined | null;
  if (legacy !== null && typeof legacy === 'object') {
    visit(typeof legacy.name === 'string' ? legacy.name : '', canonicalArguments(legacy.arguments));
  }
}

function hasCalls(m: Message | undefined): boolean {
  if (m === undefined || m.role !== 'assistant') return false;
  return (Array.isArray(m.tool_calls) && m.tool_calls.length > 0) || (m.function_call !== null && typeof m.function_call === 'object');
}

/** The hashed form of raw content (string or parts); used for tool results. */
function rawStream(content: unknown): string {
  if (typeof content === 'string') return SEP_TEXT + content;
  let stream = '';
  if (Array.isArray(content)) {
    for (const part of content) {
      const text = partText(part);
      stream += text === undefined ? SEP_PART + partToken(part) : SEP_TEXT + text;
    }
  }
  return stream;
}

/** The tool hash of the exchange `messages[start]` (assistant with calls) … `messages[end - 1]` (its results). */
function exchangeHash(model: string, messages: readonly Message[], start: number, end: number): string {
  let stream = model;
  forEachCall(messages[start]!, (name, args) => {
    stream += SEP_CALL + name + SEP_ARGS + args;
  });
  for (let i = start + 1; i < end; i++) stream += SEP_RESULT + rawStream(messages[i]!.content);
  return digest(stream);
}

/** Index of the last assistant message, or -1. */
function lastAssistant(messages: readonly Message[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'assistant') return i;
  return -1;
}

/** True when the tail is an assistant message with calls followed only by (at least one) tool results. */
function isToolTail(messages: readonly Message[], start: number): boolean {
  if (start < 0 || start === messages.length - 1 || !hasCalls(messages[start])) return false;
  for (let i = start + 1; i < messages.length; i++) if (!isToolResult(messages[i])) return false;
  return true;
}

/**
 * How many times in a row the exchange ending the request (starting at `start`, hashing to `tool`) appears,
 * walking back over earlier exchanges that directly precede it. Stateful clients resend their history, so a
 * loop can be visible inside one request even when AgentWall saw none of its earlier steps.
 */
function repeatsInRequest(model: string, messages: readonly Message[], start: number, tool: string): number {
  let count = 1;
  let end = start;
  while (count < MAX_COUNTED_EXCHANGES && isToolResult(messages[end - 1])) {
    let begin = end - 1;
    while (isToolResult(messages[begin - 1])) begin--;
    begin--;
    if (!hasCalls(messages[begin]) || exchangeHash(model, messages, begin, end) !== tool) break;
    count++;
    end = begin;
  }
  return count;
}

class TailHasher {
  /** The input of the `exact` hash, so far. */
  exact: string;
  /** The input of the `normalized` hash, so far. */
  normalized: string;
  /** Normalized non-system texts, for the word sketch. */
  readonly texts: string[] = [];
  /** Non-system media stand-ins, for the word sketch. */
  readonly media: string[] = [];

  constructor(model: string) {
    this.exact = model;
    this.normalized = model;
  }

  private both(chunk: string): void {
    this.exact += chunk;
    this.normalized += chunk;
  }

  private text(text: string, sketch: boolean): void {
    // Appending builds a rope (V8 cons string), so a large prompt is not copied here; it is flattened once,
    // when the whole stream is hashed.
    this.exact += SEP_TEXT + text;
    const normalized = normalizeText(text);
    this.normalized += SEP_TEXT + normalized;
    if (sketch && normalized.length > 0) this.texts.push(normalized);
  }

  message(m: Message): void {
    const name = typeof m.name === 'string' ? m.name : '';
    this.both(SEP_MESSAGE + m.role + SEP_FIELD + name + SEP_FIELD);
    // The system prompt is the run's configuration, the same for every task: in the sketch it would make
    // different tasks look alike. It stays in the exact hashes, where it cannot hide a difference.
    const sketch = m.role !== 'system' && m.role !== 'developer';
    const content = m.content;
    if (typeof content === 'string') {
      this.text(content, sketch);
    } else if (Array.isArray(content)) {
      for (const part of content) {
        const text = partText(part);
        if (text !== undefined) {
          this.text(text, sketch);
          continue;
        }
        const token = partToken(part);
        this.both(SEP_PART + token);
        if (sketch) this.media.push(token);
      }
    }
    forEachCall(m, (callName, args) => this.both(SEP_CALL + callName + SEP_ARGS + args));
  }
}

/**
 * Fingerprints a request's tail: the last assistant message (its content and tool calls) plus every message
 * after it, or, with no assistant message, every message (system included). The tail is the step's new
 * content: a growing conversation never repeats it, a "continue" after a different reply does not either,
 * and a stuck agent re-sending its last turn does. Pure and synchronous; one pass over the tail.
 *
 * - `exact`: sha256 over the model and, per tail message, role, `name`, text (parts in order; media as
 *   {@link partToken}) and tool calls (name + key-sorted arguments). Tool call ids are left out: they are
 *   minted per response and would hide a repeat. Only the model and the messages count: a re-send with
 *   another `temperature` or `tools` list is the same request.
 * - `normalized`: the same with every text through {@link normalizeText}.
 * - `tool`: when the tail is a tool exchange (an assistant message with calls followed only by tool results),
 *   sha256 over the model, the calls (name + key-sorted arguments, in order) and the results (in order); the
 *   assistant's prose and the ids are left out, so only "same call, same arguments, same result" matches.
 * - `toolRepeatsInRequest`: how many times that exchange directly repeats at the end of the messages.
 * - `simhash`: {@link wordSketch} of the tail's normalized non-system texts and media stand-ins; `''` for tool
 *   exchanges, which the detector judges by `tool` alone.
 *
 * @example
 * const fp = fingerprintRequest({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Analyze this data: [1,2,3,4,5]' }] });
 * fp.tool; // ''
 * fp.exact.length; // 32
 */
export function fingerprintRequest(body: ChatRequest): StepFingerprint {
  const messages = body.messages;
  const model = typeof body.model === 'string' ? body.model : '';
  const assistant = lastAssistant(messages);
  const hasher = new TailHasher(model);
  for (let i = Math.max(assistant, 0); i < messages.length; i++) hasher.message(messages[i]!);
  const toolTail = isToolTail(messages, assistant);
  const tool = toolTail ? exchangeHash(model, messages, assistant, messages.length) : '';
  return {
    exact: digest(hasher.exact),
    normalized: digest(hasher.normalized),
    simhash: toolTail ? '' : wordSketch(hasher.texts, hasher.media),
    tool,
    toolRepeatsInRequest: toolTail ? repeatsInRequest(model, messages, assistant, tool) : 0,
  };
}
