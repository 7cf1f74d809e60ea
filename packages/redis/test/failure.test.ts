// Without a Redis to talk to, every call rejects quickly instead of hanging, and construction mistakes throw TypeErrors.
import { Redis } from 'ioredis';
import { RedisStore } from '@agentwall/redis';
import { freePort } from './redis-server.js';

/** Rejects with 'hung' if `p` has not settled within `ms`: a bound on waiting, not a timing measurement. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('hung')), ms);
  });
  return Promise.race([p, hung]).finally(() => clearTimeout(timer));
}

describe('RedisStore with nothing listening', () => {
  const run = { keyId: 'k', runId: 'r' };
  let store: RedisStore;
  const logged: Array<string | undefined> = [];

  beforeAll(async () => {
    const port = await freePort();
    const at = (_msg: string, fields?: Record<string, unknown>) => logged.push(fields?.['code'] as string | undefined);
    store = new RedisStore({ url: `redis://127.0.0.1:${port}`, logger: { info: at, warn: at, error: at } });
  });
  afterAll(() => store.close());

  it('makes its client from url fail-fast and auto-pipelined (the calls below are pipelined too)', () => {
    const o = (store.client as Redis).options;
    expect(o).toMatchObject({ enableOfflineQueue: false, maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false, enableAutoPipelining: true });
  });

  it('rejects the first calls, made while it is still trying to connect', async () => {
    const first = await within(store.admit({ run, now: 1, ttlMs: 1000, maxSteps: 0 }), 5000).catch((e: Error) => e);
    expect(first).toBeInstanceOf(Error);
    expect((first as Error).message).not.toBe('hung');
  });

  it.each<[string, () => Promise<unknown>]>([
    ['admit', () => store.admit({ run, now: 1, ttlMs: 1000, maxSteps: 0 })],
    ['isRevoked', () => store.isRevoked('k')],
    ['ping', () => store.ping()],
    ['settle', () => store.settle({ run, admitId: 'a', now: 1, ttlMs: 1000, record: { step: 1, model: 'm', status: 'ok', stream: false, costMicros: 1, estimated: false, latencyMs: 1, at: 1 } })],
    ['getRun', () => store.getRun(run)],
    ['getUsage', () => store.getUsage('k', '2026-11-24', '2026-11')],
    ['killRun', () => store.killRun(run, 'x', 1, 1000)],
    ['recordBlocked', () => store.recordBlocked(run, { at: 1, type: 'x' }, 1, 1000)],
    ['revokeKey', () => store.revokeKey('k')],
  ])('%s rejects while reconnecting, without waiting', async (_name, call) => {
    const err = await within(call(), 2000).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).not.toBe('hung');
  });

  it('logs the outage once, however many reconnects fail', async () => {
    const until = Date.now() + 5000;
    let reconnects = 0;
    const count = () => reconnects++;
    store.client.on('reconnecting', count);
    while (reconnects < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    store.client.off('reconnecting', count);
    expect(reconnects).toBeGreaterThanOrEqual(3);
    expect(logged.filter((c) => c === 'AW_REDIS_UNREACHABLE')).toHaveLength(1);
  });

  it('closes without waiting for Redis, and stops reconnecting', async () => {
    const other = new RedisStore({ url: `redis://127.0.0.1:${await freePort()}`, logger: { info() {}, warn() {}, error() {} } });
    await other.ping().catch(() => undefined);
    await within(other.close(), 2000);
    expect(['end', 'reconnecting']).toContain(other.client.status);
    // No reconnect is scheduled any more.
    expect((other.client as unknown as { reconnectTimeout: unknown }).reconnectTimeout).toBeNull();
    await other.close();
  });
});

describe('RedisStore options', () => {
  it('throws a TypeError naming the mistake', () => {
    expect(() => new RedisStore({})).toThrow(TypeError);
    expect(() => new RedisStore({})).toThrow(/`client`.*`url`/);
    expect(() => new RedisStore({ url: 'localhost:6379' })).toThrow(/redis:\/\//);
    expect(() => new RedisStore({ url: 'redis://127.0.0.1:1', prefix: 'a{b}:' })).toThrow(/prefix/);
    expect(() => new RedisStore({ client: {} as Redis })).toThrow(/ioredis/);
    expect(() => new RedisStore({ url: 'redis://127.0.0.1:1', logger: {} as never })).toThrow(/logger/);
    const client = new Redis({ lazyConnect: true });
    try {
      expect(() => new RedisStore({ client, url: 'redis://127.0.0.1:1' })).toThrow(/not both/);
    } finally {
      client.disconnect();
    }
  });

  it('takes an undefined option as its default (options read from the environment type-check as they are)', async () => {
    const env: Record<string, string | undefined> = { REDIS_URL: `redis://127.0.0.1:${await freePort()}` };
    const store = new RedisStore({ url: env['REDIS_URL'], client: undefined, prefix: env['REDIS_PREFIX'], logger: undefined });
    expect((store as unknown as { keys: { day(k: string, d: string): string } }).keys.day('k', '2026-11-24')).toBe('agentwall:{k}:day:2026-11-24');
    await store.close();
    expect(() => new RedisStore({ url: env['NOT_SET'] })).toThrow(/`client`.*`url`/);
  });

  it('leaves a client it was given open', async () => {
    const client = new Redis({ lazyConnect: true });
    try {
      const store = new RedisStore({ client });
      await store.close();
      expect(client.status).toBe('wait');
    } finally {
      client.disconnect();
    }
  });

  it('refuses fractional money, which HINCRBY would refuse less clearly', async () => {
    const client = new Redis({ lazyConnect: true });
    try {
      const store = new RedisStore({ client });
      await expect(
        store.admit({ run: { keyId: 'k', runId: 'r' }, now: 1, ttlMs: 1000, maxSteps: 0, budget: { micros: 1.5, day: '2026-11-24', month: '2026-11' } }),
      ).rejects.toThrow(TypeError);
    } finally {
      client.disconnect();
    }
  });
});
