// Forwards a request AgentWall does not meter (a model lookup, a stored response) and streams the answer back untouched.
import type { AgentWallConfig } from '../config.js';
import type { CoreRequest, CoreResponse } from '../http/types.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';
import { upstreamError } from './upstream-errors.js';

/** Where a pass-through request goes. */
export interface PassThroughTarget {
  method: 'GET' | 'POST' | 'DELETE';
  /** Below the upstream's base URL, already encoded, e.g. `/responses/resp_1/input_items`. */
  path: string;
  /** Routes the request to the upstream serving this model; undefined: the fallback upstream. */
  model: string | undefined;
  /** Query parameters the endpoint documents; any other the client sent is dropped. Default: none. */
  query?: readonly string[];
}

/**
 * The client's query string, keeping only `names` (every value of a repeated one, in order). A parameter the
 * endpoint does not take (an `api_key=` a client put there, say) is not the provider's to see.
 *
 * @example
 * allowedQuery('limit=2&api_key=aw-secret&order=asc', ['limit', 'order']); // 'limit=2&order=asc'
 */
export function allowedQuery(query: string, names: readonly string[]): string {
  if (query === '' || names.length === 0) return '';
  const kept = new URLSearchParams();
  for (const [name, value] of new URLSearchParams(query)) if (names.includes(name)) kept.append(name, value);
  return kept.toString();
}

/**
 * Sends the request upstream without a body, with the provider's key instead of the client's (no hop-by-hop,
 * credential or `x-agentwall-*` header), and answers with the upstream's status, headers and body, the body
 * streamed as it arrives (a stored response replayed with `?stream=true` is an event stream). The client
 * leaving aborts the upstream request. HEAD stays HEAD. Failing to reach the upstream is a 502 or 504.
 *
 * @example
 * return passThrough(req, cfg, { method: 'GET', path: `/models/${encodeURIComponent(id)}`, model: id });
 */
export async function passThrough(req: CoreRequest, cfg: AgentWallConfig, target: PassThroughTarget): Promise<CoreResponse> {
  const upstream = cfg.upstreams.route(target.model);
  const headers = upstreamRequestHeaders(req.headers);
  // No body is sent, so none is described.
  delete headers['content-type'];
  headers['accept-encoding'] = 'identity';
  Object.assign(headers, upstream.headers);
  if (upstream.authorization) headers['authorization'] = upstream.authorization;
  const query = allowedQuery(req.query, target.query ?? []);
  try {
    const res = await cfg.upstreams.dispatcher.request({
      origin: upstream.origin,
      path: `${upstream.basePath}${target.path}${query === '' ? '' : `?${query}`}`,
      method: req.method === 'HEAD' ? 'HEAD' : target.method,
      headers,
      signal: req.signal,
    });
    return { status: res.statusCode, headers: clientResponseHeaders(res.headers), stream: res.body };
  } catch (err) {
    throw upstreamError(err, cfg.upstreams.timeouts);
  }
}
