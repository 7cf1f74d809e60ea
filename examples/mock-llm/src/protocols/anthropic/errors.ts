// Anthropic's error bodies (`{"type":"error","error":{"type","message"}}`) and the type each HTTP status carries.
import { sendJson, type Exchange } from '../../http/exchange.js';

/** The envelope Anthropic uses for every failed request. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

/**
 * Build an Anthropic error body.
 *
 * @example anthropicError('authentication_error', 'invalid x-api-key')
 */
export function anthropicError(type: string, message: string): AnthropicErrorBody {
  return { type: 'error', error: { type, message } };
}

/** The error type Anthropic documents for a status (e.g. 429 `rate_limit_error`, 529 `overloaded_error`). */
export function anthropicErrorType(status: number): string {
  const types: Record<number, string> = {
    400: 'invalid_request_error',
    401: 'authentication_error',
    402: 'billing_error',
    403: 'permission_error',
    404: 'not_found_error',
    413: 'request_too_large',
    429: 'rate_limit_error',
    504: 'timeout_error',
    529: 'overloaded_error',
  };
  return types[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** A plausible Anthropic error body for an injected status with no explicit body. */
export function anthropicErrorForStatus(status: number): AnthropicErrorBody {
  return anthropicError(anthropicErrorType(status), `Request failed with status ${status} (mock injected failure)`);
}

/** Answer with an Anthropic error of the status's type. */
export function sendAnthropicError(ex: Exchange, status: number, message: string): void {
  sendJson(ex, status, anthropicError(anthropicErrorType(status), message));
}
