// Maps a failure to reach the upstream onto AgentWall's 502 and 504 errors.
import { AgentWallError } from '../errors.js';
import type { UpstreamTimeouts } from './upstreams.js';

const TIMEOUT_CODES: Record<string, keyof UpstreamTimeouts> = {
  UND_ERR_HEADERS_TIMEOUT: 'firstByteMs',
  UND_ERR_BODY_TIMEOUT: 'idleMs',
  UND_ERR_CONNECT_TIMEOUT: 'connectMs',
};

/** True when the error is the abort we caused because the client left. */
export function isAbort(err: unknown): boolean {
  const e = err as { name?: string; code?: string } | null;
  return e?.name === 'AbortError' || e?.code === 'UND_ERR_ABORTED' || e?.code === 'ABORT_ERR';
}

/** `upstream_timeout` (504) for timeouts, `upstream_unavailable` (502) for everything else. */
export function upstreamError(err: unknown, timeouts: UpstreamTimeouts): AgentWallError {
  const code = (err as { code?: string } | null)?.code;
  const which = code ? TIMEOUT_CODES[code] : undefined;
  if (which) {
    return new AgentWallError('upstream_timeout', `The upstream did not answer in time (${which.replace('Ms', '')} timeout).`, {
      timeout_ms: timeouts[which],
    });
  }
  return new AgentWallError('upstream_unavailable', 'The upstream could not be reached.');
}

/**
 * The error of an upstream that failed after its stream began: `upstream_timeout` when it went silent past the
 * idle timeout, else `upstream_unavailable`, worded for a stream that broke off. Protocols with an in-stream
 * error event send it to the client (`StreamObserver.failure`).
 *
 * @example
 * midStreamError(err, timeouts).code // 'upstream_unavailable'
 */
export function midStreamError(err: unknown, timeouts: UpstreamTimeouts): AgentWallError {
  const e = upstreamError(err, timeouts);
  const message = e.code === 'upstream_timeout' ? 'The upstream went silent mid-stream (idle timeout).' : 'The upstream connection broke off mid-stream.';
  return new AgentWallError(e.code, message, { ...e.extra });
}
