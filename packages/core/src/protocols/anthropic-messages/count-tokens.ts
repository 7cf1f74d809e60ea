// POST /v1/messages/count_tokens: authenticated, validated, DLP-masked and forwarded; not a step, not charged.
import { dlpBlockedMessage, type DlpKind } from '../../dlp/index.js';
import { AgentWallError } from '../../errors.js';
import { clientResponseHeaders, upstreamRequestHeaders } from '../../forward/headers.js';
import { upstreamError } from '../../forward/upstream-errors.js';
import { notServed } from '../../forward/upstreams.js';
import { readJsonBody } from '../../http/body.js';
import type { CoreResponse } from '../../http/types.js';
import type { RouteContext } from '../../routes/table.js';
import { validateCountTokensRequest } from './request.js';
import { scanMessagesRequest } from './texts.js';

/**
 * Counts a Messages request's tokens at the Anthropic upstream that serves its model. Claude Code calls it to
 * size its context, so it is cheap: no run, no step, no reservation, nothing charged. It is still guarded where
 * it could leak or mislead: the key's model allow-list applies (403), and DLP masks the texts as it would for
 * the request itself (a kind in `block` mode refuses it with 400), since the prompt leaves the building here
 * too. Errors are in Anthropic's shape; the upstream's answer comes back unchanged.
 *
 * @example
 * { method: 'POST', path: '/v1/messages/count_tokens', auth: 'key', errorFormat: 'anthropic', handle: countTokensRoute }
 */
export async function countTokensRoute({ req, identity, cfg }: RouteContext): Promise<CoreResponse> {
  if (!cfg.upstreams.speaks('anthropic')) throw notServed('anthropic', req.path);
  const body = validateCountTokensRequest(await readJsonBody(req.body, cfg.maxBodyBytes, req.headers['content-length']));
  const allowed = identity ? cfg.policies.of(identity).models : undefined;
  if (allowed && !allowed.some((p) => p.test(body.model))) {
    throw new AgentWallError('model_not_allowed', `This key may not use the model "${body.model}".`, { model: body.model }, { guard: 'models' });
  }

  const out: Record<string, unknown> = {};
  for (const k in body) if (!k.startsWith('agentwall_')) out[k] = body[k];
  if (cfg.dlp) {
    const scanned = scanMessagesRequest(body, cfg.dlp.scanText);
    if (scanned.blocked.length > 0) {
      throw new AgentWallError('dlp_blocked', dlpBlockedMessage(scanned.blocked as DlpKind[]), { kinds: scanned.blocked }, { guard: 'dlp' });
    }
    out['messages'] = scanned.messages;
    if (scanned.system !== body.system) out['system'] = scanned.system;
  }

  const upstream = cfg.upstreams.route(body.model, 'anthropic');
  const headers = upstreamRequestHeaders(req.headers);
  headers['content-type'] = 'application/json';
  headers['accept-encoding'] = 'identity';
  Object.assign(headers, upstream.headers, upstream.credentials);
  try {
    const res = await cfg.upstreams.dispatcher.request({
      origin: upstream.origin,
      path: `${upstream.basePath}/v1/messages/count_tokens`,
      method: 'POST',
      headers,
      body: JSON.stringify(out),
      signal: req.signal,
    });
    const answer = Buffer.from(await res.body.arrayBuffer());
    return { status: res.statusCode, headers: clientResponseHeaders(res.headers), body: answer };
  } catch (err) {
    throw upstreamError(err, cfg.upstreams.timeouts);
  }
}
