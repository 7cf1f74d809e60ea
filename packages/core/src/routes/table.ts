// The declared route table: method, path, auth and handler of every route AgentWall owns, matched in one place.
import type { KeyIdentity } from '../auth/key-ring.js';
import type { AgentWallConfig } from '../config.js';
import type { ErrorFormat } from '../errors.js';
import type { CoreRequest, CoreResponse } from '../http/types.js';
import type { Protocol } from '../protocols/protocol.js';

/** Who may call a route: an AgentWall key, the admin key only, or anyone. */
export type RouteAuth = 'key' | 'admin' | 'public';

/** What a route's handler gets. */
export interface RouteContext {
  req: CoreRequest;
  /** The caller's key; undefined on public routes. */
  identity: KeyIdentity | undefined;
  /** The `:name` segments of the path, URL-decoded. */
  params: Record<string, string>;
  cfg: AgentWallConfig;
}

/**
 * One route. A guarded endpoint names its `protocol` and is run by the guarded pipeline; any other route gives
 * a `handle`. The runner authenticates once, before either (a guarded route's key revocation is checked inside
 * the store's admit when the store can).
 *
 * @example
 * { method: 'POST', path: '/v1/chat/completions', auth: 'key', protocol: openAIChat }
 * { method: 'GET', path: '/agentwall/runs/:runId', auth: 'key', handle: getRunRoute }
 */
export type RouteDef = {
  method: 'GET' | 'POST' | 'DELETE';
  /** Below the mount point; `:name` segments are parameters. A trailing slash is accepted. */
  path: string;
  auth: RouteAuth;
  /** How this route's clients read an error. Default: its protocol's `errorFormat`, else `'openai'`. */
  errorFormat?: ErrorFormat;
} & ({ protocol: Protocol; handle?: undefined } | { handle: (ctx: RouteContext) => Promise<CoreResponse>; protocol?: undefined });

/**
 * The outcome of matching a path: a route with its parameters, the methods a known path allows (with the error
 * format of that path's routes when it is not OpenAI's), or nothing.
 */
export type RouteMatch = { route: RouteDef; params: Record<string, string> } | { allow: string[]; errorFormat?: ErrorFormat } | undefined;

/** The error format a route's clients read. */
export function errorFormatOf(route: RouteDef | undefined): ErrorFormat {
  return route?.errorFormat ?? route?.protocol?.errorFormat ?? 'openai';
}

interface ParamRoute {
  segments: string[];
  route: RouteDef;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** GET routes answer HEAD too. */
function methodMatches(route: RouteDef, method: string): boolean {
  return route.method === method || (route.method === 'GET' && method === 'HEAD');
}

/**
 * A compiled route table: static paths are one map lookup, parameterised ones a short scan by segment.
 *
 * @example
 * const table = new RouteTable(ROUTES);
 * table.match('POST', '/v1/chat/completions'); // { route, params: {} }
 * table.match('GET', '/v1/chat/completions');  // { allow: ['POST'] }
 */
export class RouteTable {
  private readonly byPath = new Map<string, RouteDef[]>();
  private readonly withParams: ParamRoute[] = [];

  constructor(readonly routes: readonly RouteDef[]) {
    for (const route of routes) {
      if (route.path.includes('/:')) {
        this.withParams.push({ segments: route.path.split('/'), route });
      } else {
        const list = this.byPath.get(route.path) ?? [];
        list.push(route);
        this.byPath.set(route.path, list);
      }
    }
  }

  /** The route a request means, the methods its path allows (for a 405), or undefined when the path is not ours. */
  match(method: string, rawPath: string): RouteMatch {
    const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
    const candidates = this.byPath.get(path);
    if (candidates) {
      for (const route of candidates) if (methodMatches(route, method)) return { route, params: {} };
      return notAllowed(candidates);
    }
    if (this.withParams.length === 0) return undefined;
    const segments = path.split('/');
    const allowed: RouteDef[] = [];
    for (const { segments: pattern, route } of this.withParams) {
      const params = matchSegments(pattern, segments);
      if (!params) continue;
      if (methodMatches(route, method)) return { route, params };
      allowed.push(route);
    }
    return allowed.length > 0 ? notAllowed(allowed) : undefined;
  }
}

function matchSegments(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const s = segments[i]!;
    if (p.startsWith(':')) {
      if (s === '') return undefined;
      params[p.slice(1)] = decode(s);
    } else if (p !== s) {
      return undefined;
    }
  }
  return params;
}

/** The 405 match of a known path: its methods, and its routes' error format when it is not the default. */
function notAllowed(routes: readonly RouteDef[]): { allow: string[]; errorFormat?: ErrorFormat } {
  const format = errorFormatOf(routes[0]);
  return format === 'openai' ? { allow: allowOf(routes) } : { allow: allowOf(routes), errorFormat: format };
}

function allowOf(routes: readonly RouteDef[]): string[] {
  const methods = new Set<string>();
  for (const r of routes) {
    methods.add(r.method);
    if (r.method === 'GET') methods.add('HEAD');
  }
  return [...methods];
}
