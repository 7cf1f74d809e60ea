// GET/DELETE /v1/responses/{id}, GET .../input_items, POST .../cancel: forwarded only for a response of the calling key.
import { AgentWallError } from '../errors.js';
import { passThrough, type PassThroughTarget } from '../forward/pass-through.js';
import type { CoreResponse } from '../http/types.js';
import type { ResponseRecord } from '../store/store.js';
import type { RouteContext } from './table.js';

/** What `GET /v1/responses/{id}` takes: the fields to include, and a stream replay from an event on. */
const RETRIEVE_QUERY = ['include', 'include[]', 'stream', 'starting_after', 'include_obfuscation'] as const;
/** What `GET /v1/responses/{id}/input_items` takes: pagination and the fields to include. */
const INPUT_ITEMS_QUERY = ['after', 'before', 'limit', 'order', 'include', 'include[]'] as const;

/**
 * The record of the response a route names, when the calling key created it through AgentWall; otherwise 404
 * `not_found` naming the path, whether the response belongs to another key, was never relayed by AgentWall, or
 * was forgotten (after `runTtlMs`): no key reads, deletes or cancels another key's responses. A store that
 * cannot be reached cannot tell whose a response is: 503.
 */
async function ownRecord({ req, identity, params, cfg }: RouteContext): Promise<ResponseRecord> {
  const id = params['id']!;
  let record: ResponseRecord | undefined;
  try {
    record = await cfg.store.getResponse(id);
  } catch {
    throw new AgentWallError('store_unavailable', 'AgentWall cannot reach its store; try again shortly.', {}, { guard: 'store' });
  }
  if (record === undefined || record.keyId !== identity!.keyId) {
    throw new AgentWallError('not_found', `No response "${id}" was created through this key.`, { path: req.path }, { guard: 'route' });
  }
  return record;
}

function storedRoute(method: PassThroughTarget['method'], suffix: string, query: readonly string[]) {
  return async (ctx: RouteContext): Promise<CoreResponse> => {
    const record = await ownRecord(ctx);
    const path = `/responses/${encodeURIComponent(record.responseId)}${suffix}`;
    return passThrough(ctx.req, ctx.cfg, { method, path, model: record.model, query });
  };
}

/**
 * `GET /v1/responses/{id}`: the stored response, or with `?stream=true` its events replayed (streamed through).
 *
 * @example
 * { method: 'GET', path: '/v1/responses/:id', auth: 'key', handle: getResponseRoute }
 */
export const getResponseRoute = storedRoute('GET', '', RETRIEVE_QUERY);
/** `DELETE /v1/responses/{id}`. */
export const deleteResponseRoute = storedRoute('DELETE', '', []);
/** `GET /v1/responses/{id}/input_items`, with its pagination. */
export const inputItemsRoute = storedRoute('GET', '/input_items', INPUT_ITEMS_QUERY);
/** `POST /v1/responses/{id}/cancel` (a background response); no body is forwarded, the endpoint takes none. */
export const cancelResponseRoute = storedRoute('POST', '/cancel', []);
