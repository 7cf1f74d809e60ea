// The upstream providers: one keep-alive connection pool for all, and routing of a model to its upstream.
import { Agent, Pool, type Dispatcher } from 'undici';
import { AgentWallError } from '../errors.js';
import type { UpstreamKind, UpstreamOptions } from '../options.js';

export type { UpstreamKind } from '../options.js';

/** One resolved upstream. */
export interface Upstream {
  /** The API it speaks. */
  kind: UpstreamKind;
  /** `scheme://host:port` */
  origin: string;
  /** Path prefix of the base URL without a trailing slash, e.g. `/v1` (OpenAI kind) or `` (Anthropic kind). */
  basePath: string;
  /** The provider's `Authorization` header value, when a key is configured for an OpenAI-kind upstream. */
  authorization: string | undefined;
  /** The headers carrying the provider's key as its kind sends it (`authorization` or `x-api-key`); empty when keyless. */
  credentials: Record<string, string>;
  headers: Record<string, string>;
  patterns: RegExp[] | undefined;
}

/** The default URL of each kind. */
export const DEFAULT_UPSTREAM_URLS: Readonly<Record<UpstreamKind, string>> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
};

/** What each kind serves, for the error of a route no upstream speaks. */
const KIND_NAMES: Readonly<Record<UpstreamKind, string>> = { openai: 'the OpenAI API', anthropic: "Anthropic's Messages API" };

function resolve(o: UpstreamOptions): Upstream {
  const kind = o.kind ?? 'openai';
  const url = new URL(o.url ?? DEFAULT_UPSTREAM_URLS[kind]);
  let basePath = url.pathname.replace(/\/+$/, '');
  // Anthropic's paths carry their version (`/v1/messages`); a base URL written with it would double it.
  if (kind === 'anthropic') basePath = basePath.replace(/\/v1$/, '');
  const authorization = kind === 'openai' && o.apiKey ? `Bearer ${o.apiKey}` : undefined;
  const credentials: Record<string, string> = {};
  if (o.apiKey) credentials[kind === 'anthropic' ? 'x-api-key' : 'authorization'] = authorization ?? o.apiKey;
  return {
    kind,
    origin: url.origin,
    basePath,
    authorization,
    credentials,
    headers: Object.fromEntries(Object.entries(o.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    patterns: o.models?.map(globToRegExp),
  };
}

/** A glob with `*` as a RegExp matching the whole model name. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

/** Timeouts of the upstream connection, in ms. */
export interface UpstreamTimeouts {
  connectMs: number;
  firstByteMs: number;
  idleMs: number;
}

/**
 * The configured upstreams and the shared undici dispatcher. Routing, among the upstreams of the kind the
 * route speaks: the first whose `models` patterns match the model, else the first without `models`, else the
 * first of that kind.
 */
export class Upstreams {
  readonly dispatcher: Dispatcher;
  /** False for a dispatcher the host app gave: it is the app's to close. */
  private readonly ownsDispatcher: boolean;
  /**
   * The connection pools the agent made. undici's `Agent.close()` forgets its pools at once, so a later
   * `Agent.destroy()` no longer reaches the requests still running in them; `destroy()` here does.
   */
  private readonly pools = new Set<Pool>();
  /** The upstreams of each kind, in configured order, and the fallback of each kind. */
  private readonly byKind = new Map<UpstreamKind, { list: Upstream[]; fallback: Upstream }>();

  constructor(options: UpstreamOptions[], readonly timeouts: UpstreamTimeouts, dispatcher?: Dispatcher) {
    for (const upstream of options.map(resolve)) {
      const entry = this.byKind.get(upstream.kind);
      if (entry) entry.list.push(upstream);
      else this.byKind.set(upstream.kind, { list: [upstream], fallback: upstream });
    }
    for (const entry of this.byKind.values()) entry.fallback = entry.list.find((u) => !u.patterns) ?? entry.list[0]!;
    this.ownsDispatcher = dispatcher === undefined;
    this.dispatcher = dispatcher ?? new Agent({
      connect: { timeout: timeouts.connectMs },
      headersTimeout: timeouts.firstByteMs,
      bodyTimeout: timeouts.idleMs,
      keepAliveTimeout: 30_000,
      connections: 256,
      // undici's own factory for these options (a Pool, as connections > 1), remembering each pool.
      factory: (origin, opts) => {
        for (const p of this.pools) if (p.closed || p.destroyed) this.pools.delete(p);
        const pool = new Pool(origin, opts);
        this.pools.add(pool);
        return pool;
      },
    });
  }

  /** True when an upstream of `kind` is configured. */
  speaks(kind: UpstreamKind): boolean {
    return this.byKind.has(kind);
  }

  /**
   * The upstream of `kind` serving `model`. Throws `not_found` (404) when no upstream of that kind is configured;
   * a guarded route checks {@link speaks} before it admits anything.
   */
  route(model: string | undefined, kind: UpstreamKind = 'openai'): Upstream {
    const entry = this.byKind.get(kind);
    if (!entry) throw notServed(kind);
    if (model !== undefined) {
      for (const u of entry.list) if (u.patterns?.some((p) => p.test(model))) return u;
    }
    return entry.fallback;
  }

  /** Resolves once the requests in flight have finished; refuses new ones. A dispatcher the app gave stays open. */
  close(): Promise<void> {
    return this.ownsDispatcher ? this.dispatcher.close() : Promise.resolve();
  }

  /** Cuts the requests in flight (they fail as aborted) and closes every connection, also after `close()`. */
  async destroy(): Promise<void> {
    if (!this.ownsDispatcher) return;
    const pools = [...this.pools];
    this.pools.clear();
    await Promise.all([this.dispatcher.destroy(), ...pools.map((p) => p.destroy())]);
  }
}

/**
 * The 404 of a route whose API no configured upstream speaks.
 *
 * @example
 * throw notServed('anthropic', '/v1/messages');
 */
export function notServed(kind: UpstreamKind, path?: string): AgentWallError {
  return new AgentWallError(
    'not_found',
    `No upstream here speaks ${KIND_NAMES[kind]}: add one of kind '${kind}' to the \`upstreams\` option.`,
    path === undefined ? {} : { path },
    { guard: 'route' },
  );
}
