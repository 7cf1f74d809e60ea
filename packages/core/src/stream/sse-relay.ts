// Relays an upstream SSE stream byte for byte, observing each event on the side (usage, text seen).
import { Transform, type TransformCallback } from 'node:stream';

/** What the relay saw in the stream. */
export interface StreamObservation {
  /** The `usage` object of the usage chunk, when the upstream sent one. */
  usage: unknown;
  /** Characters of generated text seen (content, refusal and tool-call arguments). */
  outputChars: number;
  /** Estimated tokens of that text, for pricing a stream cut short before its usage chunk. */
  outputTokens: number;
  /** The stream reached `data: [DONE]`. */
  done: boolean;
  /** Events relayed. */
  events: number;
}

/** Options of {@link SseRelay}. */
export interface SseRelayOptions {
  /** Drop the usage-only chunk (empty `choices`) because the client did not ask for usage. */
  hideUsageChunk: boolean;
  /**
   * Called once, at `data: [DONE]` (or at the end of a stream without it). Its result, an SSE comment
   * line, is written just before `[DONE]`. The stream waits for it, so settling can finish first.
   */
  onDone: (observation: StreamObservation) => Promise<string>;
  /** Token estimate of a piece of generated text. Default: none (outputTokens stays 0). */
  estimateTokens?: (text: string) => number;
  /**
   * Optional rewriting of a JSON chunk (response masking). Returns a replacement chunk, or undefined
   * to pass the original bytes through. Only rewritten events are re-encoded.
   */
  rewrite?: (chunk: Record<string, unknown>) => Record<string, unknown> | undefined;
  /** Optional last chunk written before AgentWall's comment (text a rewriter still held back). */
  flush?: () => Record<string, unknown> | undefined;
}

const LF = 0x0a;
const USAGE_ONLY = Symbol('usage-only chunk');
const CR = 0x0d;

/** Index and length of the next blank line (event boundary) at or after `from`, or -1. */
function nextBoundary(buf: Buffer, from: number): [number, number] {
  for (let i = buf.indexOf(LF, from); i !== -1; i = buf.indexOf(LF, i + 1)) {
    const next = buf[i + 1];
    if (next === LF) return [i, 2];
    if (next === CR && buf[i + 2] === LF) return [i, 3];
  }
  return [-1, 0];
}

/** The data of an SSE event (its `data:` lines joined), or undefined for a comment-only event. */
function eventData(event: string): string | undefined {
  // The common event is one `data: ...` line: no split, no array.
  if (event.startsWith('data: ') && !event.includes('\n')) return event.endsWith('\r') ? event.slice(6, -1) : event.slice(6);
  let data: string | undefined;
  for (const raw of event.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.startsWith('data:')) continue;
    const value = line.charCodeAt(5) === 0x20 ? line.slice(6) : line.slice(5);
    data = data === undefined ? value : `${data}\n${value}`;
  }
  return data;
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
 * A Transform that passes SSE bytes through unchanged, event by event, except that it may drop the
 * usage-only chunk and writes AgentWall's comment line before `data: [DONE]`. It holds back only an
 * incomplete event, never the stream.
 */
export class SseRelay extends Transform {
  readonly observation: StreamObservation = { usage: undefined, outputChars: 0, outputTokens: 0, done: false, events: 0 };
  private pending: Buffer | undefined;
  private finished = false;
  private readonly see: (text: string) => void;

  constructor(private readonly options: SseRelayOptions) {
    super();
    const obs = this.observation;
    const estimate = options.estimateTokens;
    this.see = estimate
      ? (text) => {
          obs.outputChars += text.length;
          obs.outputTokens += estimate(text);
        }
      : (text) => {
          obs.outputChars += text.length;
        };
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    if (this.finished) return callback();
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let start = 0;
    let emitFrom = 0;
    for (;;) {
      const [at, len] = nextBoundary(buf, start);
      if (at === -1) break;
      const end = at + len;
      const data = eventData(buf.toString('utf8', start, at));
      if (data !== undefined) {
        this.observation.events += 1;
        if (data === '[DONE]') {
          if (start > emitFrom) this.push(buf.subarray(emitFrom, start));
          const rest = buf.subarray(start);
          this.finishWith(rest, callback);
          return;
        }
        const seen = this.observe(data);
        if (seen === USAGE_ONLY && this.options.hideUsageChunk) {
          if (start > emitFrom) this.push(buf.subarray(emitFrom, start));
          emitFrom = end;
        } else if (seen !== undefined && seen !== USAGE_ONLY && this.options.rewrite) {
          const replacement = this.options.rewrite(seen);
          if (replacement) {
            if (start > emitFrom) this.push(buf.subarray(emitFrom, start));
            this.push(`data: ${JSON.stringify(replacement)}\n\n`);
            emitFrom = end;
          }
        }
      }
      start = end;
    }
    if (start > emitFrom) this.push(buf.subarray(emitFrom, start));
    if (start < buf.length) this.pending = Buffer.from(buf.subarray(start));
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.finished) return callback();
    // The upstream ended without [DONE]: relay what is left, then our comment.
    const rest = this.pending ?? Buffer.alloc(0);
    this.pending = undefined;
    if (rest.length) this.push(rest);
    this.finishWith(undefined, callback);
  }

  /** Observes one event's data: the parsed chunk, USAGE_ONLY for the usage-only chunk, undefined when not parsed. */
  private observe(data: string): Record<string, unknown> | typeof USAGE_ONLY | undefined {
    // Parsing every event costs more than relaying it: without a rewriter only events that carry a
    // usage object are parsed, and generated text is measured straight from the JSON text.
    if (!this.options.rewrite) {
      const obs = this.observation;
      const chars = obs.outputChars;
      const tokens = obs.outputTokens;
      if (scanStringValues(data, this.see)) return undefined;
      // A usage event: measured from the parse below instead, so nothing is counted twice.
      obs.outputChars = chars;
      obs.outputTokens = tokens;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return undefined;
    }
    if (chunk === null || typeof chunk !== 'object') return undefined;
    const obj = chunk as Record<string, unknown>;
    forEachOutputText(obj, this.see);
    const usage = obj['usage'];
    if (usage !== null && typeof usage === 'object') {
      this.observation.usage = usage;
      const choices = obj['choices'];
      if (Array.isArray(choices) && choices.length === 0) return USAGE_ONLY;
    }
    return obj;
  }

  private finishWith(rest: Buffer | undefined, callback: TransformCallback): void {
    this.finished = true;
    this.observation.done = rest !== undefined;
    const last = this.options.flush?.();
    if (last) this.push(`data: ${JSON.stringify(last)}\n\n`);
    this.options.onDone(this.observation).then(
      (comment) => {
        this.push(comment);
        if (rest?.length) this.push(rest);
        callback();
      },
      (err: unknown) => callback(err as Error),
    );
  }
}
