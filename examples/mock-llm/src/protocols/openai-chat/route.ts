// POST /v1/chat/completions: validates, plans and answers a chat completion as JSON or as a chunk stream.
import { sendJson } from '../../http/exchange.js';
import { respondJson, respondStream } from '../../http/respond.js';
import type { Route } from '../../route.js';
import { authorizeOpenAi } from '../openai/auth.js';
import { errorBody } from '../openai/errors.js';
import { completionBody, streamEvents, type CompletionIdentity } from './format.js';
import { planCompletion } from './plan.js';
import { parseChatRequest } from './request.js';

/** The chat completions route. */
export const openAiChatRoutes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/chat\/completions$/,
    protocol: 'openai',
    handle: async ({ ex, behaviour, opts, state }) => {
      if (!authorizeOpenAi(ex, opts.apiKey)) return;
      const request = parseChatRequest(ex.record.body);
      if (typeof request === 'string') return sendJson(ex, 400, errorBody(request));

      const sequence = state.next('chat');
      const plan = planCompletion(request, opts.answer, sequence);
      const identity: CompletionIdentity = { id: `chatcmpl-mock-${sequence}`, model: request.model };
      if (request.stream) {
        return respondStream(ex, behaviour, streamEvents(identity, plan, request.includeUsage, opts.streamChunks), opts.chunkDelayMs ?? 0);
      }
      respondJson(ex, behaviour, completionBody(identity, plan));
    },
  },
];
