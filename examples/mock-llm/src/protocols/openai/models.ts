// OpenAI's model routes: the fixed listing and any single model by id.
import { sendJson } from '../../http/exchange.js';
import type { Route } from '../../route.js';
import { authorizeOpenAi } from './auth.js';

/** Fixed `created` timestamp: keeps responses byte-for-byte deterministic across runs. */
export const MOCK_CREATED = 1_700_000_000;

/** The models `GET /v1/models` lists. */
export const MOCK_MODELS = ['gpt-4o-mini', 'gpt-4o'];

/** One OpenAI model object: the mock serves any model name, so any id is found. */
export function modelBody(id: string): Record<string, unknown> {
  return { id, object: 'model', created: MOCK_CREATED, owned_by: 'mock' };
}

/** The `/v1/models` listing. */
export function modelsBody(): Record<string, unknown> {
  return { object: 'list', data: MOCK_MODELS.map(modelBody) };
}

/** `GET /v1/models` and `GET /v1/models/{id}` (OpenAI's shape; the Anthropic module answers requests with `anthropic-version`). */
export const openAiModelRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/models$/,
    protocol: 'openai',
    handle: ({ ex, opts }) => {
      if (authorizeOpenAi(ex, opts.apiKey)) sendJson(ex, 200, modelsBody());
    },
  },
  {
    method: 'GET',
    pattern: /^\/models\/([^/]+)$/,
    protocol: 'openai',
    handle: ({ ex, opts, params }) => {
      if (authorizeOpenAi(ex, opts.apiKey)) sendJson(ex, 200, modelBody(params[0] ?? ''));
    },
  },
];
