// The key layout: the prefix on every key, one Cluster slot per API key, expiry on run and usage keys, none on revocations.
import { Redis } from 'ioredis';
import { DEFAULT_LOOP_PARAMS, chatLoopView, fingerprintView, type RunKey } from '@agentwall/core';
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
    const fingerprint = fingerprintView(chatLoopView({ model: 'm', messages: [{ role: 'user', content: `hello ${run.runId}` }] }));
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

  // The scripts skip reading and expiring a new run's lists they did not write (they cannot exist); these pin
  // that every key a script does write still gets the run's expiry, on a new run and on a known one.
  describe('expiry of each key a script writes', () => {
    const TTL = 60_000;
    const loopCheck = (content: string) => ({ mode: 'block' as const, params: { ...DEFAULT_LOOP_PARAMS }, fingerprint: fingerprintView(chatLoopView({ model: 'm', messages: [{ role: 'user', content }] })) });
    const record = (step: number, status: 'ok' | 'error' = 'ok') => ({ step, model: 'm', status, stream: false, costMicros: 1, estimated: false, latencyMs: 1, at: 1 });
    let n = 0;
    const fresh = (): RunKey => ({ keyId: 'expiry', runId: `r${++n}` });

    async function expectAllExpiring(run: RunKey, existing: Array<keyof ReturnType<ReturnType<typeof keyLayout>['run']>>): Promise<void> {
      const keys = keyLayout(prefix).run(run);
      for (const [name, key] of Object.entries(keys)) {
        const pttl = await redis.pttl(key);
        if (existing.includes(name as (typeof existing)[number])) {
          expect({ name, expiring: pttl > 0 && pttl <= TTL }).toEqual({ name, expiring: true });
        } else {
          expect({ name, pttl }).toEqual({ name, pttl: -2 });
        }
      }
    }

    it('admit on a new run, without and with loop detection', async () => {
      const a = fresh();
      await store.admit({ run: a, now: 1, ttlMs: TTL, maxSteps: 0 });
      await expectAllExpiring(a, ['state']);
      const b = fresh();
      await store.admit({ run: b, now: 1, ttlMs: TTL, maxSteps: 0, loop: loopCheck('hi') });
      await expectAllExpiring(b, ['state', 'window']);
    });

    it('a refusal on a new run, and recordBlocked on a new run', async () => {
      const a = fresh();
      await store.killRun(a, 'x', 1, TTL);
      expect(await store.admit({ run: a, now: 1, ttlMs: TTL, maxSteps: 0, budget: { micros: 10, day: '2026-11-24', month: '2026-11', runLimitMicros: 5 } })).toMatchObject({ admitted: false, block: 'budget_exceeded' });
      await expectAllExpiring(a, ['state', 'blocked']);
      const b = fresh();
      await store.recordBlocked(b, { at: 1, type: 'dlp_blocked' }, 1, TTL);
      await expectAllExpiring(b, ['state', 'blocked']);
    });

    it('settle on a run whose state is gone (it expired mid-step) recreates it with its keys expiring', async () => {
      const a = fresh();
      await store.settle({ run: a, now: 1, ttlMs: TTL, record: record(1, 'error') });
      await expectAllExpiring(a, ['state', 'steps']);
    });

    it('every script on a known run refreshes all four keys, including lists it did not write', async () => {
      const a = fresh();
      await store.admit({ run: a, now: 1, ttlMs: TTL, maxSteps: 0, loop: loopCheck('one') });
      await store.settle({ run: a, now: 1, ttlMs: TTL, record: record(1) });
      await store.recordBlocked(a, { at: 1, type: 'dlp_blocked' }, 1, TTL);
      const keys = keyLayout(prefix).run(a);
      const calls: Array<() => Promise<unknown>> = [
        () => store.admit({ run: a, now: 2, ttlMs: TTL, maxSteps: 0 }),
        () => store.settle({ run: a, now: 2, ttlMs: TTL, record: record(2) }),
        () => store.recordBlocked(a, { at: 2, type: 'dlp_blocked' }, 2, TTL),
        () => store.killRun(a, 'done', 3, TTL),
      ];
      for (const call of calls) {
        for (const key of Object.values(keys)) await redis.pexpire(key, 5_000_000);
        await call();
        await expectAllExpiring(a, ['state', 'window', 'steps', 'blocked']);
      }
    });

    // Usage counters get their expiry when a field starts from zero, which includes the write that creates them.
    it('a day and month counter carries its expiry from whichever script creates it, and a lost reservation never goes negative', async () => {
      const keyId = `usage${process.pid}`;
      const layout = keyLayout(prefix);
      const [dayKey, monthKey] = [layout.day(keyId, '2026-11-24'), layout.month(keyId, '2026-11')];
      const reservation = { micros: 300, day: '2026-11-24', month: '2026-11' };
      const expiring = async (): Promise<boolean[]> => Promise.all([dayKey, monthKey].map(async (k) => (await redis.pttl(k)) > 24 * 3600_000));
      const usage = async () => store.getUsage(keyId, '2026-11-24', '2026-11');

      // Created by a settle that held nothing (a step with a cost and no budget).
      await store.settle({ run: { keyId, runId: 'a' }, now: Date.UTC(2026, 10, 24), ttlMs: TTL, record: record(1) });
      expect(await expiring()).toEqual([true, true]);

      // Created by admit's reservation; a later write on a counter that already runs keeps it expiring.
      await redis.del(dayKey, monthKey);
      await store.admit({ run: { keyId, runId: 'b' }, now: 1, ttlMs: TTL, maxSteps: 0, budget: reservation });
      expect(await expiring()).toEqual([true, true]);
      await store.admit({ run: { keyId, runId: 'b' }, now: 1, ttlMs: TTL, maxSteps: 0, budget: reservation });
      expect(await usage()).toMatchObject({ daily: { reservedMicros: 600 }, monthly: { reservedMicros: 600 } });

      // The counters expire (or are evicted) while both steps are in flight: the settles recreate them, expiring,
      // and release down to zero, not below it.
      await redis.del(dayKey, monthKey);
      await store.settle({ run: { keyId, runId: 'b' }, now: 2, ttlMs: TTL, record: { ...record(1), costMicros: 0 }, reservation });
      expect(await expiring()).toEqual([true, true]);
      await store.settle({ run: { keyId, runId: 'b' }, now: 2, ttlMs: TTL, record: { ...record(2), costMicros: 120 }, reservation });
      expect(await usage()).toEqual({ daily: { spentMicros: 120, reservedMicros: 0 }, monthly: { spentMicros: 120, reservedMicros: 0 } });
      expect(await store.getRun({ keyId, runId: 'b' })).toMatchObject({ costMicros: 120, reservedMicros: 0 });
    });

    it('a run whose lists outlived its state (evicted, deleted by hand) starts clean', async () => {
      const a = fresh();
      await store.admit({ run: a, now: 1, ttlMs: TTL, maxSteps: 0, loop: loopCheck('again') });
      await store.settle({ run: a, now: 1, ttlMs: TTL, record: record(1) });
      await store.recordBlocked(a, { at: 1, type: 'dlp_blocked' }, 1, TTL);
      await redis.del(keyLayout(prefix).run(a).state);
      // The same prompt again: the old window must not make it a repeat, the old records must not show.
      expect(await store.admit({ run: a, now: 2, ttlMs: TTL, maxSteps: 0, loop: loopCheck('again') })).toEqual({ admitted: true, step: 1 });
      expect(await store.getRun(a)).toMatchObject({ steps: 1, stepRecords: [], blocked: [], blockedCount: 0, createdAt: 2 });
      await expectAllExpiring(a, ['state', 'window']);
    });
  });
});
