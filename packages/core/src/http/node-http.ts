// Node plumbing shared by the adapters: IncomingMessage to CoreRequest, CoreResponse to ServerResponse.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import type { BodySource, CoreRequest, CoreResponse } from './types.js';

/**
 * The body source of a Node request: a body that a host parser already read is reused
 * (the stream is spent then); otherwise the raw stream is read by AgentWall with its own limit.
 */
export function bodySourceOf(req: IncomingMessage, parsed: unknown): BodySource {
  const consumed = req.readableEnded || (req as { _body?: boolean })._body === true;
  return consumed ? { kind: 'parsed', value: parsed } : { kind: 'stream', stream: req };
}

/** An AbortSignal that fires when the client goes away before the response is complete. */
export function clientGoneSignal(res: ServerResponse): AbortSignal {
  const ac = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  return ac.signal;
}

/**
 * Builds a CoreRequest from Node's request. `url` is the URL below the mount point (Express's
 * `req.url`, Koa's `ctx.path` + query).
 */
export function toCoreRequest(req: IncomingMessage, res: ServerResponse, url: string, parsed: unknown): CoreRequest {
  const q = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    headers: req.headers,
    body: bodySourceOf(req, parsed),
    signal: clientGoneSignal(res),
  };
}

/** Writes a CoreResponse to Node's response; streams are piped with backpressure and flushed headers. */
export function writeCoreResponse(res: ServerResponse, r: CoreResponse): void {
  res.statusCode = r.status;
  for (const name in r.headers) res.setHeader(name, r.headers[name]!);
  if (r.stream) {
    // Headers go out now, so the client sees the run id before the first token.
    res.flushHeaders();
    pipeline(r.stream, res, () => {
      // Errors here mean the client or the upstream went away; the core has settled the step already.
    });
    return;
  }
  res.end(r.body);
}
