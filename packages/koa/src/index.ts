// @agentwall/koa: AgentWall as Koa middleware (Koa 2 and 3). Translation only; the work is in the core.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createAgentWall, type AgentWall, type AgentWallOptions } from '@agentwall/core';
import { clientWentAway, isAgentWallPath, toCoreRequest, writeCoreResponse } from '@agentwall/core/node';

// The core's public surface (what an app needs; internals stay in the core, on its subpaths).
export * from '@agentwall/core';

/** The part of Koa's context this adapter uses (keeps Koa 2 and 3 types both assignable). */
export interface KoaContextLike {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  querystring: string;
  request: { body?: unknown };
  state: Record<string, unknown>;
  status: number;
  body: unknown;
  respond?: boolean | undefined;
  set(field: Record<string, string | string[]>): void;
  onerror(err: Error | null): void;
}

/** Koa middleware with its AgentWall instance attached. */
export interface AgentWallKoaMiddleware {
  (ctx: KoaContextLike, next: () => Promise<unknown>): Promise<void>;
  readonly agentwall: AgentWall;
  close(): Promise<void>;
}

/**
 * AgentWall as Koa middleware. Routes that are not AgentWall's go to `next()`; the outcome is on
 * `ctx.state.agentwall`. Works with or without a body parser in front. Unexpected failures are
 * thrown to the app's error handler; AgentWall's refusals are answered as responses. Streamed
 * answers are written to `ctx.res` directly (`ctx.respond = false`), so their headers cannot be
 * changed by middleware after `await next()`.
 *
 * @example
 * app.use(agentwall({ keys: [{ key: process.env.AW_KEY!, name: 'agent-a' }] }));
 */
export function agentwall(options?: AgentWallOptions): AgentWallKoaMiddleware {
  const aw = createAgentWall(options);
  const middleware = async function agentwallMiddleware(ctx: KoaContextLike, next: () => Promise<unknown>): Promise<void> {
    if (!isAgentWallPath(ctx.path)) {
      await next();
      return;
    }
    const url = ctx.querystring ? `${ctx.path}?${ctx.querystring}` : ctx.path;
    // Koa reports any socket error during a response as an app error (`onFinished(res, ctx.onerror)`),
    // so every agent that resets its connection (one that stops reading a stream and closes, say)
    // would log a stack trace. AgentWall records that step as cut off; only that error is kept back.
    const appOnerror = ctx.onerror;
    ctx.onerror = (err) => {
      if (!clientWentAway(ctx.req, err)) appOnerror.call(ctx, err);
    };
    let r;
    try {
      r = await aw.handle(toCoreRequest(ctx.req, ctx.res, url, ctx.request.body));
    } catch (err) {
      // A client that left mid-upload is not the app's error; there is no one left to answer.
      if (clientWentAway(ctx.req, err)) {
        ctx.respond = false;
        return;
      }
      throw err;
    }
    if (!r) {
      ctx.onerror = appOnerror;
      await next();
      return;
    }
    if (r.outcome) ctx.state['agentwall'] = r.outcome;
    if (r.stream) {
      // Streams bypass Koa's response handling: Koa would report every client that leaves mid-stream
      // as an app error (premature close), and Koa 2 leaves the response open when a stream fails.
      ctx.respond = false;
      writeCoreResponse(ctx.res, r);
      return;
    }
    ctx.status = r.status;
    ctx.set(r.headers);
    ctx.body = r.body ?? '';
  } as AgentWallKoaMiddleware;
  Object.defineProperty(middleware, 'agentwall', { value: aw });
  Object.defineProperty(middleware, 'close', { value: () => aw.close() });
  return middleware;
}
