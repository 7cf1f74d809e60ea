// Fingerprints a request's newest step (the exchange at the end of its view) in one pass, before the store's atomic admit.
import { hash } from 'node:crypto';
import { commandBlocks } from './command-blocks.js';
import { normalizeText } from './normalize.js';
import type { StepFingerprint } from './types.js';
import type { LoopCall, LoopContent, LoopMessage, LoopView } from './view.js';
import { wordSketch } from './word-sketch.js';

/** 128 bits of sha256: collisions are out of reach, and the window stays small in Redis. */
const HASH_HEX_CHARS = 32;
/** What came back after a text step: `h` + 16 hex chars of its sha256, never mistaken for a 16-hex-char sketch. */
const OBSERVED_HEX_CHARS = 16;
/** In-request repeats are counted up to here; any threshold above it is unreasonable anyway. */
const MAX_COUNTED_EXCHANGES = 64;

// Field separators in the hashed stream, so that ["ab"] and ["a", "b"] hash differently.
//
// Each hash input is built as one string and hashed in one call: per-piece `Hash.update` calls cost a native
// call each, which dominates on small requests. UTF-8 of a concatenation equals the concatenated UTF-8 of its
// pieces unless a surrogate pair straddles a boundary (a piece ending in a lone high surrogate, the next
// starting with a lone low one). That cannot happen here: after the model, every piece starts with one of
// these separators or (a text) follows SEP_TEXT, and no separator is a surrogate. Lone surrogates thus stay
// lone and become U+FFFD exactly as they did when hashed piece by piece.
const SEP_MESSAGE = '\u0000';
const SEP_FIELD = '\u0001';
const SEP_TEXT = '\u0002';
const SEP_PART = '\u0003';
const SEP_CALL = '\u0004';
const SEP_ARGS = '\u0005';
const SEP_RESULT = '\u0006';
const SEP_BLOCK = '\u0007';

const NO_CALLS: readonly LoopCall[] = [];
const NO_BLOCKS: readonly string[] = [];

/** What an assistant message did: its tool calls, or else its command blocks (exactly one of the two is non-empty). */
interface Action {
  calls: readonly LoopCall[];
  blocks: readonly string[];
}

function digest(input: string): string {
  return hash('sha256', input, 'hex').slice(0, HASH_HEX_CHARS);
}

/** Index of the last assistant message before `end`, or -1. */
function lastAssistantBefore(messages: readonly LoopMessage[], end: number): number {
  for (let i = end - 1; i >= 0; i--) if (messages[i]!.role === 'assistant') return i;
  return -1;
}

/** The command blocks of a message's content (see {@link commandBlocks}); most messages have no fence, and cost two scans. */
function blocksOf(content: readonly LoopContent[]): readonly string[] {
  let fenced = false;
  for (const piece of content) if ('text' in piece && (piece.text.includes('```') || piece.text.includes('~~~'))) fenced = true;
  if (!fenced) return NO_BLOCKS;
  const texts: string[] = [];
  for (const piece of content) if ('text' in piece) texts.push(piece.text);
  return commandBlocks(texts);
}

/** The action of an assistant message, or `undefined` when it has neither calls nor command blocks (its text is then the action). */
function actionOf(m: LoopMessage): Action | undefined {
  const calls = m.calls;
  if (calls !== undefined && calls.length > 0) return { calls, blocks: NO_BLOCKS };
  const blocks = blocksOf(m.content);
  return blocks.length > 0 ? { calls: NO_CALLS, blocks } : undefined;
}

function sameAction(a: Action, m: LoopMessage): boolean {
  const calls = m.calls ?? NO_CALLS;
  if (a.calls.length > 0) {
    if (calls.length !== a.calls.length) return false;
    for (let i = 0; i < calls.length; i++) {
      if (calls[i]!.name !== a.calls[i]!.name || calls[i]!.arguments !== a.calls[i]!.arguments) return false;
    }
    return true;
  }
  if (calls.length > 0) return false;
  const blocks = blocksOf(m.content);
  if (blocks.length !== a.blocks.length) return false;
  for (let i = 0; i < blocks.length; i++) if (blocks[i] !== a.blocks[i]) return false;
  return true;
}

