// The error table and body shapes of SPEC section 4.
import { AgentWallError, ERROR_STATUS } from '../src/index.js';

describe('AgentWallError', () => {
  it('maps every code to the status of SPEC section 4', () => {
    expect(ERROR_STATUS).toMatchObject({
      invalid_json: 400,
      dlp_blocked: 400,
      invalid_api_key: 401,
      forbidden: 403,
      run_killed: 403,
      run_not_found: 404,
      request_too_large: 413,
      validation_error: 422,
      loop_detected: 429,
      budget_exceeded: 429,
      step_limit_exceeded: 429,
      upstream_unavailable: 502,
      store_unavailable: 503,
      upstream_timeout: 504,
    });
  });

  it('has one body readable by OpenAI SDKs and by the guide', () => {
    const err = new AgentWallError('loop_detected', 'Loop', { run_id: 'r', steps: 3 });
    const E = { type: 'loop_detected', code: 'loop_detected', message: 'Loop', param: null, run_id: 'r', steps: 3 };
    expect(err.toBody()).toEqual({ error: E, detail: { error: E } });
    expect(err.status).toBe(429);
  });

  it('uses FastAPI detail for 422', () => {
    const issues = [{ loc: ['body', 'model'], msg: 'Field required', type: 'missing' }];
    const body = new AgentWallError('validation_error', 'bad', {}, { issues }).toBody();
    expect(body['detail']).toEqual(issues);
    expect((body['error'] as { type: string }).type).toBe('validation_error');
  });

  it('marks blocks a retry cannot fix with x-should-retry: false, and only those', () => {
    for (const code of ['loop_detected', 'budget_exceeded', 'step_limit_exceeded', 'run_killed'] as const) {
      expect(new AgentWallError(code, 'x').responseHeaders()['x-should-retry']).toBe('false');
    }
    for (const code of ['upstream_unavailable', 'store_unavailable', 'invalid_api_key'] as const) {
      expect(new AgentWallError(code, 'x').responseHeaders()['x-should-retry']).toBeUndefined();
    }
  });
});

describe("AgentWallError in Anthropic's shape", () => {
  it("gives Anthropic's type for the status, AgentWall's code, the extra fields and details.error_code", () => {
    const err = new AgentWallError('loop_detected', 'Loop', { run_id: 'r', steps: 3 });
    expect(err.bodyFor('anthropic')).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'Loop', code: 'loop_detected', run_id: 'r', steps: 3, details: { error_code: 'loop_detected' } },
    });
    expect(err.bodyFor('openai')).toEqual(err.toBody());
  });

  it.each([
    ['invalid_api_key', 'authentication_error'],
    ['dlp_blocked', 'invalid_request_error'],
    ['run_killed', 'permission_error'],
    ['not_found', 'not_found_error'],
    ['method_not_allowed', 'invalid_request_error'],
    ['request_too_large', 'request_too_large'],
    ['validation_error', 'invalid_request_error'],
    ['budget_exceeded', 'rate_limit_error'],
    ['upstream_unavailable', 'api_error'],
    // Not overloaded_error: Claude Code answers that by switching models.
    ['store_unavailable', 'api_error'],
    ['upstream_timeout', 'timeout_error'],
  ] as const)('%s is %s', (code, type) => {
    expect((new AgentWallError(code, 'x').bodyFor('anthropic')['error'] as { type: string }).type).toBe(type);
  });

  it('keeps the 422 detail list', () => {
    const issues = [{ loc: ['body', 'max_tokens'], msg: 'Field required', type: 'missing' }];
    expect(new AgentWallError('validation_error', 'bad', {}, { issues }).bodyFor('anthropic')['error']).toMatchObject({ detail: issues });
  });
});
