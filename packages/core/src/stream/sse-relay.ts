// Relays an upstream SSE stream byte for byte, framing it into events that a protocol's observer sees on the side.
import { Transform, type TransformCallback } from 'node:stream';
import type { Usage } from '../cost/usage.js';
import type { AgentWallError } from '../errors.js';

/** One server-sent event: its `event:` name and its `data:` lines joined, either absent. */
export interface SseEvent {
  name: string | undefined;
  data: string | undefined;
}

/**
 * What an observer decides about an event: `undefined` relays it, `'drop'` leaves it out, `'final'` marks the
 * event that ends the stream (AgentWall's comment is written just before it), `{ replace }` writes other bytes
 * in its place (only rewritten events are re-encoded), `{ replace, final: true }` both (a final event rewritten).
 */
export type EventVerdict = undefined | 'drop' | 'final' | { replace: string; final?: boolean };

/**
 * A protocol's view of one stream: it sees each whole event and keeps what it learns (usage, text seen).
 * The relay knows nothing of any event's meaning.
 */
export interface StreamObserver {
  /** Sees one whole event, in order. */
  event(event: SseEvent): EventVerdict;
  /** An event larger than the relay's bound went through unparsed; `bytes` is its size. */
  oversized?(bytes: number): void;
  /** Bytes to write before AgentWall's comment at the end (text a masker still held back). */
  end?(): string | undefined;
  /** The upstream's usage, normalized, once an event carried it. */
  readonly usage: Usage | undefined;
  /** Estimated tokens of the text generated so far, for a stream cut short before its usage. */
  readonly outputTokens: number;
  /**
   * Usage the stream reported before its final figures (Anthropic's `message_start`: input and cache counts, no
   * output yet). A stream cut short before `usage` is charged these input figures with the output estimated
   * from the text seen. Absent: the protocol reports usage once, at the end.
   */
  readonly partialUsage?: Usage | undefined;
  /** True once the upstream reported, inside the stream, that the answer failed (an SSE `error` event). */
  readonly failed?: boolean;
  /**
   * The bytes that end the stream when the upstream fails after the stream began (an SSE `error` event in the
   * protocol's shape), written after AgentWall's comment. Absent: the client's connection is cut, as the
   * upstream's was.
   */
  failure?(error: AgentWallError): string | undefined;
}

/** What the relay saw, handed to `onFinal`. */
export interface StreamObservation {
  /** The stream reached its final event (`[DONE]`, `response.completed`, `message_stop`, ...). */
  done: boolean;
  /** Events seen (parsed or not). */
  events: number;
}

/** Options of {@link SseRelay}. */
export interface SseRelayOptions {
  observer: StreamObserver;
  /**
   * Called once, at the final event (or at the end of a stream without one). Its result, an SSE comment line,
   * is written just before that event. The stream waits for it, so the step can be settled first.
   */
  onFinal: (observation: StreamObservation) => Promise<string>;
  /**
   * An event larger than this many bytes is relayed as it arrives, without being held or parsed. Default 1 MiB.
   */
  maxEventBytes?: number;
}

const LF = 0x0a;
const CR = 0x0d;
const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

/**
 * The end (exclusive) of the first event boundary (`\n\n` or `\n\r\n`) that ends at or after `from` in `buf`,
 * or -1. `p1` and `p2` are the two bytes of the current event just before `from` (`p2` the later), -1 when the
 * event has none there: a boundary may straddle two network chunks.
 */
function boundaryEnd(buf: Buffer, from: number, p1: number, p2: number): number {
  for (let i = buf.indexOf(LF, from); i !== -1; i = buf.indexOf(LF, i + 1)) {
    const b1 = i - 1 >= from ? buf[i - 1]! : p2;
    if (b1 === LF) return i + 1;
    if (b1 === CR) {
      const b2 = i - 2 >= from ? buf[i - 2]! : i - 2 === from - 1 ? p2 : p1;
      if (b2 === LF) return i + 1;
    }
  }
  return -1;
}

