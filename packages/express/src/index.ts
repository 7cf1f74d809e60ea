// @agentwall/express: AgentWall as Express middleware (Express 4 and 5). Translation only; the work is in the core.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createAgentWall, type AgentWall, type AgentWallOptions } from '@agentwall/core';
import { clientWentAway, isAgentWallPath, toCoreRequest, writeCoreResponse } from '@agentwall/core/node';

// The core's public surface (what an app needs; internals stay in the core, on its subpaths).
export * from '@agentwall/core';

/** Express middleware with its AgentWall instance attached. */
export interface AgentWallMiddleware {
  (req: IncomingMessage & { url?: string; body?: unknown }, res: ServerResponse & { locals?: Record<string, unknown> }, next: (err?: unknown) => void): void;
  /** The core instance (runs, config). */
  readonly agentwall: AgentWall;
  /** Closes upstream connections and the store AgentWall created. */
  close(): Promise<void>;
}

/**
 * AgentWall as Express middleware. Mount it anywhere; routes that are not AgentWall's go to `next()`.
 * Works with or without `express.json()` in front. AgentWall's refusals are answered directly;
 * unexpected failures go to `next(err)` (a client that went away is not one). The outcome is on
 * `res.locals.agentwall`.
 *
 * @example
 * app.use('/llm', agentwall({ keys: [{ key: process.env.AW_KEY!, name: 'agent-a' }] }));
 */
export function agentwall(options?: AgentWallOptions): AgentWallMiddleware {
  const aw = createAgentWall(options);
  const middleware = function agentwallMiddleware(req, res, next) {
    const url = req.url ?? '/';
    if (!isAgentWallPath(url)) return next();
    aw.handle(toCoreRequest(req, res, url, req.body)).then(
      (r) => {
        if (!r) return next();
        if (r.outcome && res.locals) res.locals['agentwall'] = r.outcome;
        writeCoreResponse(res, r);
      },
      // A client that left mid-upload is not the app's error; there is no one left to answer.
      (err: unknown) => (clientWentAway(req, err) ? undefined : next(err)),
    );
  } as AgentWallMiddleware;
  Object.defineProperty(middleware, 'agentwall', { value: aw });
  Object.defineProperty(middleware, 'close', { value: () => aw.close() });
  return middleware;
}
