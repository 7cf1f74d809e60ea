// Small helpers that build core responses.
import type { AgentWallError, ErrorFormat } from '../errors.js';
import type { CoreResponse } from './types.js';

/** A JSON response. */
export function json(status: number, value: unknown, headers: Record<string, string> = {}): CoreResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

/** The response of an AgentWall error (SPEC section 4), in the route's error format. */
export function errorResponse(err: AgentWallError, format: ErrorFormat = 'openai'): CoreResponse {
  const runId = err.headers['x-agentwall-run-id'];
  return {
    status: err.status,
    headers: err.responseHeaders(),
    body: JSON.stringify(err.bodyFor(format)),
    outcome: { error: err.code, ...(runId !== undefined ? { runId } : {}) },
  };
}

