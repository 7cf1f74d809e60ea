// One request/response pair on plain node:http: abort-aware waits and writes, JSON answers and socket drops.
import type http from 'node:http';
import type { RecordedRequest } from '../types.js';

/** Per-request state the response helpers need. */
export interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  record: RecordedRequest;
  /** Aborts when the connection closes, so pending timers and writes stop at once. */
  signal: AbortSignal;
  /** Set before the mock destroys the socket itself, so that is not recorded as a client abort. */
  dropping: boolean;
  requestId: string;
  /** Headers every answer on this route carries besides `x-request-id` (e.g. Anthropic's `request-id`). */
  extraHeaders: Record<string, string>;
}

/** Resolves false instead of waiting when the connection is gone, so abandoned requests leave no timers. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Waits for the write to reach the socket: gives backpressure, and lets a drop happen only after the bytes left. */
export function write(ex: Exchange, data: string): Promise<boolean> {
  if (ex.signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(false);
    ex.signal.addEventListener('abort', onAbort, { once: true });
    ex.res.write(data, () => {
      ex.signal.removeEventListener('abort', onAbort);
      resolve(!ex.signal.aborted);
    });
  });
}

/** Answer with a JSON body and a content length. */
export function sendJson(ex: Exchange, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  ex.res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-request-id': ex.requestId,
    ...ex.extraHeaders,
  });
  ex.res.end(payload);
}

/** Destroy the socket on purpose (an injected drop), without recording it as a client abort. */
export function drop(ex: Exchange): void {
  ex.dropping = true;
  ex.res.destroy();
}

/** Send the status line and headers now, so clients see them before any body. */
export function sendHead(ex: Exchange, contentType: string): void {
  ex.res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache', 'x-request-id': ex.requestId, ...ex.extraHeaders });
  ex.res.flushHeaders();
}
