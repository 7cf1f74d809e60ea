// Anthropic's routes: POST /v1/messages (JSON or stream), POST /v1/messages/count_tokens and the model routes.
import { respondJson, respondStream } from '../../http/respond.js';
import type { Route } from '../../route.js';
import { authorizeAnthropic } from './auth.js';
import { messageBody } from './body.js';
import { sendAnthropicError } from './errors.js';
import { messageEvents } from './events.js';
import { anthropicModelRoutes } from './models.js';
import { planMessage } from './plan.js';
import { promptBlocks, promptTokens } from './prompt-blocks.js';
import { parseMessagesRequest } from './request.js';

/** Every Anthropic route. */
export const anthropicRoutes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/messages$/,
    protocol: 'anthropic',
    handle: async ({ ex, behaviour, opts, state }) => {
      if (!authorizeAnthropic(ex, opts.apiKey)) return;
      const request = parseMessagesRequest(ex.record.body);
      if (typeof request === 'string') return sendAnthropicError(ex, 400, request);
      const plan = planMessage(request, state.promptCache, opts.answer, state.next('message'));
      if (request.stream) return respondStream(ex, behaviour, messageEvents(request.model, plan, opts.streamChunks), opts.chunkDelayMs ?? 0);
      respondJson(ex, behaviour, messageBody(request.model, plan));
    },
  },
  {
    method: 'POST',
    pattern: /^\/messages\/count_tokens$/,
    protocol: 'anthropic',
    handle: ({ ex, behaviour, opts }) => {
      if (!authorizeAnthropic(ex, opts.apiKey)) return;
      const request = parseMessagesRequest(ex.record.body, true);
      if (typeof request === 'string') return sendAnthropicError(ex, 400, request);
      respondJson(ex, behaviour, { input_tokens: promptTokens(promptBlocks(request)) });
    },
  },
  ...anthropicModelRoutes,
];
