// Which headers cross the proxy: hop-by-hop headers and credentials are stripped in both directions.
import type { IncomingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Request headers that never go upstream: the client's AgentWall key, host-app cookies, our own inputs, and what we recompute. */
const REQUEST_DROP = new Set(['authorization', 'x-api-key', 'cookie', 'host', 'content-length', 'accept-encoding', 'expect', 'forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip']);

/** Response headers that never reach the client: lengths and encodings we may change, and the provider's cookies. */
const RESPONSE_DROP = new Set(['content-length', 'content-encoding', 'set-cookie', 'date', 'server', 'alt-svc', 'via']);

function connectionListed(headers: IncomingHttpHeaders): Set<string> | undefined {
  const c = headers['connection'];
  if (typeof c !== 'string' || c === '' || c === 'keep-alive' || c === 'close') return undefined;
  return new Set(c.split(',').map((s) => s.trim().toLowerCase()));
}

/**
 * The client's headers as they go upstream: hop-by-hop, credentials and `x-agentwall-*` removed.
 * The caller adds the provider's `authorization`.
 */
export function upstreamRequestHeaders(client: IncomingHttpHeaders): Record<string, string> {
  const listed = connectionListed(client);
  const out: Record<string, string> = {};
  for (const name in client) {
    const value = client[name];
    if (value === undefined || HOP_BY_HOP.has(name) || REQUEST_DROP.has(name) || name.startsWith('x-agentwall-') || listed?.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The upstream's response headers as they go to the client. */
export function clientResponseHeaders(upstream: IncomingHttpHeaders): Record<string, string | string[]> {
  const listed = connectionListed(upstream);
  const out: Record<string, string | string[]> = {};
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined || HOP_BY_HOP.has(name) || RESPONSE_DROP.has(name) || listed?.has(name)) continue;
    out[name] = value;
  }
  return out;
}
