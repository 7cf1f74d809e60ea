// GET /v1/models: forwarded to the default upstream with the provider's key.
import { clientResponseHeaders, upstreamRequestHeaders } from '../forward/headers.js';
import { upstreamError } from '../forward/upstream-errors.js';
import type { CoreResponse } from '../http/types.js';
import type { RouteContext } from './table.js';

/**
 * Forwards the model list of the fallback upstream (the one without `models` patterns). The client's query
 * string is not forwarded: the endpoint takes none, and whatever a client puts there (a key, say) is not the
 * provider's to see.
 */
export async function modelsRoute({ req, cfg }: RouteContext): Promise<CoreResponse> {
  const upstream = cfg.upstreams.route(undefined);
  const headers = upstreamRequestHeaders(req.headers);
  headers['accept-encoding'] = 'identity';
  Object.assign(headers, upstream.headers, upstream.credentials);
  try {
    const res = await cfg.upstreams.dispatcher.request({
      origin: upstream.origin,
      path: `${upstream.basePath}/models`,
      method: 'GET',
      headers,
      signal: req.signal,
    });
    const body = Buffer.from(await res.body.arrayBuffer());
    return { status: res.statusCode, headers: clientResponseHeaders(res.headers), body };
  } catch (err) {
    throw upstreamError(err, cfg.upstreams.timeouts);
  }
}
