// OpenAI's authentication: `Authorization: Bearer <key>` when the mock has a key, and the 401 OpenAI answers without it.
import type http from 'node:http';
import { sendJson, type Exchange } from '../../http/exchange.js';
import { errorBody } from './errors.js';

/** True when no key is configured, or the request carries `Authorization: Bearer <apiKey>`. */
export function hasBearerKey(req: http.IncomingMessage, apiKey: string | undefined): boolean {
  if (apiKey === undefined) return true;
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1]?.trim() === apiKey;
}

/**
 * Answer 401 in OpenAI's shape unless the request is authorised; returns whether it was.
 *
 * @example if (!authorizeOpenAi(ctx.ex, ctx.opts.apiKey)) return;
 */
export function authorizeOpenAi(ex: Exchange, apiKey: string | undefined): boolean {
  if (hasBearerKey(ex.req, apiKey)) return true;
  sendJson(ex, 401, errorBody('Incorrect API key provided', 'invalid_request_error', 'invalid_api_key'));
  return false;
}
