// The routes AgentWall owns (SPEC section 2): one line per route.
import { anthropicMessages, countTokensRoute } from '../protocols/anthropic-messages/index.js';
import { openAIChat } from '../protocols/openai-chat/index.js';
import { openAIEmbeddings } from '../protocols/openai-embeddings/index.js';
import { openAIResponses } from '../protocols/openai-responses/index.js';
import { liveRoute, readyRoute } from './health.js';
import { modelByIdRoute } from './model-by-id.js';
import { modelsRoute } from './models.js';
import { getRunRoute, killRunRoute, revokeKeyRoute } from './runs-api.js';
import { cancelResponseRoute, deleteResponseRoute, getResponseRoute, inputItemsRoute } from './stored-responses.js';
import type { RouteDef } from './table.js';
import { usageRoute } from './usage.js';

export { RouteTable, errorFormatOf, type RouteAuth, type RouteContext, type RouteDef, type RouteMatch } from './table.js';

/**
 * Every route of AgentWall, relative to where it is mounted. A guarded endpoint is a protocol (see
 * `protocols/protocol.ts`) and one line here.
 */
export const ROUTES: readonly RouteDef[] = [
  { method: 'POST', path: '/v1/chat/completions', auth: 'key', protocol: openAIChat },
  { method: 'POST', path: '/v1/messages', auth: 'key', protocol: anthropicMessages },
  { method: 'POST', path: '/v1/messages/count_tokens', auth: 'key', errorFormat: 'anthropic', handle: countTokensRoute },
  { method: 'GET', path: '/v1/models', auth: 'key', handle: modelsRoute },
  // The Responses API, embeddings and single models (issue 15).
  { method: 'POST', path: '/v1/responses', auth: 'key', protocol: openAIResponses },
  { method: 'GET', path: '/v1/responses/:id', auth: 'key', handle: getResponseRoute },
  { method: 'DELETE', path: '/v1/responses/:id', auth: 'key', handle: deleteResponseRoute },
  { method: 'GET', path: '/v1/responses/:id/input_items', auth: 'key', handle: inputItemsRoute },
  { method: 'POST', path: '/v1/responses/:id/cancel', auth: 'key', handle: cancelResponseRoute },
  { method: 'POST', path: '/v1/embeddings', auth: 'key', protocol: openAIEmbeddings },
  { method: 'GET', path: '/v1/models/:id', auth: 'key', handle: modelByIdRoute },
  { method: 'GET', path: '/health', auth: 'public', handle: liveRoute },
  { method: 'GET', path: '/health/live', auth: 'public', handle: liveRoute },
  { method: 'GET', path: '/health/ready', auth: 'public', handle: readyRoute },
  { method: 'GET', path: '/agentwall/runs/:runId', auth: 'key', handle: getRunRoute },
  { method: 'POST', path: '/agentwall/runs/:runId/kill', auth: 'key', handle: killRunRoute },
  { method: 'GET', path: '/agentwall/usage', auth: 'key', handle: usageRoute },
  { method: 'POST', path: '/agentwall/keys/:keyId/revoke', auth: 'admin', handle: revokeKeyRoute },
];
