// Failures to reach the upstream, before its answer (502, 504) and after its stream began.
import { midStreamError, upstreamError } from '../src/forward/upstream-errors.js';

const timeouts = { connectMs: 1000, firstByteMs: 2000, idleMs: 3000 };

describe('upstream errors', () => {
  it('maps timeouts to 504 with the timeout that fired, anything else to 502', () => {
    expect(upstreamError({ code: 'UND_ERR_HEADERS_TIMEOUT' }, timeouts)).toMatchObject({ code: 'upstream_timeout', status: 504, extra: { timeout_ms: 2000 } });
    expect(upstreamError(new Error('ECONNREFUSED'), timeouts)).toMatchObject({ code: 'upstream_unavailable', status: 502 });
  });

  it('words a failure after the stream began as one, keeping its code and the idle timeout', () => {
    expect(midStreamError({ code: 'UND_ERR_BODY_TIMEOUT' }, timeouts)).toMatchObject({ code: 'upstream_timeout', message: 'The upstream went silent mid-stream (idle timeout).', extra: { timeout_ms: 3000 } });
    expect(midStreamError({ code: 'UND_ERR_SOCKET' }, timeouts)).toMatchObject({ code: 'upstream_unavailable', message: 'The upstream connection broke off mid-stream.' });
    expect(midStreamError({ code: 'UND_ERR_BODY_TIMEOUT' }, timeouts).bodyFor('anthropic')['error']).toMatchObject({ type: 'timeout_error', code: 'upstream_timeout' });
  });
});
