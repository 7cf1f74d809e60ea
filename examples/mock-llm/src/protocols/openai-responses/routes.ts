// The Responses API routes: create (JSON or stream), retrieve, delete, list input items and cancel.
import { sendJson, type Exchange } from '../../http/exchange.js';
import { respondJson, respondStream } from '../../http/respond.js';
import type { Route, RouteContext } from '../../route.js';
import { authorizeOpenAi } from '../openai/auth.js';
import { errorBody } from '../openai/errors.js';
import { responseObject } from './body.js';
import { responseEvents } from './events.js';
import { readConversation } from './input-items.js';
import { planResponse } from './plan.js';
import { parseResponsesRequest } from './request.js';
import type { StoredResponse } from './store.js';

function notFound(ex: Exchange, id: string): void {
  sendJson(ex, 404, errorBody(`Response with id '${id}' not found.`, 'invalid_request_error', null, 'response_id'));
}

/** The stored response a GET/DELETE/cancel names, or a 404 already sent. */
function storedOr404({ ex, params, state }: RouteContext): StoredResponse | undefined {
  const id = params[0] ?? '';
  const stored = state.responses.get(id);
  if (!stored) notFound(ex, id);
  return stored;
}

async function createResponse(ctx: RouteContext): Promise<void> {
  const { ex, behaviour, opts, state } = ctx;
  if (!authorizeOpenAi(ex, opts.apiKey)) return;
  const request = parseResponsesRequest(ex.record.body);
  if ('error' in request) return sendJson(ex, 400, errorBody(request.error, 'invalid_request_error', null, request.param));
  const parent = request.previousResponseId === undefined ? undefined : state.responses.get(request.previousResponseId);
  if (request.previousResponseId !== undefined && !parent) {
    const message = `Previous response with id '${request.previousResponseId}' not found.`;
    return sendJson(ex, 404, errorBody(message, 'invalid_request_error', 'previous_response_not_found', 'previous_response_id'));
  }

  const sequence = state.next('response');
  const conversation = readConversation(request.input, parent, state.responses, `mock_${sequence}`);
  if ('error' in conversation) {
    const { status, message, param } = conversation.error;
    return sendJson(ex, status, errorBody(message, 'invalid_request_error', null, param));
  }
  const plan = planResponse(request, conversation, parent, opts.answer, sequence);
  const response = responseObject(request, plan);
  if (request.store) {
    const calls = plan.output.filter((item) => item.type === 'function_call').map((item) => String(item.call_id));
    state.responses.put({
      response,
      inputItems: conversation.items,
      contextTokens: (parent?.contextTokens ?? 0) + conversation.itemTokens + plan.visibleTokens,
      userText: conversation.userText,
      callIds: [...conversation.callIds, ...calls],
      pendingCallIds: calls,
      background: request.background,
    });
  }
  if (request.stream) return respondStream(ex, behaviour, responseEvents(request, plan, opts.streamChunks), opts.chunkDelayMs ?? 0);
  respondJson(ex, behaviour, response);
}

function listInputItems(ctx: RouteContext): void {
  const stored = storedOr404(ctx);
  if (!stored) return;
  const { query } = ctx;
  const limit = Math.min(Math.max(Number(query.get('limit') ?? 20) || 20, 1), 100);
  // The real API lists newest first unless asked otherwise.
  const ordered = query.get('order') === 'asc' ? [...stored.inputItems] : [...stored.inputItems].reverse();
  const after = query.get('after');
  const start = after === null ? 0 : ordered.findIndex((item) => item.id === after) + 1;
  const data = ordered.slice(start, start + limit);
  sendJson(ctx.ex, 200, {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
    has_more: start + limit < ordered.length,
  });
}

/** Wraps a handler with OpenAI's Bearer authentication. */
function authorized(handle: (ctx: RouteContext) => void | Promise<void>): (ctx: RouteContext) => void | Promise<void> {
  return (ctx) => (authorizeOpenAi(ctx.ex, ctx.opts.apiKey) ? handle(ctx) : undefined);
}

/** `POST /v1/responses`, `GET`/`DELETE /v1/responses/{id}`, `GET .../input_items` and `POST .../cancel`. */
export const openAiResponsesRoutes: Route[] = [
  { method: 'POST', pattern: /^\/responses$/, protocol: 'openai', handle: createResponse },
  {
    method: 'GET',
    pattern: /^\/responses\/([^/]+)$/,
    protocol: 'openai',
    handle: authorized((ctx) => {
      if (ctx.query.get('stream') === 'true') {
        return sendJson(ctx.ex, 400, errorBody('The mock LLM does not replay streams of stored responses.', 'invalid_request_error', null, 'stream'));
      }
      const stored = storedOr404(ctx);
      if (stored) sendJson(ctx.ex, 200, stored.response);
    }),
  },
  {
    method: 'DELETE',
    pattern: /^\/responses\/([^/]+)$/,
    protocol: 'openai',
    handle: authorized((ctx) => {
      const id = ctx.params[0] ?? '';
      if (ctx.state.responses.delete(id)) sendJson(ctx.ex, 200, { id, object: 'response', deleted: true });
      else notFound(ctx.ex, id);
    }),
  },
  { method: 'GET', pattern: /^\/responses\/([^/]+)\/input_items$/, protocol: 'openai', handle: authorized(listInputItems) },
  {
    method: 'POST',
    pattern: /^\/responses\/([^/]+)\/cancel$/,
    protocol: 'openai',
    handle: authorized((ctx) => {
      const stored = storedOr404(ctx);
      if (!stored) return;
      if (!stored.background) return sendJson(ctx.ex, 400, errorBody('Only background responses can be cancelled.', 'invalid_request_error', null, null));
      // A background response is already finished when create returns: cancelling it leaves it as it is.
      respondJson(ctx.ex, ctx.behaviour, stored.response);
    }),
  },
];
