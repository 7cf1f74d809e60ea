// The framework-free AgentWall: routes a core request to its handler, answers refusals, hands the rest on.
import { resolveConfig, type AgentWallConfig } from './config.js';
import { AgentWallError, isAgentWallError } from './errors.js';
import { errorResponse, json } from './http/respond.js';
import type { CoreRequest, CoreResponse } from './http/types.js';
import type { AgentWallOptions } from './options.js';
import { handleChatCompletion } from './pipeline/chat-completions.js';
import { shutdown } from './pipeline/shutdown.js';
import { modelsRoute } from './routes/models.js';
import { getRunRoute, killRunRoute, revokeKeyRoute } from './routes/runs-api.js';
import { usageRoute } from './routes/usage.js';

/** The core instance that adapters wrap. */
export interface AgentWall {
  /**
   * Handles a request. Resolves to `undefined` when the route is not AgentWall's (the adapter calls
   * the next middleware). AgentWall's refusals resolve to error responses; unexpected failures reject.
   */
  handle(req: CoreRequest): Promise<CoreResponse | undefined>;
  /**
   * Waits for upstream requests in flight and for the steps they admitted to be recorded, then closes
   * upstream connections and the store when AgentWall created it. Requests still running after
   * `shutdownTimeoutMs` are cut off and recorded as such. Calling it again returns the same promise.
   */
  close(): Promise<void>;
  /** The resolved configuration (read-only). */
  readonly config: AgentWallConfig;
}

/**
 * True when a path (below the mount point) may be AgentWall's. Adapters call it first, so the host
 * app's own routes pay nothing.
 */
export function isAgentWallPath(path: string): boolean {
  return path.startsWith('/v1/') || path.startsWith('/health') || path.startsWith('/agentwall/');
}

const RUN_ROUTE = /^\/agentwall\/runs\/([^/]+)(\/kill)?\/?$/;
const REVOKE_ROUTE = /^\/agentwall\/keys\/([^/]+)\/revoke\/?$/;

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Builds AgentWall from options. Throws `TypeError` naming a bad option.
 *
 * @example
 * const aw = createAgentWall({ keys: [{ key: 'aw-secret-key', name: 'agent-a' }] });
 * const res = await aw.handle(coreRequest); // undefined: not ours
 */
export function createAgentWall(options?: AgentWallOptions): AgentWall {
  const cfg = resolveConfig(options);
  let closing: Promise<void> | undefined;

  async function route(req: CoreRequest): Promise<CoreResponse | undefined> {
    const { method, path } = req;
    if (method === 'POST' && (path === '/v1/chat/completions' || path === '/v1/chat/completions/')) {
      // A store that checks revocation inside admit saves the separate check (a round trip on Redis).
      if (cfg.store.checksRevocationInAdmit === true) {
        const identity = await cfg.auth.identify(req.headers);
        return handleChatCompletion(req, identity, cfg, cfg.auth.needsRevocationCheck(identity));
      }
      const identity = await cfg.auth.authenticate(req.headers);
      return handleChatCompletion(req, identity, cfg);
    }
    if (method === 'GET' || method === 'HEAD') {
      if (path === '/v1/models' || path === '/v1/models/') {
        await cfg.auth.authenticate(req.headers);
        return modelsRoute(req, cfg);
      }
      if (path === '/health' || path === '/health/live') return json(200, { status: 'ok' });
      if (path === '/health/ready') {
        try {
          await cfg.store.ping();
          return json(200, { status: 'ok', store: 'ok' });
        } catch {
          return json(503, { status: 'unavailable', store: 'unreachable' });
        }
      }
    }
    if (path.startsWith('/agentwall/')) {
      const run = RUN_ROUTE.exec(path);
      if (run && ((method === 'GET' && !run[2]) || (method === 'POST' && run[2]))) {
        const identity = await cfg.auth.authenticate(req.headers);
        const runId = decode(run[1]!);
        return run[2] ? killRunRoute(req, identity, runId, cfg) : getRunRoute(req, identity, runId, cfg);
      }
      if (method === 'GET' && (path === '/agentwall/usage' || path === '/agentwall/usage/')) {
        return usageRoute(req, await cfg.auth.authenticate(req.headers), cfg);
      }
      const revoke = REVOKE_ROUTE.exec(path);
      if (revoke && method === 'POST') {
        const identity = await cfg.auth.authenticate(req.headers);
        return revokeKeyRoute(identity, decode(revoke[1]!), cfg);
      }
    }
    return undefined;
  }

  return {
    config: cfg,
    async handle(req) {
      try {
        return await route(req);
      } catch (err) {
        if (isAgentWallError(err)) return errorResponse(err as AgentWallError);
        throw err;
      }
    },
    close() {
      // Upstream requests in flight finish first, then the steps they admitted are recorded, and only
      // then does the store close: a shutdown loses no record and leaves no reservation held.
      closing ??= shutdown(cfg);
      return closing;
    },
  };
}
