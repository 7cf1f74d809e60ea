// GET /v1/models/{id}: forwarded to the upstream that serves that model, with the provider's key.
import { passThrough } from '../forward/pass-through.js';
import type { CoreResponse } from '../http/types.js';
import type { RouteContext } from './table.js';

/**
 * Forwards one model's description to the upstream its name routes to (the fallback upstream when no pattern
 * claims it). The client's query string is not forwarded: the endpoint takes none.
 *
 * @example
 * { method: 'GET', path: '/v1/models/:id', auth: 'key', handle: modelByIdRoute }
 */
export async function modelByIdRoute({ req, params, cfg }: RouteContext): Promise<CoreResponse> {
  const id = params['id']!;
  return passThrough(req, cfg, { method: 'GET', path: `/models/${encodeURIComponent(id)}`, model: id });
}
