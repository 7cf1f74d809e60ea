// One error type for everything AgentWall refuses, and the one table from error code to HTTP status.

/** Every error code AgentWall itself produces (SPEC section 4). */
export type AgentWallErrorCode =
  | 'invalid_json'
  | 'dlp_blocked'
  | 'invalid_api_key'
  | 'forbidden'
  | 'run_killed'
  | 'run_not_found'
  | 'not_found'
  | 'method_not_allowed'
  | 'request_too_large'
  | 'validation_error'
  | 'loop_detected'
  | 'budget_exceeded'
  | 'step_limit_exceeded'
  | 'run_duration_exceeded'
  | 'unknown_model'
  | 'model_not_allowed'
  | 'upstream_unavailable'
  | 'store_unavailable'
  | 'upstream_timeout';

/** The HTTP status of each code. A single table, so no handler maps errors on its own. */
export const ERROR_STATUS: Readonly<Record<AgentWallErrorCode, number>> = {
  invalid_json: 400,
  dlp_blocked: 400,
  unknown_model: 400,
  invalid_api_key: 401,
  forbidden: 403,
  run_killed: 403,
  model_not_allowed: 403,
  run_not_found: 404,
  not_found: 404,
  method_not_allowed: 405,
  request_too_large: 413,
  validation_error: 422,
  loop_detected: 429,
  budget_exceeded: 429,
  step_limit_exceeded: 429,
  run_duration_exceeded: 429,
  upstream_unavailable: 502,
  store_unavailable: 503,
  upstream_timeout: 504,
};

/** Blocks that a retry cannot fix: answered with `x-should-retry: false` so OpenAI SDKs do not retry them. */
const NO_RETRY: ReadonlySet<AgentWallErrorCode> = new Set<AgentWallErrorCode>([
  'loop_detected',
  'budget_exceeded',
  'step_limit_exceeded',
  'run_duration_exceeded',
  'unknown_model',
  'run_killed',
  'dlp_blocked',
  'model_not_allowed',
]);

/**
 * How a route's clients read an error: `openai` is SPEC section 4's body (OpenAI's SDKs and the guide's
 * clients), `anthropic` is Anthropic's `{"type": "error", "error": {...}}`.
 */
export type ErrorFormat = 'openai' | 'anthropic';

/**
 * Anthropic's error type for each status (its documented `ErrorType`s). 503 is `api_error`, not
 * `overloaded_error`: Claude Code answers an overload by switching to its fallback model, which a store outage
 * must not cause.
 */
const ANTHROPIC_TYPE: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  413: 'request_too_large',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
  502: 'api_error',
  503: 'api_error',
  504: 'timeout_error',
};

/** One entry of FastAPI's 422 `detail` list. */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/**
 * The error AgentWall answers with. `extra` fields are added to the error object `E` of SPEC section 4.
 *
 * @example
 * throw new AgentWallError('run_killed', 'Run r1 was killed', { run_id: 'r1', reason: 'manual' });
 */
export class AgentWallError extends Error {
  readonly code: AgentWallErrorCode;
  readonly status: number;
  readonly extra: Readonly<Record<string, unknown>>;
  /** Only for `validation_error`: FastAPI-style detail list. */
  readonly issues: readonly ValidationIssue[] | undefined;
  /** Extra response headers (for example `retry-after`). */
  readonly headers: Readonly<Record<string, string>>;
  /** The guard or stage that refused (`auth`, `validation`, `dlp`, `loop`, `budget`, ...), for refusal events. */
  readonly guard: string | undefined;
  /** Always true: the message is written for the client and holds no secret. */
  readonly expose = true;

  constructor(
    code: AgentWallErrorCode,
    message: string,
    extra: Record<string, unknown> = {},
    options: { issues?: ValidationIssue[]; headers?: Record<string, string>; guard?: string } = {},
  ) {
    super(message);
    this.name = 'AgentWallError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.extra = extra;
    this.issues = options.issues;
    this.headers = options.headers ?? {};
    this.guard = options.guard;
  }

  /** The OpenAI-style error object `E`. */
  toErrorObject(): Record<string, unknown> {
    return { type: this.code, code: this.code, message: this.message, param: null, ...this.extra };
  }

  /** The response body: `{"error": E, "detail": {"error": E}}`, or FastAPI's list for 422. */
  toBody(): Record<string, unknown> {
    const error = this.toErrorObject();
    return { error, detail: this.issues ? this.issues : { error } };
  }

  /**
   * The body in a route's error format. Anthropic's: `{"type": "error", "error": {"type", "message", "code",
   * ...extra, "details": {"error_code"}}}`, where `type` is Anthropic's own for the status (what its SDKs and
   * Claude Code read), `code` is AgentWall's, and `details.error_code` repeats it where `@anthropic-ai/sdk`
   * reads a stable code (`APIError.errorCode`). A 422 adds FastAPI's list as `detail`.
   */
  bodyFor(format: ErrorFormat): Record<string, unknown> {
    if (format === 'openai') return this.toBody();
    const error: Record<string, unknown> = { type: ANTHROPIC_TYPE[this.status] ?? 'api_error', message: this.message, code: this.code, ...this.extra };
    if (this.issues) error['detail'] = this.issues;
    error['details'] = { error_code: this.code };
    return { type: 'error', error };
  }

  /** The response headers of this error. */
  responseHeaders(): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...this.headers };
    if (NO_RETRY.has(this.code)) headers['x-should-retry'] = 'false';
    return headers;
  }
}

/** True when `err` is an {@link AgentWallError}, also across copies of this package. */
export function isAgentWallError(err: unknown): err is AgentWallError {
  return err instanceof AgentWallError || (typeof err === 'object' && err !== null && (err as Error).name === 'AgentWallError' && 'code' in err);
}
