// The framework-free AgentWall: matches a core request in the route table, authenticates once, runs the route.
import type { KeyIdentity } from './auth/key-ring.js';
import { resolveConfig, type AgentWallConfig } from './config.js';
import { AgentWallError, isAgentWallError, type ErrorFormat } from './errors.js';
import { errorResponse } from './http/respond.js';
import type { CoreRequest, CoreResponse } from './http/types.js';
import type { AgentWallOptions } from './options.js';
import { guardedCall } from './pipeline/guarded-call.js';
import { shutdown } from './pipeline/shutdown.js';
import { ROUTES, RouteTable, errorFormatOf, type RouteDef } from './routes/index.js';

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
}

/**
 * True when a path (below the mount point) may be AgentWall's. Adapters call it first, so the host
 * app's own routes pay nothing. Every `/v1/...` path is (unknown ones get a JSON 404, unless
 * `passUnknownV1Routes` hands them back).
 */
export function isAgentWallPath(path: string): boolean {
  return path.startsWith('/v1/') || path.startsWith('/health') || path.startsWith('/agentwall/');
}

/** Internal construction inputs beyond the options: the route table (tests add a protocol of their own). */
export interface AgentWallInternals {
  routes?: readonly RouteDef[];
}

/** The resolved configuration of an instance, for AgentWall's own tests and packages. */
const configs = new WeakMap<AgentWall, AgentWallConfig>();

/** @internal The resolved configuration behind an AgentWall instance. */
export function configOf(aw: AgentWall): AgentWallConfig {
  const cfg = configs.get(aw);
  if (!cfg) throw new TypeError('not an AgentWall instance');
  return cfg;
}

/** The guard that most likely refused, for errors that do not name one. */
function stageOf(err: AgentWallError): string {
  switch (err.code) {
    case 'invalid_api_key':
    case 'forbidden':
      return 'auth';
    case 'invalid_json':
    case 'validation_error':
    case 'request_too_large':
      return 'validation';
    case 'not_found':
    case 'method_not_allowed':
      return 'route';
    default:
      return err.code === 'store_unavailable' ? 'store' : 'route';
  }
}

/**
 * Builds AgentWall from options. Throws `TypeError` naming a bad option.
 *
 * @example
 * const aw = createAgentWall({ keys: [{ key: 'aw-secret-key', name: 'agent-a' }] });
 * const res = await aw.handle(coreRequest); // undefined: not ours
 */
export function createAgentWall(options?: AgentWallOptions, internals: AgentWallInternals = {}): AgentWall {
  const cfg = resolveConfig(options);
  const table = new RouteTable(internals.routes ?? ROUTES);
  const passUnknownV1 = cfg.options.passUnknownV1Routes;
  let closing: Promise<void> | undefined;

  async function run(route: RouteDef, params: Record<string, string>, req: CoreRequest, seen: { identity?: KeyIdentity }): Promise<CoreResponse> {
    if (route.auth === 'public') return route.handle!({ req, identity: undefined, params, cfg });
    if (route.protocol) {
      // A store that checks revocation inside admit saves the separate check (a round trip on Redis).
      if (cfg.store.checksRevocationInAdmit === true) {
        const identity = await cfg.auth.identify(req.headers);
        seen.identity = identity;
        return guardedCall(route.protocol, req, identity, cfg, cfg.auth.needsRevocationCheck(identity));
      }
      const identity = await cfg.auth.authenticate(req.headers);
      seen.identity = identity;
      return guardedCall(route.protocol, req, identity, cfg, false);
    }
    const identity = await cfg.auth.authenticate(req.headers);
    seen.identity = identity;
    if (route.auth === 'admin' && !identity.isAdmin) throw new AgentWallError('forbidden', `Only the admin key may call ${route.method} ${route.path}.`, {}, { guard: 'auth' });
    return route.handle({ req, identity, params, cfg });
  }

  function refused(err: AgentWallError, req: CoreRequest, route: RouteDef | undefined, identity: KeyIdentity | undefined, format: ErrorFormat = errorFormatOf(route)): CoreResponse {
    const response = errorResponse(err, format);
    if (cfg.events.wantsRefusals) {
      cfg.events.refusal({
        protocol: route?.protocol?.name,
        path: req.path,
        code: err.code,
        status: err.status,
        guard: err.guard ?? stageOf(err),
        keyId: identity?.keyId,
        runId: err.headers['x-agentwall-run-id'],
      });
    }
    return response;
  }

  const aw: AgentWall = {
    async handle(req) {
      const match = table.match(req.method, req.path);
      if (match === undefined) {
        // OpenAI's clients read a JSON error, not the host app's HTML page: unknown /v1 routes are answered here.
        if (passUnknownV1 || !req.path.startsWith('/v1/')) return undefined;
        const err = new AgentWallError('not_found', `Invalid URL (${req.method} ${req.path}): AgentWall serves no such route.`, { path: req.path }, { guard: 'route' });
        return refused(err, req, undefined, undefined);
      }
      if (!('route' in match)) {
        const err = new AgentWallError('method_not_allowed', `${req.method} is not allowed on ${req.path}; use ${match.allow.join(', ')}.`, {}, { headers: { allow: match.allow.join(', ') }, guard: 'route' });
        return refused(err, req, undefined, undefined, match.errorFormat ?? 'openai');
      }
      const seen: { identity?: KeyIdentity } = {};
      try {
        return await run(match.route, match.params, req, seen);
      } catch (err) {
        if (isAgentWallError(err)) return refused(err as AgentWallError, req, match.route, seen.identity);
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
  configs.set(aw, cfg);
  return aw;
}
