// The options of RedisStore, checked once at construction; mistakes throw a TypeError that names the option.
import { Redis, type Cluster, type RedisOptions } from 'ioredis';
import type { Logger } from '@agentwall/core';

/**
 * The options of `new RedisStore()`. Give exactly one of `client` and `url`.
 *
 * @example
 * new RedisStore({ url: process.env.REDIS_URL, prefix: 'myapp:agentwall:' })
 */
export interface RedisStoreOptions {
  /**
   * An ioredis client or Cluster to use. The store never closes it, and its settings are yours: for
   * fail-fast calls while Redis is down, give it {@link FAIL_FAST_OPTIONS} (for a Cluster, see the README).
   * Default: none.
   */
  client?: Redis | Cluster | undefined;
  /**
   * A Redis URL (`redis://` or `rediss://`). The store then makes its own client with fail-fast settings
   * (see {@link FAIL_FAST_OPTIONS}), reconnects by itself, and closes the client in `close()`. Default: none.
   */
  url?: string | undefined;
  /** Put before every key; it must not contain `{` or `}`, which would break the Cluster hash tags. Default: `'agentwall:'`. */
  prefix?: string | undefined;
  /** Where connection loss and recovery are reported (once each per outage). Default: `console`. */
  logger?: Logger | undefined;
}

/**
 * The settings of a client the store makes from `url`. No offline queue and no retries, so a call while
 * Redis is down fails at once and AgentWall fails open or closed per guard instead of hanging. No resending
 * after a reconnect either: a script that may already have run (an admit, a settle) must not run twice.
 *
 * @example
 * new Redis(url, FAIL_FAST_OPTIONS)
 */
export const FAIL_FAST_OPTIONS: Readonly<RedisOptions> = Object.freeze({
  lazyConnect: false,
  enableOfflineQueue: false,
  // 0, not 1: with any retries ioredis keeps a command in flight at a disconnect for a resend or silently drops it.
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
});

/** What the store runs on, resolved once. */
export interface ResolvedRedisStoreOptions {
  client: Redis | Cluster;
  ownsClient: boolean;
  prefix: string;
  logger: Logger;
}

function isClient(v: unknown): v is Redis | Cluster {
  return typeof v === 'object' && v !== null && typeof (v as Redis).defineCommand === 'function' && typeof (v as Redis).multi === 'function';
}

/**
 * Checks the options and makes the client when given a URL.
 * @internal
 */
export function resolveOptions(options: RedisStoreOptions): ResolvedRedisStoreOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('RedisStore: options must be an object with `client` or `url`');
  const { client, url, prefix = 'agentwall:', logger = console } = options;
  if (client !== undefined && url !== undefined) throw new TypeError('RedisStore: give `client` or `url`, not both');
  if (client === undefined && url === undefined) throw new TypeError('RedisStore: give `client` (an ioredis client or Cluster) or `url` (e.g. "redis://127.0.0.1:6379")');
  if (client !== undefined && !isClient(client)) throw new TypeError('RedisStore: `client` must be an ioredis Redis or Cluster instance');
  if (url !== undefined && (typeof url !== 'string' || !/^rediss?:\/\//.test(url))) throw new TypeError(`RedisStore: \`url\` must start with redis:// or rediss://, got ${JSON.stringify(url)}`);
  if (typeof prefix !== 'string' || /[{}]/.test(prefix)) throw new TypeError('RedisStore: `prefix` must be a string without `{` or `}` (they would break the Cluster hash tags)');
  if (typeof logger !== 'object' || logger === null || !['info', 'warn', 'error'].every((m) => typeof (logger as unknown as Record<string, unknown>)[m] === 'function')) {
    throw new TypeError('RedisStore: `logger` must have info, warn and error functions');
  }
  if (client !== undefined) return { client, ownsClient: false, prefix, logger };
  // close() only disconnects a socket that is down or still opening: no reason to wait ioredis's 2 s for it to end.
  // Auto-pipelining sends the scripts that concurrent requests issue in one event-loop turn as one write:
  // under load, one socket write (a system call) carries many admits and settles instead of one each.
  return { client: new Redis(url!, { ...FAIL_FAST_OPTIONS, disconnectTimeout: 200, enableAutoPipelining: true }), ownsClient: true, prefix, logger };
}