/** Strips an event's trailing boundary (`\n\n` or `\n\r\n`) from its text. */
function withoutBoundary(text: string): string {
  let end = text.length;
  if (text.charCodeAt(end - 1) === LF) end--;
  if (text.charCodeAt(end - 1) === CR) end--;
  if (text.charCodeAt(end - 1) === LF) end--;
  return text.slice(0, end);
}

/**
 * Parses an event's text (without its boundary) into its name and data, or undefined for a comment-only event.
 *
 * @example
 * parseEvent('event: response.completed\ndata: {"type":"response.completed"}'); // { name: 'response.completed', data: '{...}' }
 */
export function parseEvent(text: string): SseEvent | undefined {
  // The common event is one `data: ...` line: no split, no array.
  if (text.startsWith('data: ') && !text.includes('\n')) return { name: undefined, data: text.endsWith('\r') ? text.slice(6, -1) : text.slice(6) };
  let data: string | undefined;
  let name: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('data:')) {
      const value = line.charCodeAt(5) === 0x20 ? line.slice(6) : line.slice(5);
      data = data === undefined ? value : `${data}\n${value}`;
    } else if (line.startsWith('event:')) {
      name = line.charCodeAt(6) === 0x20 ? line.slice(7) : line.slice(6);
    }
  }
  return data === undefined && name === undefined ? undefined : { name, data };
}

/**
 * A Transform that passes SSE bytes through unchanged, framing them into events for the observer, and writes
 * AgentWall's comment line before the final event. It holds back only an incomplete event, never the stream,
 * and never more than `maxEventBytes`: framing is linear in the bytes (each chunk is scanned once, each event
 * joined once), so one huge event cannot stall the instance.
 */
export class SseRelay extends Transform {
  readonly observation: StreamObservation = { done: false, events: 0 };
  readonly observer: StreamObserver;
  /** The bytes of the incomplete event at the end of what arrived so far. */
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** The last two bytes of the carried event (p2 the later), -1 where it has fewer. */
  private p1 = -1;
  private p2 = -1;
  /** Relaying an oversized event unparsed until its boundary; its size so far. */
  private skipping = false;
  private skipped = 0;
  /** The final event was reached: everything after it is relayed as it comes. */
  private finished = false;
  private readonly maxEventBytes: number;

  constructor(private readonly options: SseRelayOptions) {
    super();
    this.observer = options.observer;
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    if (this.finished) {
      this.push(chunk);
      return callback();
    }
    let start = 0;
    let emitFrom = 0;
    for (;;) {
      const end = boundaryEnd(chunk, start, this.p1, this.p2);
      if (end === -1) break;
      if (this.skipping) {
        this.endSkip(this.skipped + end - start);
        start = end;
        continue;
      }
      // An event begun in an earlier chunk is joined once, here; its earlier bytes were held back.
      const carried = this.carryBytes > 0 ? this.takeCarry() : undefined;
      const raw = carried ? Buffer.concat([...carried, chunk.subarray(start, end)]) : chunk.subarray(start, end);
      const event = parseEvent(withoutBoundary(raw.toString('utf8')));
      if (event !== undefined) this.observation.events += 1;
      const verdict = event === undefined ? undefined : this.observer.event(event);
      if (verdict === undefined) {
        // Relayed: the held-back bytes go now; this chunk's bytes go with the next push from emitFrom (still 0).
        if (carried) for (const part of carried) this.push(part);
        start = end;
        continue;
      }
      if (start > emitFrom) this.push(chunk.subarray(emitFrom, start));
      if (verdict === 'final') {
        this.finish(end < chunk.length ? Buffer.concat([raw, chunk.subarray(end)]) : raw, callback);
        return;
      }
      if (verdict !== 'drop' && verdict.final === true) {
        this.finish(Buffer.concat([Buffer.from(verdict.replace), chunk.subarray(end)]), callback);
        return;
      }
      if (verdict !== 'drop') this.push(verdict.replace);
      start = end;
      emitFrom = end;
    }
    if (start > emitFrom) this.push(chunk.subarray(emitFrom, start));
    this.keep(chunk, start);
    callback();
  }

