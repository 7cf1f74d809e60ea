// A conversation as the loop detector sees it, whatever the wire protocol (SPEC section 5).
import type { ChatBody } from '../protocols/openai-chat/request.js';
import { fingerprintRequest } from './fingerprint.js';
import type { StepFingerprint } from './types.js';

/** The model and the messages of one request, in the detector's protocol-neutral terms. */
export interface LoopView {
  model: string;
  messages: LoopMessage[];
}

/** One message: its role, its content in order, its tool calls, the call a tool result answers. */
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

/** A piece of content: text, or a stand-in for an image or file (see `partToken`). */
export type LoopContent = { text: string } | { media: string };

/** One tool call: its name and its arguments as canonical JSON (see `canonicalArguments`). */
export interface LoopCall {
  id?: string;
  name: string;
  arguments: string;
}

/**
 * The step fingerprint of a view (TEMPORARY bridge onto the chat fingerprint until the reworked detector lands).
 *
 * @example
 * fingerprintView({ model: 'm', messages: [{ role: 'user', content: [{ text: 'hi' }] }] });
 */
export function fingerprintView(view: LoopView): StepFingerprint {
  const messages = view.messages.map((m) => {
    const out: Record<string, unknown> & { role: string } = {
      role: m.role,
      content: m.content.map((c) => ('text' in c ? { type: 'text', text: c.text } : { type: c.media })),
    };
    if (m.name !== undefined) out['name'] = m.name;
    if (m.calls) out['tool_calls'] = m.calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
    if (m.callId !== undefined) out['tool_call_id'] = m.callId;
    return out;
  });
  return fingerprintRequest({ model: view.model, messages } as ChatBody);
}
