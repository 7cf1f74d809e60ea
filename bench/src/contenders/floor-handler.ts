// The floor's request handler: the thinnest reverse proxy for the guarded POST routes, keep-alive to the upstream, swapping only the key.
import http from 'node:http';
import { pipeline } from 'node:stream';
import { contenderEnv } from './contender-env.js';

const env = contenderEnv();
const upstream = new URL(env.upstreamUrl);
// The mock serves every route under /v1, as the upstream URL gives it: the client's path goes on unchanged.
const upstreamBase = upstream.pathname.replace(/\/v1\/?$/, '');
const authorization = `Bearer ${env.upstreamKey}`;
/** The routes the bench drives; anything else is not the floor's business. */
const ROUTES = new Set(['/v1/chat/completions', '/v1/responses', '/v1/messages', '/v1/embeddings']);
// Same keep-alive policy as AgentWall's undici agent: reuse sockets, no cap on concurrent ones.
const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 1024, scheduling: 'lifo' });

// Hop-by-hop headers describe one connection, not the message; forwarding them breaks framing.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate']);

function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const name in headers) if (!HOP_BY_HOP.has(name)) out[name] = headers[name];
  return out;
}

/** Proxies one request; shared by the bare floor and the floor inside Express. */
export function floorHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.method !== 'POST' || req.url === undefined || !ROUTES.has(req.url)) {
    res.writeHead(404).end();
    return;
  }
  const headers = endToEnd(req.headers);
  // Anthropic clients send their key as x-api-key; the provider key goes where the client's was, as AgentWall sends it.
  if (headers['x-api-key'] !== undefined) headers['x-api-key'] = env.upstreamKey;
  else headers['authorization'] = authorization;
  const up = http.request({ hostname: upstream.hostname, port: upstream.port, path: `${upstreamBase}${req.url}`, method: 'POST', headers, agent }, (upRes) => {
    res.writeHead(upRes.statusCode ?? 502, endToEnd(upRes.headers));
    pipeline(upRes, res, () => {});
  });
  up.once('error', () => {
    if (res.headersSent) res.destroy();
    else res.writeHead(502).end();
  });
  // A client that leaves stops the upstream request too, as AgentWall does.
  res.once('close', () => {
    if (!res.writableFinished) up.destroy();
  });
  req.pipe(up);
}
