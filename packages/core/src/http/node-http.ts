// Node plumbing shared by the adapters: IncomingMessage to CoreRequest, CoreResponse to ServerResponse.
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BodySource, ClientGoneSignal, CoreRequest, CoreResponse } from './types.js';

/**
 * The body source of a Node request: a body that a host parser already read is reused
 * (the stream is spent then); otherwise the raw stream is read by AgentWall with its own limit.
 */
export function bodySourceOf(req: IncomingMessage, parsed: unknown): BodySource {
  const consumed = req.readableEnded || (req as { _body?: boolean })._body === true;
  return consumed ? { kind: 'parsed', value: parsed } : { kind: 'stream', stream: req };
}

class ClientGone extends EventEmitter implements ClientGoneSignal {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
  }
}

/**
 * A signal that fires when the client goes away before the response is complete. Made on first use:
 * only forwarded requests need one, and the host app's routes pay nothing.
 */
function lazyClientGoneSignal(res: ServerResponse): () => ClientGoneSignal {
  let signal: ClientGone | undefined;
  return () => {
    if (!signal) {
      const gone = new ClientGone();
      signal = gone;
      if (res.destroyed && !res.writableFinished) gone.abort();
      else res.once('close', () => res.writableFinished || gone.abort());
    }
    return signal;
  };
}

/** Socket errors of a client that closed or reset its connection (the parser's EOF state: it left mid-upload). */
const CLIENT_GONE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'HPE_INVALID_EOF_STATE']);

/**
 * True when `err` only says that the client went away (it closed or reset its connection mid-upload or
 * mid-answer) and its connection is indeed gone: that is not an error of the host app's, so adapters keep it
 * from the app's error handler. Any other error, or one while the client is still there, is the app's.
 *
 * @example
 * aw.handle(coreReq).then(write, (err) => (clientWentAway(req, err) ? undefined : next(err)));
 */
export function clientWentAway(req: IncomingMessage, err: unknown): boolean {
  const e = err as { code?: string; name?: string } | null;
  const goneError = e !== null && typeof e === 'object' && (CLIENT_GONE_CODES.has(e.code ?? '') || e.name === 'AbortError');
  return goneError && (req.destroyed || req.socket?.destroyed === true);
}

/**
 * Builds a CoreRequest from Node's request. `url` is the URL below the mount point (Express's
 * `req.url`, Koa's `ctx.path` + query).
 */
export function toCoreRequest(req: IncomingMessage, res: ServerResponse, url: string, parsed: unknown): CoreRequest {
  const q = url.indexOf('?');
  const signal = lazyClientGoneSignal(res);
  return {
    method: req.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    headers: req.headers,
    body: bodySourceOf(req, parsed),
    get signal() {
      return signal();
    },
  };
}

/**
 * Writes a CoreResponse to Node's response: headers in one `writeHead`, streams piped with
 * backpressure. A stream that fails after the headers went out cuts the connection, so the client
 * sees the cut; the client leaving destroys the stream, which aborts the upstream.
 */
export function writeCoreResponse(res: ServerResponse, r: CoreResponse): void {
  res.writeHead(r.status, r.headers);
  const stream = r.stream;
  if (!stream) {
    res.end(r.body);
    return;
  }
  stream.once('error', () => res.destroy());
  res.once('close', () => {
    if (!stream.destroyed) stream.destroy();
  });
  stream.pipe(res);
}
