// The upstream providers: one keep-alive connection pool for all, and routing of a model to its upstream.
import { Agent, Pool, type Dispatcher } from 'undici';
import type { UpstreamOptions } from '../options.js';

/** One resolved upstream. */
export interface Upstream {
  /** `scheme://host:port` */
  origin: string;
  /** Path prefix of the base URL without a trailing slash, e.g. `/v1`. */
  basePath: string;
  /** The provider's `Authorization` header value, when a key is configured. */
  authorization: string | undefined;
  headers: Record<string, string>;
  patterns: RegExp[] | undefined;
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
 * The configured upstreams and the shared undici dispatcher. Routing: the first upstream whose
 * `models` patterns match the model, else the first upstream without `models`, else the first one.
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
  private readonly list: Upstream[];
  private readonly fallback: Upstream;

  constructor(options: UpstreamOptions[], readonly timeouts: UpstreamTimeouts, dispatcher?: Dispatcher) {
    this.list = options.map((o) => {
      const url = new URL(o.url);
      return {
        origin: url.origin,
        basePath: url.pathname.replace(/\/+$/, ''),
        authorization: o.apiKey ? `Bearer ${o.apiKey}` : undefined,
        headers: Object.fromEntries(Object.entries(o.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
        patterns: o.models?.map(globToRegExp),
      };
    });
    this.fallback = this.list.find((u) => !u.patterns) ?? this.list[0]!;
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

  /** The upstream serving `model`. */
  route(model: string | undefined): Upstream {
    if (model !== undefined) {
      for (const u of this.list) if (u.patterns?.some((p) => p.test(model))) return u;
    }
    return this.fallback;
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
