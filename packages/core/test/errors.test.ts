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
