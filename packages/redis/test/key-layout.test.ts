// The key layout: the prefix on every key, one Cluster slot per API key, expiry on run and usage keys, none on revocations.
import { Redis } from 'ioredis';
import { DEFAULT_LOOP_PARAMS, fingerprintRequest, type RunKey } from '@agentwall/core';
import { RedisStore, hashTag, keyLayout } from '@agentwall/redis';
import { crc16, keySlot } from './key-slot.js';
import { REDIS_URL, deletePrefix, describeWithRedis, quiet, uniquePrefix } from './redis-available.js';

describe('keySlot (the test helper) follows the Cluster spec', () => {
  it('matches the reference values', () => {
    // CRC16 of "123456789" is 0x31C3 (Redis Cluster specification, appendix).
    expect(keySlot('123456789')).toBe(0x31c3);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('{user1000}.following')).toBe(crc16(Buffer.from('user1000')) % 16384);
    // An empty tag hashes the whole key; the tag ends at the first '}' after the first '{'.
    expect(keySlot('foo{}{bar}')).toBe(crc16(Buffer.from('foo{}{bar}')) % 16384);
    expect(keySlot('foo{{bar}}zap')).toBe(crc16(Buffer.from('{bar')) % 16384);
  });
});

describe('hashTag and keyLayout', () => {
  it('escapes only what would break the tag, one-to-one', () => {
    expect(hashTag('agent-a')).toBe('{agent-a}');
    expect(hashTag('3f2a9c1b7d4e')).toBe('{3f2a9c1b7d4e}');
    expect(hashTag('a}b')).toBe('{a%7Db}');
    expect(hashTag('{x}')).toBe('{%7Bx%7D}');
    expect(hashTag('%7D')).toBe('{%257D}');
    expect(hashTag('')).toBe('{%00}');
    const ids = ['a', 'a}b', 'a%7Db', '{a}', '%', '%25', '', '%00', 'x:y'];
    expect(new Set(ids.map(hashTag)).size).toBe(ids.length);
  });

  it('keeps run ids after a fixed word, so no run id can name another run key', () => {
    const keys = keyLayout('aw:');
    expect(keys.run({ keyId: 'k', runId: 'r1' })).toEqual({ state: 'aw:{k}:run:r1', window: 'aw:{k}:window:r1', steps: 'aw:{k}:steps:r1', blocked: 'aw:{k}:blocked:r1' });
    const a = Object.values(keys.run({ keyId: 'k', runId: 'x' }));
    const b = Object.values(keys.run({ keyId: 'k', runId: 'x:window' }));
    expect(a.filter((k) => b.includes(k))).toEqual([]);
    expect(keys.day('k', '2026-11-24')).toBe('aw:{k}:day:2026-11-24');
    expect(keys.month('k', '2026-11')).toBe('aw:{k}:month:2026-11');
    expect(keys.revoked('k')).toBe('aw:{k}:revoked');
  });
});

const prefix = uniquePrefix('layout');

describeWithRedis('RedisStore key layout in Redis', () => {
  let store: RedisStore;
  let redis: Redis;
  beforeAll(() => {
    store = new RedisStore({ url: REDIS_URL, prefix, logger: quiet });
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await store.close();
    await redis.quit();
    await deletePrefix(prefix);
  });

  async function keysUnder(p: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${p}*`, 'COUNT', 500);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
    return found.sort();
  }

  async function exercise(store: RedisStore, run: RunKey): Promise<void> {
    const fingerprint = fingerprintRequest({ model: 'm', messages: [{ role: 'user', content: `hello ${run.runId}` }] });
    await store.admit({
      run,
      now: Date.UTC(2026, 10, 24, 12),
      ttlMs: 60_000,
      maxSteps: 0,
      dlp: { email: 1 },
      budget: { micros: 100, day: '2026-11-24', month: '2026-11', dailyLimitMicros: 1_000_000 },
      loop: { mode: 'block', params: { ...DEFAULT_LOOP_PARAMS }, fingerprint },
    });
    await store.settle({
      run,
      now: Date.UTC(2026, 10, 24, 12),
      ttlMs: 60_000,
      record: { step: 1, model: 'm', status: 'ok', stream: false, costMicros: 40, estimated: false, latencyMs: 1, at: 1 },
      reservation: { micros: 100, day: '2026-11-24', month: '2026-11' },
    });
    await store.recordBlocked(run, { at: 2, type: 'dlp_blocked' }, Date.UTC(2026, 10, 24, 12), 60_000);
    await store.revokeKey(run.keyId);
  }

  it.each(['alpha', 'a}b', '{tag}', '%7D', ''])('puts every key of API key %j in one slot, under the prefix, with expiry', async (keyId) => {
    const sub = `${prefix}${Buffer.from(keyId).toString('hex')}:`;
    const scoped = new RedisStore({ url: REDIS_URL, prefix: sub, logger: quiet });
    try {
      await exercise(scoped, { keyId, runId: 'run-1' });
      await exercise(scoped, { keyId, runId: 'run:2.b_c-d' });
    } finally {
      await scoped.close();
    }
    const keys = await keysUnder(sub);
    // 2 runs x 4 keys, a day and a month counter, the revocation.
    expect(keys).toHaveLength(11);
    for (const k of keys) expect(k.startsWith(sub)).toBe(true);
    expect(new Set(keys.map(keySlot)).size).toBe(1);
    expect(keySlot(keys[0]!)).toBe(keySlot(`${sub}${hashTag(keyId)}`));

    for (const k of keys) {
      const pttl = await redis.pttl(k);
      if (k.endsWith(':revoked')) expect(pttl).toBe(-1);
      else if (k.includes(':day:')) expect(pttl).toBeGreaterThan(47 * 3600_000);
      else if (k.includes(':month:')) expect(pttl).toBeGreaterThan(34 * 24 * 3600_000);
      else {
        expect(pttl).toBeGreaterThan(0);
        expect(pttl).toBeLessThanOrEqual(60_000);
      }
    }
  });

  it('keeps API keys whose ids differ only in escaped characters apart', async () => {
    const ids = ['a}b', 'a%7Db', 'a'];
    for (const keyId of ids) {
      expect(await store.admit({ run: { keyId, runId: 'same' }, now: 1, ttlMs: 60_000, maxSteps: 0 })).toEqual({ admitted: true, step: 1 });
    }
    for (const keyId of ids) expect((await store.getRun({ keyId, runId: 'same' }))?.steps).toBe(1);
  });
});
