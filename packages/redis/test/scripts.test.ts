// The rate-limit-redis pattern: scripts run by SHA, sent in full once per connection, and once more after NOSCRIPT.
import { Redis } from 'ioredis';
import { RedisStore } from '@agentwall/redis';
import { quiet } from './redis-available.js';
import { describeWithRedisServer, startPrivateRedis, type PrivateRedis } from './redis-server.js';

const prefix = 'agentwall-test:scripts:';

// A private server: the script cache is server-wide, and another test file loading the same script
// between the flush and the next call would hide the NOSCRIPT this test is about.
describeWithRedisServer('RedisStore scripts', () => {
  let redis: PrivateRedis;
  let admin: Redis;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    admin = new Redis(redis.url);
  });
  afterAll(async () => {
    await admin?.quit();
    await redis?.dispose();
  });

  it('keeps working after SCRIPT FLUSH: EVALSHA, NOSCRIPT, the script once, then EVALSHA again', async () => {
    const store = new RedisStore({ url: redis.url, prefix, logger: quiet });
    const source = new Redis(redis.url);
    // MONITOR takes a connection of its own, made from this client's settings.
    const monitor = await source.monitor();
    // Only the store's script calls, not the commands its scripts run.
    const calls: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      const name = String(args[0]).toLowerCase();
      if ((name === 'eval' || name === 'evalsha') && args.some((a) => a.startsWith(prefix))) calls.push(name);
    });
    const run = { keyId: 'noscript', runId: 'r' };
    const admit = () => store.admit({ run, now: 1, ttlMs: 60_000, maxSteps: 0 });
    try {
      expect(await admit()).toMatchObject({ admitted: true, step: 1 });
      expect(await admit()).toMatchObject({ admitted: true, step: 2 });
      await admin.script('FLUSH');
      expect(await admin.script('EXISTS', '0'.repeat(40))).toEqual([0]);
      expect(await admit()).toMatchObject({ admitted: true, step: 3 });
      expect(await admit()).toMatchObject({ admitted: true, step: 4 });
      expect(await store.killRun(run, 'done', 2, 60_000)).toBe(true);
      // MONITOR reports asynchronously; the store's own answers above are already final.
      const until = Date.now() + 5000;
      while (calls.length < 6 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(calls).toEqual([
        'eval', // first use on this connection: the script itself, which Redis caches
        'evalsha',
        'evalsha', // after the flush: NOSCRIPT…
        'eval', // …so the script once more
        'evalsha',
        'eval', // another script (killRun), first use on this connection
      ]);
    } finally {
      monitor.disconnect();
      source.disconnect();
      await store.close();
    }
  });
});
