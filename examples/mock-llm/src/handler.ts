// The mock's request handler: records each request, reads its body, applies injected faults and dispatches to a route.
import type http from 'node:http';
import { resolveBehaviour, type RequestBehaviour } from './behaviour.js';
import { FailureQueue } from './failure-queue.js';
import { sendJson, sleep, type Exchange } from './http/exchange.js';
import { anthropicErrorForStatus } from './protocols/anthropic/errors.js';
import { anthropicRoutes } from './protocols/anthropic/routes.js';
import { hasBearerKey } from './protocols/openai/auth.js';
import { openAiEmbeddingsRoutes } from './protocols/openai/embeddings.js';
import { defaultErrorForStatus, errorBody } from './protocols/openai/errors.js';
import { openAiModelRoutes } from './protocols/openai/models.js';
import { openAiChatRoutes } from './protocols/openai-chat/route.js';
import { openAiResponsesRoutes } from './protocols/openai-responses/routes.js';
import type { Route } from './route.js';
import { MockState } from './state.js';
import type { MockFailure, MockLlmHandler, MockLlmOptions, RecordedRequest } from './types.js';

/** Every route, first match wins: Anthropic's model routes come first and match only requests with `anthropic-version`. */
const ROUTES: Route[] = [...anthropicRoutes, ...openAiChatRoutes, ...openAiResponsesRoutes, ...openAiEmbeddingsRoutes, ...openAiModelRoutes];

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
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

/** Route path with query, trailing slashes and an optional `/v1` prefix removed. */
function routeOf(url: string): string {
  const pathname = url.split('?')[0] ?? '/';
  return pathname.replace(/\/+$/, '').replace(/^\/v1(?=\/|$)/, '') || '/';
}

function findRoute(method: string, path: string, req: http.IncomingMessage): { route: Route; params: string[] } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    if (route.when && !route.when(req)) continue;
    return { route, params: match.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return undefined;
}

/**
 * Create the mock's request handler, for embedding in another server (e.g. `http.createServer(handler)`
 * or mounted under an Express/Koa route). Paths are accepted with or without the `/v1` prefix.
 * Recorded requests, the failure queue and the remembered responses live on the returned function.
 *
 * @example
 * const handler = createMockLlmHandler({ answer: 'fixed' });
 * http.createServer(handler).listen(0);
 */
export function createMockLlmHandler(opts: MockLlmOptions = {}): MockLlmHandler {
  const requests: RecordedRequest[] = [];
  const maxRecorded = opts.maxRecorded ?? 10_000;
  const failures = new FailureQueue();
  const state = new MockState(opts.maxStoredResponses ?? 1_000);

  /** Faults of a POST request: the default delay, header controls and the queued failure; false when the answer is already given. */
  async function applyFaults(ex: Exchange, route: Route): Promise<RequestBehaviour | undefined> {
    const behaviour = resolveBehaviour(opts.delayMs ?? 0, ex.req.headers, failures.take());
    if (!(await sleep(behaviour.delayMs, ex.signal))) return undefined;
    // Hang: never answer; the close listener records the abort when the client or close() gives up.
    if (behaviour.hang) return undefined;
    if (behaviour.status) {
      const { status, body } = behaviour.status;
      sendJson(ex, status, body ?? (route.protocol === 'anthropic' ? anthropicErrorForStatus(status) : defaultErrorForStatus(status)));
      return undefined;
    }
    return behaviour;
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
    const controller = new AbortController();
    const requestId = `req_mock_${state.next('request')}`;
    const ex: Exchange = { req, res, record, signal: controller.signal, dropping: false, requestId, extraHeaders: {} };
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

    const path = routeOf(record.path);
    const found = findRoute(method, path, req);
    if (!found) {
      if (!hasBearerKey(req, opts.apiKey) && req.headers['x-api-key'] !== opts.apiKey) {
        return sendJson(ex, 401, errorBody('Incorrect API key provided', 'invalid_request_error', 'invalid_api_key'));
      }
      return sendJson(ex, 404, errorBody(`Invalid URL (${method} ${record.path.split('?')[0] ?? '/'})`));
    }
    const { route, params } = found;
    if (route.protocol === 'anthropic') ex.extraHeaders = { 'request-id': requestId };
    const behaviour = method === 'POST' ? await applyFaults(ex, route) : { delayMs: 0, hang: false };
    if (!behaviour) return;
    const query = new URLSearchParams(record.path.split('?')[1] ?? '');
    await route.handle({ ex, behaviour, params, query, opts, state });
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
    state.reset();
  };
  return handler;
}
