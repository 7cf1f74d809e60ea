// Small helpers that build core responses.
import type { AgentWallError } from '../errors.js';
import type { CoreResponse } from './types.js';

/** A JSON response. */
export function json(status: number, value: unknown, headers: Record<string, string> = {}): CoreResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

/** The response of an AgentWall error (SPEC section 4). */
export function errorResponse(err: AgentWallError): CoreResponse {
  const runId = err.headers['x-agentwall-run-id'];
  return {
    status: err.status,
    headers: err.responseHeaders(),
    body: JSON.stringify(err.toBody()),
    outcome: { error: err.code, ...(runId !== undefined ? { runId } : {}) },
  };
}

