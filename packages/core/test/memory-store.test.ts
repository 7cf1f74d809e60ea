// MemoryStore: the store contract, plus its bounds (entry cap and TTL).
import { MemoryStore } from '../src/index.js';
import { storeContract } from '../src/entry/testing.js';

storeContract('MemoryStore', async () => new MemoryStore());

describe('MemoryStore bounds', () => {
  it('keeps at most maxRuns runs, dropping the least recently used', async () => {
    const store = new MemoryStore({ maxRuns: 100 });
    for (let i = 0; i < 1000; i++) await store.admit({ run: { keyId: 'k', runId: `r${i}` }, now: i, ttlMs: 60_000, maxSteps: 0 });
    expect(store.size).toBe(100);
    expect(await store.getRun({ keyId: 'k', runId: 'r0' })).toBeUndefined();
    expect(await store.getRun({ keyId: 'k', runId: 'r999' })).toBeDefined();
  });

  it('expires a run its TTL after its last activity', async () => {
    let t = 0;
    const store = new MemoryStore({ perf: { now: () => t } });
    const run = { keyId: 'k', runId: 'r' };
    await store.admit({ run, now: 0, ttlMs: 1000, maxSteps: 0 });
    t = 900;
    await store.admit({ run, now: 900, ttlMs: 1000, maxSteps: 0 });
    t = 1500;
    expect((await store.getRun(run))?.steps).toBe(2);
    t = 2000;
    expect(await store.getRun(run)).toBeUndefined();
  });

  it('refuses a bad bound at construction', () => {
    expect(() => new MemoryStore({ maxRuns: 0 })).toThrow(/maxRuns/);
  });
});