function sameContent(x: readonly LoopContent[], y: readonly LoopContent[]): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if ('text' in a ? !('text' in b) || a.text !== b.text : !('media' in b) || a.media !== b.media) return false;
  }
  return true;
}

/** True when messages [s1, e1) and [s2, e2) are the same observation: same roles, names and content, in order. */
function sameObservation(messages: readonly LoopMessage[], s1: number, e1: number, s2: number, e2: number): boolean {
  if (e1 - s1 !== e2 - s2) return false;
  for (let i = 0; i < e1 - s1; i++) {
    const a = messages[s1 + i]!;
    const b = messages[s2 + i]!;
    if (a.role !== b.role || (a.name ?? '') !== (b.name ?? '') || !sameContent(a.content, b.content)) return false;
  }
  return true;
}

/**
 * How many times in a row the exchange starting at `start` (the last assistant message) appears, walking back
 * over the exchanges that directly precede it. Stateful clients resend their history, so a loop can be visible
 * inside one request even when AgentWall saw none of its earlier steps. Compared as strings, not hashed: the
 * walk usually stops at the first, different, exchange, and the observations' lengths alone tell most apart.
 */
function repeatsInRequest(messages: readonly LoopMessage[], start: number, action: Action): number {
  let count = 1;
  let end = start;
  while (count < MAX_COUNTED_EXCHANGES) {
    const begin = lastAssistantBefore(messages, end);
    if (begin < 0 || !sameObservation(messages, begin + 1, end, start + 1, messages.length) || !sameAction(action, messages[begin]!)) break;
    count++;
    end = begin;
  }
  return count;
}

/** The hashed form of the messages [start, end) after an action: roles, names and content, call ids left out. */
function observationStream(messages: readonly LoopMessage[], start: number, end: number): string {
  let stream = '';
  for (let i = start; i < end; i++) {
    const m = messages[i]!;
    stream += SEP_RESULT + m.role + SEP_FIELD + (m.name ?? '') + SEP_FIELD;
    for (const piece of m.content) stream += 'text' in piece ? SEP_TEXT + piece.text : SEP_PART + piece.media;
  }
  return stream;
}

function actionStep(view: LoopView, start: number, action: Action): StepFingerprint {
  const messages = view.messages;
  let stream = view.model;
  for (const call of action.calls) stream += SEP_CALL + call.name + SEP_ARGS + call.arguments;
  for (const block of action.blocks) stream += SEP_BLOCK + block;
  stream += observationStream(messages, start + 1, messages.length);
  return {
    kind: 'action',
    exact: '',
    normalized: '',
    exchange: digest(stream),
    simhash: '',
    observed: '',
    repeatsInRequest: repeatsInRequest(messages, start, action),
  };
}

/** Builds the `exact` and `normalized` hash inputs and collects normalized words for the sketches. */
class StepHasher {
  /** The input of the `exact` hash, so far. */
  exact: string;
  /** The input of the `normalized` hash, so far. */
  normalized: string;

  constructor(model: string) {
    this.exact = model;
    this.normalized = model;
  }

  /** Appends a message; its normalized texts and media stand-ins go to `texts` and `media` when given. */
  message(m: LoopMessage, texts: string[] | undefined, media: string[] | undefined): void {
    const head = SEP_MESSAGE + m.role + SEP_FIELD + (m.name ?? '') + SEP_FIELD;
    this.exact += head;
    this.normalized += head;
    for (const piece of m.content) {
      if ('text' in piece) {
        // Appending builds a rope (V8 cons string), so a large prompt is not copied here; it is flattened once,
        // when the whole stream is hashed.
        this.exact += SEP_TEXT + piece.text;
        const normalized = normalizeText(piece.text);
        this.normalized += SEP_TEXT + normalized;
        if (texts !== undefined && normalized.length > 0) texts.push(normalized);
      } else {
        this.exact += SEP_PART + piece.media;
        this.normalized += SEP_PART + piece.media;
        if (media !== undefined) media.push(piece.media);
      }
    }
  }
}

