// The guarded routes' upstream call, on undici's dispatch() with a handler of our own instead of request().
//
// request() wraps every answer in a BodyReadable stream and reads a JSON answer back out of it through its
// consume machinery; on this path that costs more than the rest of the upstream call together (measured with
// `bench/src/core-cost.ts`: about 14 µs per request on the bench machine, against 3 µs for dispatch()). Here a
// JSON answer's chunks go straight into an array, and only an answer relayed as a stream gets a Readable, with
// the same backpressure (the socket pauses while the client is slow) and the same abort on destroy.
import { Readable } from 'node:stream';
import type { IncomingHttpHeaders } from 'node:http';
import { util, type Dispatcher } from 'undici';
import type { ClientGoneSignal } from '../http/types.js';

/** The request, as undici's dispatch() takes it. */
export interface UpstreamRequest {
  origin: string;
  path: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

/** An upstream's answer: its head, and its body either relayed as a stream or read whole. */
export interface UpstreamAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The body as a stream, when `streams(status, headers)` said so; destroying it aborts the upstream request. */
  stream?: Readable;
  /** The whole body, otherwise; rejects when the upstream fails before its end. */
  body?: Promise<Buffer>;
}

/** The abort of a request whose client went away, as undici's request() names it (`isAbort` recognises it). */
class UpstreamAborted extends Error {
  override readonly name = 'AbortError';
  readonly code = 'UND_ERR_ABORTED';
  constructor() {
    super('Request aborted');
  }
}

/** A relayed body: reading resumes the socket, a full buffer pauses it, destroying it before its end aborts the request. */
class UpstreamBody extends Readable {
  constructor(private readonly handler: UpstreamHandler) {
    super({ highWaterMark: 64 * 1024 });
  }

  override _read(): void {
    this.handler.resumeSocket();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.readableEnded) this.handler.abortRequest(err ?? new UpstreamAborted());
    callback(err);
  }
}

type Signal = AbortSignal | ClientGoneSignal;

/** undici's legacy handler interface, the one request() itself implements and every dispatcher (MockAgent too) drives. */
class UpstreamHandler {
  private abort: ((err?: Error) => void) | undefined;
  private resume: (() => void) | undefined;
  private paused = false;
  private done = false;
  private stream: UpstreamBody | undefined;
  private chunks: Buffer[] | undefined;
  private bodyResolve: ((b: Buffer) => void) | undefined;
  private bodyReject: ((err: Error) => void) | undefined;
  private readonly onAbort = (): void => this.abortRequest(new UpstreamAborted());

  constructor(
    private readonly signal: Signal,
    private readonly streams: (status: number, headers: IncomingHttpHeaders) => boolean,
    private readonly resolveHead: (a: UpstreamAnswer) => void,
    private readonly rejectHead: (err: Error) => void,
  ) {
    if ('addEventListener' in signal) signal.addEventListener('abort', this.onAbort, { once: true });
    else signal.once('abort', this.onAbort);
  }

  onConnect(abort: (err?: Error) => void): void {
    if (this.signal.aborted) abort(new UpstreamAborted());
    else this.abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    // 1xx answers are informational; the real head comes after them.
    if (statusCode < 200) return true;
    this.resume = resume;
    const headers = util.parseHeaders(rawHeaders) as IncomingHttpHeaders;
    if (this.streams(statusCode, headers)) {
      this.stream = new UpstreamBody(this);
      this.resolveHead({ statusCode, headers, stream: this.stream });
    } else {
      this.chunks = [];
      const body = new Promise<Buffer>((resolve, reject) => {
        this.bodyResolve = resolve;
        this.bodyReject = reject;
      });
      // Handled here too: a body that fails before its reader awaits it must not be an unhandled rejection.
      body.catch(() => undefined);
      this.resolveHead({ statusCode, headers, body });
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.chunks) {
      this.chunks.push(chunk);
      return true;
    }
    const more = this.stream!.push(chunk);
    if (!more) this.paused = true;
    return more;
  }

  onComplete(): void {
    this.finish();
    if (this.chunks) {
      const c = this.chunks;
      this.bodyResolve!(c.length === 1 ? c[0]! : Buffer.concat(c));
    } else this.stream?.push(null);
  }

  onError(err: Error): void {
    if (this.done) return;
    this.finish();
    if (this.stream) this.stream.destroy(err);
    else if (this.bodyReject) this.bodyReject(err);
    else this.rejectHead(err);
  }

  /** The reader wants more: undici reads the socket again when it was paused. */
  resumeSocket(): void {
    if (!this.paused) return;
    this.paused = false;
    this.resume?.();
  }

  abortRequest(err: Error): void {
    if (this.done) return;
    if (this.abort) this.abort(err);
    else this.onError(err);
  }

  private finish(): void {
    this.done = true;
    const s = this.signal;
    if ('removeEventListener' in s) s.removeEventListener('abort', this.onAbort);
    else s.removeListener('abort', this.onAbort);
  }
}

/**
 * Sends one request through `dispatcher` and resolves its answer's head. `signal` aborting (the client left)
 * aborts the request at any phase, with an error `isAbort` recognises; `streams` decides from the head whether
 * the body is relayed as a stream or read whole.
 *
 * @example
 * const answer = await callUpstream(agent, { origin, path, method: 'POST', headers, body }, req.signal, () => false);
 * const raw = await answer.body!;
 */
export function callUpstream(dispatcher: Dispatcher, request: UpstreamRequest, signal: Signal, streams: (status: number, headers: IncomingHttpHeaders) => boolean): Promise<UpstreamAnswer> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new UpstreamAborted());
    const handler = new UpstreamHandler(signal, streams, resolve, reject);
    try {
      dispatcher.dispatch(request, handler as unknown as Dispatcher.DispatchHandler);
    } catch (err) {
      handler.onError(err as Error);
    }
  });
}
