// What AgentWall sees in a streamed Message: usage in message_start and message_delta, text seen, the final event.
import type { Usage } from '../../cost/usage.js';
import type { DlpScanner } from '../../dlp/index.js';
import { AgentWallError } from '../../errors.js';
import type { EventVerdict, SseEvent, StreamObserver } from '../../stream/sse-relay.js';
import { createMessagesStreamMasker, namedEvent } from './stream-masking.js';
import { mergeStreamUsage, normalizeAnthropicUsage } from './usage.js';

/**
 * Options of {@link messagesStreamObserver}.
 *
 * @example
 * messagesStreamObserver({ estimateTokens: estimateTextTokens, scanner: cfg.dlp });
 */
export interface MessagesStreamObserverOptions {
  /** Token estimate of a piece of generated text. */
  estimateTokens: (text: string) => number;
  /** Mask the text deltas (`dlp.responses`). Default: none. */
  scanner?: DlpScanner | undefined;
}

/**
 * A Messages stream's observer, with the raw figures its tests read.
 *
 * @example
 * const observer: MessagesStreamObserver = messagesStreamObserver({ estimateTokens });
 * observer.partialUsage; // message_start's figures, once seen
 */
export interface MessagesStreamObserver extends StreamObserver {
  /** The stream's usage as the upstream sent it so far: `message_start`'s, updated by `message_delta`. */
  readonly usageObject: Record<string, unknown> | undefined;
  /** Characters of generated text seen (text, tool input JSON and thinking deltas). */
  readonly outputChars: number;
  /** DLP counts of the masked deltas, when masking. */
  readonly maskedCounts: Record<string, number> | undefined;
  readonly failed: boolean;
  /** The SSE `error` event that ends the stream when the upstream failed mid-way. */
  failure(error: AgentWallError): string;
}

/** The keys of generated text in a `content_block_delta`: text, tool input JSON, thinking. */
const TEXT_KEYS = /"(?:text|partial_json|thinking)":"/g;

/**
 * Calls `see` with the raw JSON text of every generated-text string in a delta event, without parsing it: a quote
 * inside a JSON string is escaped, so a key pattern cannot match inside a value. Escapes count as written: this
 * feeds an estimate only.
 */
function forEachDeltaText(data: string, see: (text: string) => void): void {
  TEXT_KEYS.lastIndex = 0;
  while (TEXT_KEYS.test(data)) {
    const start = TEXT_KEYS.lastIndex;
    let end = start;
    while (end < data.length) {
      const c = data.charCodeAt(end);
      if (c === 0x22 /* " */) break;
      end += c === 0x5c /* \ */ ? 2 : 1;
    }
    if (end > start) see(data.slice(start, end));
    TEXT_KEYS.lastIndex = end;
  }
}

function parse(data: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The type of an event that came without an `event:` line (Anthropic always sends one; a gateway might not). */
function typeOf(data: string): string | undefined {
  const type = parse(data)?.['type'];
  return typeof type === 'string' ? type : undefined;
}

/**
 * The observer of one streamed Message. Events are told apart by their `event:` name, so only `message_start`
 * and `message_delta` (two small events per stream) are parsed; text deltas are measured straight from their
 * JSON text, unless answers are masked. `message_stop` is the final event (AgentWall's comment goes just before
 * it); an upstream `error` event ends the stream as failed, with the comment before it. Usage: `message_start`
 * gives the input and cache figures (`partialUsage`, charged if the stream is cut), `message_delta` the final
 * cumulative ones (`usage`). A stream that ends without `message_stop` or fails mid-way gets an SSE `error`
 * event, which the Anthropic SDKs raise as an `APIError`.
 *
 * @example
 * const relay = new SseRelay({ observer: messagesStreamObserver({ estimateTokens }), onFinal });
 */
export function messagesStreamObserver(options: MessagesStreamObserverOptions): MessagesStreamObserver {
  const estimate = options.estimateTokens;
  const masker = options.scanner ? createMessagesStreamMasker(options.scanner) : undefined;
  let usageObject: Record<string, unknown> | undefined;
  let usage: Usage | undefined;
  let partialUsage: Usage | undefined;
  let outputChars = 0;
  let outputTokens = 0;
  let stopped = false;
  let failed = false;
  const see = (text: string): void => {
    outputChars += text.length;
    outputTokens += estimate(text);
  };

  const delta = (data: string): EventVerdict => {
    if (!masker) {
      forEachDeltaText(data, see);
      return undefined;
    }
    const event = parse(data);
    if (!event) return undefined;
    const d = record(event['delta']);
    for (const key of ['text', 'partial_json', 'thinking']) if (typeof d?.[key] === 'string') see(d[key] as string);
    const replaced = masker.delta(event);
    return replaced === undefined ? undefined : { replace: replaced };
  };

  return {
    get usage() {
      return usage;
    },
    get partialUsage() {
      return partialUsage;
    },
    get failed() {
      return failed;
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
    event({ name, data }: SseEvent): EventVerdict {
      if (data === undefined) return undefined;
      switch (name ?? typeOf(data)) {
        case 'content_block_delta':
          return delta(data);
        case 'message_start': {
          const start = record(record(parse(data)?.['message'])?.['usage']);
          if (start) {
            usageObject = start;
            partialUsage = normalizeAnthropicUsage(start);
          }
          return undefined;
        }
        case 'message_delta': {
          const u = record(parse(data)?.['usage']);
          if (u) {
            usageObject = mergeStreamUsage(usageObject, u);
            usage = normalizeAnthropicUsage(usageObject) ?? usage;
          }
          return undefined;
        }
        case 'content_block_stop': {
          if (!masker) return undefined;
          const index = parse(data)?.['index'];
          const tail = typeof index === 'number' ? masker.stop(index) : undefined;
          return tail ? { replace: tail + namedEvent('content_block_stop', data) } : undefined;
        }
        case 'message_stop':
          stopped = true;
          return 'final';
        case 'error':
          failed = true;
          return 'final';
        default:
          return undefined;
      }
    },
    oversized(bytes) {
      // A huge delta was relayed unparsed: its size still stands for the text generated.
      outputChars += bytes;
      outputTokens += Math.ceil(bytes / 4);
    },
    end() {
      const tails = masker?.flush() ?? '';
      if (stopped || failed) return tails || undefined;
      // The upstream ended its stream without message_stop: the client is told, as the SDKs expect an ending.
      failed = true;
      return tails + errorEvent(new AgentWallError('upstream_unavailable', 'The upstream ended the stream before message_stop.'));
    },
    failure(error: AgentWallError) {
      failed = true;
      return errorEvent(error);
    },
  };
}

/** An SSE `error` event in Anthropic's shape, as the API sends one mid-stream. */
function errorEvent(error: AgentWallError): string {
  return namedEvent('error', JSON.stringify(error.bodyFor('anthropic')));
}