  /**
   * Ends the stream after the upstream failed mid-way: an incomplete event is dropped (its start was never
   * relayed, unless it was an oversized one, which is closed off), AgentWall's comment is written, then `tail`
   * (the protocol's error event), and the stream ends. Once the final event was relayed, only ends the stream.
   *
   * @example
   * upstream.once('error', (err) => relay.fail(observer.failure?.(upstreamError(err, timeouts)) ?? ''));
   */
  fail(tail: string): void {
    if (this.destroyed) return;
    if (this.finished) {
      this.end();
      return;
    }
    this.finished = true;
    if (this.skipping) this.push('\n\n');
    this.carry = [];
    this.carryBytes = 0;
    const last = this.observer.end?.();
    if (last) this.push(last);
    this.options.onFinal(this.observation).then(
      (comment) => {
        if (this.destroyed) return;
        this.push(comment);
        if (tail) this.push(tail);
        this.end();
      },
      (err: unknown) => this.destroy(err as Error),
    );
  }

  override _flush(callback: TransformCallback): void {
    if (this.finished) return callback();
    // The upstream ended without its final event: an event left without a boundary is still observed.
    if (this.skipping) {
      this.endSkip(this.skipped);
    } else if (this.carryBytes > 0) {
      const raw = Buffer.concat(this.takeCarry());
      const event = parseEvent(withoutBoundary(raw.toString('utf8')));
      if (event !== undefined) this.observation.events += 1;
      const verdict = event === undefined ? undefined : this.observer.event(event);
      if (verdict === 'final') return this.finish(raw, callback);
      if (verdict !== undefined && verdict !== 'drop' && verdict.final === true) return this.finish(Buffer.from(verdict.replace), callback);
      if (verdict === undefined) this.push(raw);
      else if (verdict !== 'drop') this.push(verdict.replace);
    }
    this.finish(undefined, callback);
  }

  /** Hands over the carried parts of the incomplete event and starts a fresh one. */
  private takeCarry(): Buffer[] {
    const parts = this.carry;
    this.carry = [];
    this.carryBytes = 0;
    this.p1 = -1;
    this.p2 = -1;
    return parts;
  }

  /** Keeps the incomplete event from `start` on; past the bound, relays it unparsed instead of holding it. */
  private keep(chunk: Buffer, start: number): void {
    const tail = chunk.length - start;
    if (tail === 0) return;
    if (chunk.length >= 2 && start <= chunk.length - 2) {
      this.p1 = chunk[chunk.length - 2]!;
      this.p2 = chunk[chunk.length - 1]!;
    } else {
      this.p1 = this.p2;
      this.p2 = chunk[chunk.length - 1]!;
    }
    if (this.skipping) {
      this.skipped += tail;
      this.push(start === 0 ? chunk : chunk.subarray(start));
      return;
    }
    this.carry.push(start === 0 ? chunk : chunk.subarray(start));
    this.carryBytes += tail;
    if (this.carryBytes > this.maxEventBytes) {
      this.skipping = true;
      this.skipped = this.carryBytes;
      for (const part of this.carry) this.push(part);
      this.carry = [];
      this.carryBytes = 0;
    }
  }

  /** The oversized event reached its boundary: tell the observer, and frame normally again. */
  private endSkip(bytes: number): void {
    this.skipping = false;
    this.skipped = 0;
    this.p1 = -1;
    this.p2 = -1;
    this.observation.events += 1;
    this.observer.oversized?.(bytes);
  }

  private finish(rest: Buffer | undefined, callback: TransformCallback): void {
    this.finished = true;
    this.observation.done = rest !== undefined;
    const last = this.observer.end?.();
    if (last) this.push(last);
    this.options.onFinal(this.observation).then(
      (comment) => {
        this.push(comment);
        if (rest?.length) this.push(rest);
        callback();
      },
      (err: unknown) => callback(err as Error),
    );
  }
}
