// The mock's request handler: routing, auth, fault injection and JSON/SSE responses on plain node:http.
import type http from 'node:http';
import { resolveBehaviour, type RequestBehaviour } from './behaviour.js';
import { parseChatRequest } from './chat-request.js';
import { planCompletion } from './completion-plan.js';
import { FailureQueue } from './failure-queue.js';
import { defaultErrorForStatus, errorBody } from './openai-errors.js';
import { completionBody, modelsBody, streamEvents, type CompletionIdentity } from './openai-format.js';
import type { MockFailure, MockLlmHandler, MockLlmOptions, RecordedRequest } from './types.js';

/** Per-request state the response helpers need. */
interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  record: RecordedRequest;
  /** Aborts when the connection closes, so pending timers and writes stop at once. */
  signal: AbortSignal;
  /** Set before the mock destroys the socket itself, so that is not recorded as a client abort. */
  dropping: boolean;
  requestId: string;
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Resolves false instead of waiting when the connection is gone, so abandoned requests leave no timers. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
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
function write(ex: Exchange, data: string): Promise<boolean> {
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

async function readJsonBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function sendJson(ex: Exchange, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  ex.res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-request-id': ex.requestId,
  });
  ex.res.end(payload);
}

function drop(ex: Exchange): void {
  ex.dropping = true;
  ex.res.destroy();
}

function isAuthorized(req: http.IncomingMessage, apiKey: string | undefined): boolean {
  if (apiKey === undefined) return true;
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1]?.trim() === apiKey;
}

/** Route path with query, trailing slashes and an optional `/v1` prefix removed. */
function routeOf(url: string): string {
  const pathname = url.split('?')[0] ?? '/';
  return pathname.replace(/\/+$/, '').replace(/^\/v1(?=\/|$)/, '') || '/';
}

/**
 * Create the mock's request handler, for embedding in another server (e.g. `http.createServer(handler)`
 * or mounted under an Express/Koa route). Paths are accepted with or without the `/v1` prefix.
 * Recorded requests and the failure queue live on the returned function.
 */
export function createMockLlmHandler(opts: MockLlmOptions = {}): MockLlmHandler {
  const requests: RecordedRequest[] = [];
  const maxRecorded = opts.maxRecorded ?? 10_000;
  const failures = new FailureQueue();
  let completions = 0;
  let received = 0;

  async function streamCompletion(ex: Exchange, behaviour: RequestBehaviour, events: string[]): Promise<void> {
    ex.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': ex.requestId });
    // Headers go out before the first event so clients see time-to-first-byte as a real stream would give it.
    ex.res.flushHeaders();
    for (let i = 0; i < events.length; i += 1) {
      if (i === behaviour.dropAfter) return drop(ex);
      if (i === behaviour.stallAfter) return;
      if (i > 0 && !(await sleep(opts.chunkDelayMs ?? 0, ex.signal))) return;
      if (!(await write(ex, events[i] as string))) return;
    }
    // A drop/stall count at or past the last event still withholds the chunked terminator.
    if (behaviour.dropAfter !== undefined) return drop(ex);
    if (behaviour.stallAfter !== undefined) return;
    ex.res.end();
  }

  async function chatCompletion(ex: Exchange): Promise<void> {
    const behaviour = resolveBehaviour(opts.delayMs ?? 0, ex.req.headers, failures.take());
    if (!(await sleep(behaviour.delayMs, ex.signal))) return;
    // Hang: never answer; the close listener records the abort when the client or close() gives up.
    if (behaviour.hang) return;
    if (behaviour.status) {
      return sendJson(ex, behaviour.status.status, behaviour.status.body ?? defaultErrorForStatus(behaviour.status.status));
    }
    if (!isAuthorized(ex.req, opts.apiKey)) {
      return sendJson(ex, 401, errorBody('Incorrect API key provided', 'invalid_request_error', 'invalid_api_key'));
    }
    const request = parseChatRequest(ex.record.body);
    if (typeof request === 'string') return sendJson(ex, 400, errorBody(request));

    completions += 1;
    const plan = planCompletion(request, opts.answer, completions);
    const identity: CompletionIdentity = { id: `chatcmpl-mock-${completions}`, model: request.model };
    if (request.stream) {
      return streamCompletion(ex, behaviour, streamEvents(identity, plan, request.includeUsage, opts.streamChunks));
    }
    if (behaviour.dropAfter !== undefined) return drop(ex);
    if (behaviour.stallAfter !== undefined) {
      ex.res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': ex.requestId });
      ex.res.flushHeaders();
      return;
    }
    sendJson(ex, 200, completionBody(identity, plan));
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const method = req.method ?? 'GET';
    const record: RecordedRequest = {
      method,
      path: req.url ?? '/',
      headers: flattenHeaders(req.headers),
      body: undefined,
      aborted: false,
    };
    requests.push(record);
    // Bounded: the example servers run the mock for as long as they live.
    if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);
    received += 1;
    const controller = new AbortController();
    const ex: Exchange = { req, res, record, signal: controller.signal, dropping: false, requestId: `req_mock_${received}` };
    res.on('close', () => {
      if (!res.writableFinished && !ex.dropping) record.aborted = true;
      controller.abort();
      if (opts.log) {
        const outcome = ex.dropping ? 'dropped' : record.aborted ? 'aborted' : String(res.statusCode);
        console.log(`[mock-llm] ${method} ${record.path} ${outcome} ${Date.now() - started}ms`);
      }
    });

    try {
      record.body = await readJsonBody(req);
    } catch {
      // The client went away mid-body; the close listener has already recorded that.
      return;
    }
    if (controller.signal.aborted) return;

    const route = routeOf(record.path);
    if (route === '/chat/completions' && method === 'POST') return chatCompletion(ex);
    if (!isAuthorized(req, opts.apiKey)) {
      return sendJson(ex, 401, errorBody('Incorrect API key provided', 'invalid_request_error', 'invalid_api_key'));
    }
    if (route === '/models' && method === 'GET') return sendJson(ex, 200, modelsBody());
    sendJson(ex, 404, errorBody(`Invalid URL (${method} ${record.path.split('?')[0] ?? '/'})`));
  }

  const handler = ((req: http.IncomingMessage, res: http.ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      if (opts.log) console.error('[mock-llm] handler error', err);
      if (res.headersSent) res.destroy();
      else {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(errorBody('Mock LLM internal error', 'server_error')));
      }
    });
  }) as MockLlmHandler;

  Object.defineProperty(handler, 'requests', { value: requests, enumerable: true });
  handler.fail = (failure: MockFailure): void => failures.push(failure);
  handler.reset = (): void => {
    // Truncate in place: callers hold references to this array (e.g. `mock.requests`).
    requests.length = 0;
    failures.clear();
  };
  return handler;
}