/** A request without an assistant message: every message counts, the system prompt in the hashes only. */
function promptStep(view: LoopView): StepFingerprint {
  const hasher = new StepHasher(view.model);
  const texts: string[] = [];
  const media: string[] = [];
  // The system prompt is the run's configuration, the same for every task: in the sketch it would make
  // different tasks look alike. It stays in the exact hashes, where it cannot hide a difference.
  for (const m of view.messages) hasher.message(m, m.role === 'system' ? undefined : texts, m.role === 'system' ? undefined : media);
  const normalized = digest(hasher.normalized);
  return { kind: 'prompt', exact: digest(hasher.exact), normalized, exchange: normalized, simhash: wordSketch(texts, media), observed: '', repeatsInRequest: 0 };
}

/** An assistant message that is all text (no calls, no command blocks) and what came back after it. */
function textStep(view: LoopView, start: number): StepFingerprint {
  const messages = view.messages;
  const said = new StepHasher(view.model);
  const texts: string[] = [];
  const media: string[] = [];
  said.message(messages[start]!, texts, media);
  const heard = new StepHasher('');
  for (let i = start + 1; i < messages.length; i++) heard.message(messages[i]!, undefined, undefined);
  // The agent's own words are compared as sent (a model does not re-send its text in other case), so one
  // hash serves as exact, normalized and exchange; the answer it got is compared normalized, on its own.
  const exact = digest(said.exact + heard.exact);
  const simhash = wordSketch(texts, media);
  // Only a near chain reads the answer, and a near chain needs a sketch of what the assistant said.
  const observed = simhash !== '' && start + 1 < messages.length ? `h${digest(heard.normalized).slice(0, OBSERVED_HEX_CHARS)}` : '';
  return { kind: 'text', exact, normalized: exact, exchange: exact, simhash, observed, repeatsInRequest: 0 };
}

/**
 * Fingerprints a request's newest step: the exchange at the end of its conversation, that is the last
 * assistant message (the agent's action) and everything after it (the observation), or the whole request
 * when there is no assistant message yet (a `prompt`). A conversation that grows has a new step every
 * time; an agent that is stuck repeats one. Pure and synchronous; reads only the newest exchanges.
 *
 * - `prompt`: `exact` is sha256 over the model and every message (role, `name`, texts, media stand-ins),
 *   `normalized` the same with each text through {@link normalizeText}, `simhash` the {@link wordSketch} of
 *   the non-system texts and media.
 * - `text` (an assistant message with no tool calls and no fenced command block): `exact` over the
 *   assistant message and what follows (also `normalized` and `exchange`: the agent's own words are
 *   compared as sent), `simhash` the sketch of the assistant's words, `observed` a hash of what came back,
 *   normalized.
 * - `action` (tool calls, else command blocks, see {@link commandBlocks}): `exchange` is sha256 over the model,
 *   the calls (name and canonical arguments; ids left out) or the blocks, and the observation (every message
 *   after, with roles and names). The reasoning around the action is left out, so the same command under a
 *   new thought is the same exchange. `repeatsInRequest` counts the exchange's repeats at the end of the history.
 *
 * Only the model and the messages count: a re-send with another `temperature` or `tools` list is the same step.
 *
 * @example
 * const fp = fingerprintView({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: [{ text: 'Analyze this data: [1,2,3,4,5]' }] }] });
 * fp.kind; // 'prompt'
 * fp.exact.length; // 32
 */
export function fingerprintView(view: LoopView): StepFingerprint {
  const start = lastAssistantBefore(view.messages, view.messages.length);
  if (start < 0) return promptStep(view);
  const action = actionOf(view.messages[start]!);
  return action === undefined ? textStep(view, start) : actionStep(view, start, action);
}
