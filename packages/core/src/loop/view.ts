// The protocol-neutral view of a request that the loop detector reads: each protocol converts its body into it.

/**
 * A request as the loop detector sees it, whatever the wire protocol: the model and the conversation in
 * order. Each protocol (chat completions, Responses, Messages) hands {@link fingerprintView} one of these.
 * A view may compute its messages' fields lazily (getters): the detector reads only the newest exchanges.
 *
 * @example
 * const view: LoopView = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: [{ text: 'Hello' }] }] };
 */
export interface LoopView {
  model: string;
  messages: LoopMessage[];
}

/**
 * One message of a {@link LoopView}. Roles are folded to four: `system` (system and developer prompts),
 * `user`, `assistant`, `tool` (tool and function results).
 *
 * @example
 * const call: LoopMessage = { role: 'assistant', content: [], calls: [{ id: 'c1', name: 'search', arguments: '{"q":"x"}' }] };
 * const answer: LoopMessage = { role: 'tool', content: [{ text: '[]' }], callId: 'c1' };
 */
export interface LoopMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  /** Text pieces and media stand-ins, in order. */
  content: LoopContent[];
  /** Tool calls of an assistant message, in order. */
  calls?: LoopCall[];
  /** For a tool result: the call it answers, when known. */
  callId?: string;
  name?: string;
}

/**
 * A piece of message content: text, or a stand-in for media (an image, audio or file) that identifies it
 * cheaply (see `partToken`): two different images must give different stand-ins.
 *
 * @example
 * const parts: LoopContent[] = [{ text: 'What is on this screen?' }, { media: 'image_url|https://x/y.png' }];
 */
export type LoopContent = { text: string } | { media: string };

/**
 * A tool call: its id (minted per response, so never part of a fingerprint), the tool's name and its
 * arguments in canonical JSON (`canonicalArguments`), so key order and whitespace never hide a repeat.
 *
 * @example
 * const c: LoopCall = { id: 'call_1', name: 'read_file', arguments: canonicalArguments('{ "path": "a.ts" }') };
 */
export interface LoopCall {
  id?: string;
  name: string;
  /** Canonical JSON, see `canonicalArguments`. */
  arguments: string;
}
