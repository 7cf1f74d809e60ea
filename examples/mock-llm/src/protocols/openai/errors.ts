// OpenAI-style error bodies, so clients and proxies exercise their real error-parsing paths.

/** The `{ error: {...} }` envelope OpenAI uses for every failed request. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/**
 * Build an OpenAI-style error body.
 *
 * @example errorBody("Previous response with id 'resp_x' not found.", 'invalid_request_error', 'previous_response_not_found', 'previous_response_id')
 */
export function errorBody(message: string, type = 'invalid_request_error', code: string | null = null, param: string | null = null): OpenAiErrorBody {
  return { error: { message, type, param, code } };
}

/** A plausible OpenAI error body for an injected status with no explicit body (e.g. 429 `rate_limit_exceeded`). */
export function defaultErrorForStatus(status: number): OpenAiErrorBody {
  switch (status) {
    case 400:
      return errorBody('Bad request (mock injected failure)');
    case 401:
      return errorBody('Incorrect API key provided', 'invalid_request_error', 'invalid_api_key');
    case 403:
      return errorBody('You are not allowed to access this resource (mock injected failure)', 'invalid_request_error', 'forbidden');
    case 404:
      return errorBody('Not found (mock injected failure)', 'invalid_request_error', 'not_found');
    case 429:
      return errorBody('Rate limit reached (mock injected failure)', 'requests', 'rate_limit_exceeded');
    case 503:
      return errorBody('The engine is currently overloaded, please try again later (mock injected failure)', 'server_error', 'service_unavailable');
    default:
      return status >= 500
        ? errorBody('The server had an error while processing your request (mock injected failure)', 'server_error')
        : errorBody(`Request failed with status ${status} (mock injected failure)`);
  }
}
