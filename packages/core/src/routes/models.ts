// GET /v1/models: forwarded to the default upstream with the provider's key.
import type { AgentWallConfig } from '../config.js';
import { clientResponseHeaders, upstreamRequestHeaders } from '../forward/headers.js';
import { upstreamError } from '../forward/upstream-errors.js';
import type { CoreRequest, CoreResponse } from '../http/types.js';

/** Forwards the model list of the fallback upstream (the one without `models` patterns). */
export async function modelsRoute(req: CoreRequest, cfg: AgentWallConfig): Promise<CoreResponse> {
  const upstream = cfg.upstreams.route(undefined);
  const headers = upstreamRequestHeaders(req.headers);
  headers['accept-encoding'] = 'identity';
  Object.assign(headers, upstream.headers);
  if (upstream.authorization) headers['authorization'] = upstream.authorization;
  try {
    const res = await cfg.upstreams.dispatcher.request({
      origin: upstream.origin,
      path: `${upstream.basePath}/models${req.query ? `?${req.query}` : ''}`,
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
