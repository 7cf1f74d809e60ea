// The upstream providers: one keep-alive connection pool for all, and routing of a model to its upstream.
import { Agent } from 'undici';
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
  readonly dispatcher: Agent;
  private readonly list: Upstream[];
  private readonly fallback: Upstream;

  constructor(options: UpstreamOptions[], readonly timeouts: UpstreamTimeouts) {
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
    this.dispatcher = new Agent({
      connect: { timeout: timeouts.connectMs },
      headersTimeout: timeouts.firstByteMs,
      bodyTimeout: timeouts.idleMs,
      keepAliveTimeout: 30_000,
      connections: 256,
    });
  }

  /** The upstream serving `model`. */
  route(model: string | undefined): Upstream {
    if (model !== undefined) {
      for (const u of this.list) if (u.patterns?.some((p) => p.test(model))) return u;
    }
    return this.fallback;
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}
