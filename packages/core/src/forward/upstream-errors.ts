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
