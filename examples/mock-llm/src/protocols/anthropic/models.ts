// Anthropic's model routes, served to requests that carry `anthropic-version` (the OpenAI SDK shares the path).
import { sendJson } from '../../http/exchange.js';
import type { Route } from '../../route.js';
import { authorizeAnthropic } from './auth.js';

/** The models Anthropic's `GET /v1/models` lists. */
export const MOCK_CLAUDE_MODELS = ['claude-sonnet-4-5', 'claude-haiku-4-5'];

/** One Anthropic model object; any id is found, since the mock answers for any model name. */
export function claudeModelBody(id: string): Record<string, unknown> {
  return { type: 'model', id, display_name: id, created_at: '2023-11-14T22:13:20Z' };
}

const isAnthropicClient = (req: { headers: Record<string, unknown> }): boolean => req.headers['anthropic-version'] !== undefined;

/** `GET /v1/models` and `GET /v1/models/{id}` in Anthropic's shape. */
export const anthropicModelRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/models$/,
    protocol: 'anthropic',
    when: isAnthropicClient,
    handle: ({ ex, opts }) => {
      if (!authorizeAnthropic(ex, opts.apiKey)) return;
      const data = MOCK_CLAUDE_MODELS.map(claudeModelBody);
      sendJson(ex, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null });
    },
  },
  {
    method: 'GET',
    pattern: /^\/models\/([^/]+)$/,
    protocol: 'anthropic',
    when: isAnthropicClient,
    handle: ({ ex, opts, params }) => {
      if (authorizeAnthropic(ex, opts.apiKey)) sendJson(ex, 200, claudeModelBody(params[0] ?? ''));
    },
  },
];
