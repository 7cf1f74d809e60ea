// Decides, before any test is declared, whether a Redis is reachable; in CI a missing Redis is a failure, locally a skip.
import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';

/** The Redis the tests use. Default: `redis://127.0.0.1:6379` (`REDIS_URL` overrides). */
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const PROBE = `
const net = require('node:net');
const u = new URL(process.argv[1]);
const s = net.connect(Number(u.port || 6379), u.hostname);
s.setTimeout(1500, () => process.exit(1));
s.on('error', () => process.exit(1));
s.on('connect', () => s.write('PING\\r\\n'));
s.on('data', (d) => process.exit(String(d).startsWith('+PONG') ? 0 : 1));
`;

/**
 * True when Redis answers PING at {@link REDIS_URL}. Jest declares tests synchronously, so the probe runs
 * in a child process and is waited for; it is done once per test file.
 *
 * @example
 * if (redisReachable()) { ... }
 */
export function redisReachable(url = REDIS_URL): boolean {
  return spawnSync(process.execPath, ['-e', PROBE, url], { timeout: 5000 }).status === 0;
}

const reachable = redisReachable();

/**
 * `describe` when Redis is reachable. Otherwise: with `CI=true` a failing test that says why (CI must not
 * pass by skipping); locally, `describe.skip` and a console note.
 *
 * @example
 * describeWithRedis('RedisStore', () => { it('...', async () => {}); });
 */
export function describeWithRedis(name: string, fn: () => void): void {
  if (reachable) return describe(name, fn);
  if (process.env['CI'] === 'true') {
    describe(name, () => {
      it('needs a Redis server', () => {
        throw new Error(`Redis is not reachable at ${REDIS_URL}, and CI=true: start one (e.g. redis:7 service) or set REDIS_URL`);
      });
    });
    return;
  }
  console.warn(`[@agentwall/redis] Redis not reachable at ${REDIS_URL}: skipping "${name}" (set REDIS_URL or start redis-server; CI=true makes this a failure)`);
  describe.skip(name, fn);
}

/** A prefix no other test run uses, so runs in parallel never see each other's keys. */
export function uniquePrefix(label: string): string {
  return `agentwall-test:${label}:${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}:`;
}

/** Deletes every key under `prefix` (SCAN, never KEYS), so tests leave the developer's Redis as they found it. */
export async function deletePrefix(prefix: string, url = REDIS_URL): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A logger that says nothing. */
export const quiet = { info(): void {}, warn(): void {}, error(): void {} };
