// A chat-completions body as the loop detector's protocol-neutral view: roles folded, parts as text or media stand-ins.
import { canonicalArguments } from '../../loop/canonical-json.js';
import { partText, partToken } from '../../loop/content-parts.js';
import type { LoopCall, LoopContent, LoopMessage, LoopView } from '../../loop/view.js';

type Raw = Record<string, unknown>;

const NO_CONTENT: LoopContent[] = [];
const NO_CALLS: LoopCall[] = [];

function roleOf(role: unknown): LoopMessage['role'] {
  switch (role) {
    case 'system':
    case 'developer':
      return 'system';
    case 'assistant':
      return 'assistant';
    case 'tool':
    case 'function':
      return 'tool';
    default:
      return 'user';
  }
}

function contentOf(content: unknown): LoopContent[] {
  if (typeof content === 'string') return [{ text: content }];
  if (!Array.isArray(content) || content.length === 0) return NO_CONTENT;
  return content.map((part): LoopContent => {
    const text = partText(part);
    return text === undefined ? { media: partToken(part) } : { text };
  });
}

/** The tool calls of an assistant message: `tool_calls` (function or custom calls), then the legacy `function_call`. */
function callsOf(m: Raw): LoopCall[] {
  let calls: LoopCall[] | undefined;
  const list = m['tool_calls'];
  if (Array.isArray(list)) {
    for (const call of list) {
      if (call === null || typeof call !== 'object') continue;
      const c = call as Raw;
      const fn = (c['function'] ?? c['custom']) as Raw | null | undefined;
      if (fn === null || typeof fn !== 'object') continue;
      const out: LoopCall = { name: typeof fn['name'] === 'string' ? fn['name'] : '', arguments: canonicalArguments(fn['arguments'] ?? fn['input']) };
      if (typeof c['id'] === 'string') out.id = c['id'];
      (calls ??= []).push(out);
    }
  }
  const legacy = m['function_call'] as Raw | null | undefined;
  if (legacy !== null && typeof legacy === 'object') {
    (calls ??= []).push({ name: typeof legacy['name'] === 'string' ? legacy['name'] : '', arguments: canonicalArguments(legacy['arguments']) });
  }
  return calls ?? NO_CALLS;
}

/**
 * One chat message, converted when read: the detector reads only the newest exchanges of a long history, so
 * parsing every earlier message's parts and re-serializing every earlier call's arguments would be wasted.
 * Every instance has the same four fields whatever the message holds (one hidden class, so the detector's
 * reads stay monomorphic), and the constructor reads nothing: a history of hundreds of messages costs one
 * small object each, and only the few messages the detector reads are converted.
 */
class ChatLoopMessage implements LoopMessage {
  // Accessors on the prototype (defined below the class): a string field of the raw message, else `undefined`.
  declare readonly name?: string;
  declare readonly callId?: string;
  readonly #raw: Raw;
  #role: LoopMessage['role'] | undefined;
  #content: LoopContent[] | undefined;
  #calls: LoopCall[] | undefined;

  constructor(raw: Raw) {
    this.#raw = raw;
    this.#role = undefined;
    this.#content = undefined;
    this.#calls = undefined;
  }

  get role(): LoopMessage['role'] {
    return (this.#role ??= roleOf(this.#raw['role']));
  }

  get content(): LoopContent[] {
    return (this.#content ??= contentOf(this.#raw['content']));
  }

  /** Empty for anything but an assistant message with calls. */
  get calls(): LoopCall[] {
    return (this.#calls ??= this.role === 'assistant' ? callsOf(this.#raw) : NO_CALLS);
  }

  /** A string field of the raw message, or `undefined`. */
  field(key: string): string | undefined {
    const value = this.#raw[key];
    return typeof value === 'string' ? value : undefined;
  }
}

Object.defineProperties(ChatLoopMessage.prototype, {
  name: {
    get(this: ChatLoopMessage): string | undefined {
      return this.field('name');
    },
  },
  callId: {
    get(this: ChatLoopMessage): string | undefined {
      return this.field('tool_call_id');
    },
  },
});

/**
 * The loop detector's view of a chat-completions body: `system` and `developer` become `system`, `tool` and
 * `function` become `tool`; string content is one text, content parts are texts (`text`, `refusal`) or media
 * stand-ins (`partToken`: type plus URL or a sample of the data); an assistant's `tool_calls` (and a legacy
 * `function_call`) become calls with canonical arguments; `tool_call_id` becomes `callId`. Messages are
 * converted lazily, when the detector reads them, and nothing of the body is copied or changed.
 *
 * @example
 * const fp = fingerprintView(chatLoopView({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] }));
 * chatLoopView({ model: 'm', messages: [{ role: 'developer', content: 'Be brief.' }] }).messages[0].role; // 'system'
 */
export function chatLoopView(body: { model: string; messages: Array<Record<string, unknown>> }): LoopView {
  const messages = body.messages.map((m): LoopMessage => new ChatLoopMessage(m !== null && typeof m === 'object' ? m : {}));
  return { model: typeof body.model === 'string' ? body.model : '', messages };
}
