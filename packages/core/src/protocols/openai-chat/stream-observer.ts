// What AgentWall sees in a streamed chat completion: usage, text generated, the usage-only chunk, and [DONE].
import { normalizeUsage, type Usage } from '../../cost/usage.js';
import type { DlpScanner } from '../../dlp/index.js';
import type { EventVerdict, SseEvent, StreamObserver } from '../../stream/sse-relay.js';
import { createStreamResponseMasker } from './stream-masking.js';

/** Options of {@link chatStreamObserver}. */
export interface ChatStreamObserverOptions {
  /** Drop the usage-only chunk (empty `choices`) because the client did not ask for usage. */
  hideUsageChunk: boolean;
  /** Token estimate of a piece of generated text. Default: none (outputTokens stays 0). */
  estimateTokens?: ((text: string) => number) | undefined;
  /** Mask the deltas' text (`dlp.responses`). */
  scanner?: DlpScanner | undefined;
}

/** A chat stream's observer, with the raw figures its tests read. */
export interface ChatStreamObserver extends StreamObserver {
  /** The `usage` object of the usage chunk as the upstream sent it. */
  readonly usageObject: unknown;
  /** Characters of generated text seen (content, refusal and tool-call arguments). */
  readonly outputChars: number;
  /** DLP counts of the masked deltas, when masking. */
  readonly maskedCounts: Record<string, number> | undefined;
}

/** The keys of generated text, and the start of a usage object (whose event is parsed instead). */
const SCAN = /"(?:content|refusal|arguments)":"|"usage":\{/g;

/**
 * Calls `see` with the raw JSON text of every `content`, `refusal` and `arguments` string in an
 * event, without parsing it, in one pass over the text: one regular expression finds the three keys
 * and `"usage":{` (a quote inside a JSON string is escaped, so neither can match inside a value).
 * Escapes are counted as written: this feeds an estimate only. Stops and returns false at a usage
 * object, since that event is parsed; what `see` was given before then must be taken back.
 */
function scanStringValues(data: string, see: (text: string) => void): boolean {
  SCAN.lastIndex = 0;
  while (SCAN.test(data)) {
    const start = SCAN.lastIndex;
    if (data.charCodeAt(start - 1) === 0x7b /* { */) return false;
    let end = start;
    while (end < data.length) {
      const c = data.charCodeAt(end);
      if (c === 0x22 /* " */) break;
      end += c === 0x5c /* \ */ ? 2 : 1;
    }
    if (end > start) see(data.slice(start, end));
    SCAN.lastIndex = end;
  }
  return true;
}

/** Calls `see` with each piece of generated text in a chunk's deltas. */
function forEachOutputText(chunk: Record<string, unknown>, see: (text: string) => void): void {
  const choices = chunk['choices'];
  if (!Array.isArray(choices)) return;
  for (const c of choices) {
    const delta = (c as { delta?: Record<string, unknown> } | null)?.delta;
    if (!delta) continue;
    if (typeof delta['content'] === 'string') see(delta['content']);
    if (typeof delta['refusal'] === 'string') see(delta['refusal']);
    const calls = delta['tool_calls'];
    if (Array.isArray(calls)) {
      for (const call of calls) {
        const fn = (call as { function?: { name?: unknown; arguments?: unknown } } | null)?.function;
        if (typeof fn?.arguments === 'string') see(fn.arguments);
        if (typeof fn?.name === 'string') see(fn.name);
      }
    }
  }
}

/**
 * The observer of one streamed chat completion: `data: [DONE]` is the final event, the usage-only chunk is
 * dropped when the client did not ask for usage, and generated text is measured straight from the JSON text.
 * Parsing every event costs more than relaying it, so without masking only events that carry a usage object
 * are parsed.
 *
 * @example
 * const relay = new SseRelay({ observer: chatStreamObserver({ hideUsageChunk: true, estimateTokens }), onFinal });
 */
export function chatStreamObserver(options: ChatStreamObserverOptions): ChatStreamObserver {
  const estimate = options.estimateTokens;
  const masker = options.scanner ? createStreamResponseMasker(options.scanner) : undefined;
  let usageObject: unknown;
  let usage: Usage | undefined;
  let outputChars = 0;
  let outputTokens = 0;
  const see = estimate
    ? (text: string): void => {
        outputChars += text.length;
        outputTokens += estimate(text);
      }
    : (text: string): void => {
        outputChars += text.length;
      };

  return {
    get usage() {
      return usage;
    },
    get usageObject() {
      return usageObject;
    },
    get outputChars() {
      return outputChars;
    },
    get outputTokens() {
      return outputTokens;
    },
    get maskedCounts() {
      return masker?.counts;
    },
    event({ data }: SseEvent): EventVerdict {
      if (data === undefined) return undefined;
      if (data === '[DONE]') return 'final';
      if (!masker) {
        const chars = outputChars;
        const tokens = outputTokens;
        if (scanStringValues(data, see)) return undefined;
        // A usage event: measured from the parse below instead, so nothing is counted twice.
        outputChars = chars;
        outputTokens = tokens;
      }
      let chunk: unknown;
      try {
        chunk = JSON.parse(data);
      } catch {
        return undefined;
      }
      if (chunk === null || typeof chunk !== 'object') return undefined;
      const obj = chunk as Record<string, unknown>;
      forEachOutputText(obj, see);
      const u = obj['usage'];
      if (u !== null && typeof u === 'object') {
        usageObject = u;
        usage = normalizeUsage(u);
        const choices = obj['choices'];
        if (Array.isArray(choices) && choices.length === 0) return options.hideUsageChunk ? 'drop' : undefined;
      }
      const replacement = masker?.rewrite(obj);
      return replacement ? { replace: `data: ${JSON.stringify(replacement)}\n\n` } : undefined;
    },
    oversized(bytes) {
      // A huge delta was relayed unparsed: its size still stands for the text generated.
      outputChars += bytes;
      if (estimate) outputTokens += Math.ceil(bytes / 4);
    },
    end() {
      const last = masker?.flush();
      return last ? `data: ${JSON.stringify(last)}\n\n` : undefined;
    },
  };
}
