// Anthropic's request gate: the key in `x-api-key` (or `Authorization: Bearer`), then the required `anthropic-version`.
import type { Exchange } from '../../http/exchange.js';
import { sendAnthropicError } from './errors.js';

function headerValue(ex: Exchange, name: string): string | undefined {
  const value = ex.req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Answer 401 (`authentication_error`) unless the mock has no key or the request carries it in `x-api-key` or as
 * a Bearer token, then 400 when `anthropic-version` is missing, as the real API does; returns whether it passed.
 *
 * @example if (!authorizeAnthropic(ctx.ex, ctx.opts.apiKey)) return;
 */
export function authorizeAnthropic(ex: Exchange, apiKey: string | undefined): boolean {
  if (apiKey !== undefined) {
    const bearer = /^Bearer\s+(.+)$/i.exec(headerValue(ex, 'authorization') ?? '')?.[1]?.trim();
    if (headerValue(ex, 'x-api-key') !== apiKey && bearer !== apiKey) {
      sendAnthropicError(ex, 401, 'invalid x-api-key');
      return false;
    }
  }
  if (!headerValue(ex, 'anthropic-version')) {
    sendAnthropicError(ex, 400, 'anthropic-version: header is required');
    return false;
  }
  return true;
}
