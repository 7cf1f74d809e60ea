// What AgentWall sees in a streamed Responses answer: generated text from the deltas, the final response's usage, its id and calls.
import { normalizeUsage, type Usage } from '../../cost/usage.js';
import type { DlpScanner } from '../../dlp/index.js';
import type { EventVerdict, SseEvent, StreamObserver } from '../../stream/sse-relay.js';
import type { ChainLink } from '../protocol.js';
import { isRecord } from '../mask-json.js';
import { OutputLinks, responseLink } from './links.js';
import { createResponsesStreamMasker } from './stream-masking.js';

/** The events that end a Responses stream; each carries the final response object with its usage. */
const FINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/** Events whose `delta` is generated text the upstream bills as output. */
const DELTAS = new Set([
  'response.output_text.delta',
  'response.function_call_arguments.delta',
  'response.custom_tool_call_input.delta',
  'response.refusal.delta',
  'response.reasoning_summary_text.delta',
  'response.reasoning_text.delta',
]);

/** Options of {@link responsesStreamObserver}. */
export interface ResponsesStreamObserverOptions {
  /** Token estimate of a piece of generated text. */
  estimateTokens: (text: string) => number;
  /** Keep what the chain needs (the response's id, its output's calls and text), for an answer the upstream stores. */
  link: boolean;
  /** Mask the generated text as it passes (`dlp.responses`); see `createResponsesStreamMasker`. */
  scanner?: DlpScanner | undefined;
}

/** The events whose text the masker rewrites (with the final events). */
const MASKED = new Set(['response.output_text.delta', 'response.output_text.done', 'response.content_part.done', 'response.output_item.done']);

/** A Responses stream's observer, with the raw figures its tests read. */
export interface ResponsesStreamObserver extends StreamObserver {
  /** Characters of generated text seen in deltas. */
  readonly outputChars: number;
  /** The event that ended the stream, once it came. */
  readonly finalType: string | undefined;
  /** DLP counts of the masked text, when masking. */
  readonly maskedCounts: Record<string, number> | undefined;
  /** The response's id, its calls and its reply's digest, as far as the stream went; undefined without an id. */
  link(): ChainLink | undefined;
}

/**
 * The raw JSON text of an event's `"delta"` string value, found without parsing (escapes counted as written:
 * this feeds an estimate only). A quote inside a JSON string is escaped, so the key cannot match inside a value.
 */
function deltaText(data: string): string {
  const at = data.indexOf('"delta":"');
  if (at === -1) return '';
  const start = at + 9;
  let end = start;
  while (end < data.length) {
    const c = data.charCodeAt(end);
    if (c === 0x22 /* " */) break;
    end += c === 0x5c /* \ */ ? 2 : 1;
  }
  return data.slice(start, end);
}

function parse(data: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The observer of one streamed Responses answer. Events are told apart by their `event:` name, so most are never
 * parsed: text deltas are measured straight from their JSON text, and only the final event (`response.completed`,
 * `response.incomplete` or `response.failed`, whose response carries the usage; the stream's last event, before
 * which AgentWall writes its comment) is parsed, plus, for an answer the upstream stores, `response.created` (the
 * id) and `response.output_item.done` (the calls and text, for a stream cut before its end). An event without a
 * name (a server that sends only `data:`) is parsed for its `type`. Nothing is dropped or rewritten: the stream
 * passes byte for byte, `sequence_number`s untouched.
 *
 * @example
 * const relay = new SseRelay({ observer: responsesStreamObserver({ estimateTokens, link: true }), onFinal });
 */
export function responsesStreamObserver(options: ResponsesStreamObserverOptions): ResponsesStreamObserver {
  const estimate = options.estimateTokens;
  let usage: Usage | undefined;
  let outputChars = 0;
  let outputTokens = 0;
  let finalType: string | undefined;
  let responseId: string | undefined;
  let finalLink: ChainLink | undefined;
  const items = options.link ? new OutputLinks() : undefined;
  const masker = options.scanner ? createResponsesStreamMasker(options.scanner) : undefined;

  return {
    get usage() {
      return usage;
    },
    get outputTokens() {
      return outputTokens;
    },
    get outputChars() {
      return outputChars;
    },
    get finalType() {
      return finalType;
    },
    get maskedCounts() {
      return masker?.counts;
    },
    link() {
      if (finalLink) return finalLink;
      return responseId !== undefined && items ? items.link(responseId) : undefined;
    },
    event({ name, data }: SseEvent): EventVerdict {
      if (data === undefined) return undefined;
      let parsed: Record<string, unknown> | undefined;
      let type = name;
      if (type === undefined) {
        parsed = parse(data);
        type = typeof parsed?.['type'] === 'string' ? parsed['type'] : '';
      }
      let verdict: EventVerdict;
      if (DELTAS.has(type)) {
        const text = deltaText(data);
        outputChars += text.length;
        outputTokens += estimate(text);
      } else if (FINAL.has(type)) {
        finalType = type;
        parsed ??= parse(data);
        const response = parsed?.['response'];
        if (isRecord(response)) {
          usage = normalizeUsage(response['usage']);
          if (options.link) finalLink = responseLink(response);
        }
        verdict = 'final';
      } else if (items && type === 'response.created') {
        const id = ((parsed ??= parse(data))?.['response'] as Record<string, unknown> | undefined)?.['id'];
        if (typeof id === 'string' && id !== '') responseId = id;
      } else if (items && type === 'response.output_item.done') {
        items.add((parsed ??= parse(data))?.['item']);
      }
      // With `dlp.responses`, the events that carry generated text are rewritten (the link above read the upstream's).
      if (masker && (verdict === 'final' || MASKED.has(type))) {
        parsed ??= parse(data);
        if (parsed) return masker.event(type, parsed, verdict === 'final');
      }
      return verdict;
    },
    end() {
      return masker?.end();
    },
    oversized(bytes) {
      // A huge event was relayed unparsed: its size still stands for the text generated.
      outputChars += bytes;
      outputTokens += Math.ceil(bytes / 4);
    },
  };
}
