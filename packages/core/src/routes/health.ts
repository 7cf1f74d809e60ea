// GET /health, /health/live and /health/ready: no auth; ready answers 503 while the store is unreachable.
import { json } from '../http/respond.js';
import type { CoreResponse } from '../http/types.js';
import type { RouteContext } from './table.js';

/** Liveness: the process answers. */
export async function liveRoute(): Promise<CoreResponse> {
  return json(200, { status: 'ok' });
}

/** Readiness: the store answers. */
export async function readyRoute({ cfg }: RouteContext): Promise<CoreResponse> {
  try {
    await cfg.store.ping();
    return json(200, { status: 'ok', store: 'ok' });
  } catch {
    return json(503, { status: 'unavailable', store: 'unreachable' });
  }
}
