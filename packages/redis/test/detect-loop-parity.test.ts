// The Lua port of detectLoop against detectLoop itself: core's reference vectors, then thousands of random windows.
import { Redis } from 'ioredis';
import { detectLoop, type LoopDecision, type LoopParams, type StepFingerprint, type WindowEntry } from '@agentwall/core/store';
import { DETECT_LOOP_PROBE_LUA } from '../src/lua/detect-loop.js';
import { findingFrom } from '../src/replies.js';
import { REDIS_URL, describeWithRedis } from './redis-available.js';
import { prng } from '../../core/test/support/prng.js';
import { DETECT_VECTORS } from '../../core/test/loop/detect-vectors.js';

interface Case {
  name: string;
  history: WindowEntry[];
  current: StepFingerprint;
  step: number;
  params: LoopParams;
}

async function luaDetect(redis: Redis, c: Case): Promise<LoopDecision> {
  const p = c.params;
  const reply = (await redis.eval(DETECT_LOOP_PROBE_LUA, 0, JSON.stringify(c.history), JSON.stringify(c.current), c.step, p.window, p.nearMaxDistance, p.nearRepeats, p.toolRepeats)) as unknown[];
  const entry = JSON.parse(String(reply[0])) as WindowEntry;
  return reply.length > 1 ? { finding: findingFrom(reply[1], reply[2], reply[3], reply[4]), entry } : { entry };
}

function randomCases(seed: number, count: number): Case[] {
  const rnd = prng(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const hex16 = (): string => Array.from({ length: 16 }, () => '0123456789abcdef'[int(16)]).join('');
  // Sketches near a few bases, so distances land on both sides of nearMaxDistance; high bits included (sign of 32-bit halves).
  const bases = ['0000000000000000', 'ffffffffffffffff', '8000000080000000', hex16(), hex16()];
  const flip = (s: string, bits: number): string => {
    let v = BigInt(`0x${s}`);
    for (let i = 0; i < bits; i++) v ^= 1n << BigInt(int(64));
    return v.toString(16).padStart(16, '0');
  };
  const simhash = (): string => {
    const r = rnd();
    if (r < 0.2) return '';
    if (r < 0.25) return pick(['ABCDEF0123456789', '123', 'zzzzzzzzzzzzzzzz', '00000000000000000']);
    return flip(pick(bases), int(10));
  };
  const observed = (): string => pick(['', 'h1', 'h1', 'h2']);
  // Few distinct values, so repeats, cycles and chains are common; kinds mixed, as real runs mix them.
  const print = (): StepFingerprint => {
    const r = rnd();
    if (r < 0.4) return { kind: 'action', exact: '', normalized: '', exchange: pick(['x', 'y', 'z']), simhash: '', observed: '', repeatsInRequest: pick([0, 1, 1, 1, 2, 3, 5]) };
    const exact = pick(['a', 'b', 'c', 'd', 'e', 'f']);
    const normalized = pick(['na', 'nb', 'nc', 'nd']);
    const kind = r < 0.7 ? 'prompt' : 'text';
    return { kind, exact, normalized, exchange: normalized, simhash: simhash(), observed: kind === 'text' ? observed() : '', repeatsInRequest: 0 };
  };
  // What an older version wrote: no kind, exchange, observed or actionRun (the detector must read it, not fail).
  const legacy = (step: number): WindowEntry =>
    ({ exact: pick(['a', 'b', 'old']), normalized: pick(['na', 'old']), simhash: simhash(), tool: pick(['', 't1']), toolRepeatsInRequest: 1, step, nearRun: int(3), toolRun: int(3) }) as unknown as WindowEntry;
  return Array.from({ length: count }, (_, i) => {
    const params: LoopParams = { window: 2 + int(12), nearMaxDistance: int(16), nearRepeats: 2 + int(4), toolRepeats: 2 + int(4) };
    const n = int(16);
    const history = Array.from({ length: n }, (_, j) => (rnd() < 0.05 ? legacy(j + 1) : { ...print(), step: j + 1, nearRun: int(5), actionRun: int(5) }));
    return { name: `random #${i} (seed ${seed})`, history, current: print(), step: n + 1, params };
  });
}

describeWithRedis('detect_loop (Lua) equals detectLoop', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(() => redis.quit());

  it.each(DETECT_VECTORS.map((c) => [c.name, c] as const))('core vector: %s', async (_name, c) => {
    expect(await luaDetect(redis, c)).toStrictEqual(detectLoop(c.history, c.current, c.step, c.params));
  });

  it('agrees on 3,000 random windows, confidences to the last bit', async () => {
    const cases = randomCases(20261124, 3000);
    const lua = await Promise.all(cases.map((c) => luaDetect(redis, c)));
    let findings = 0;
    cases.forEach((c, i) => {
      const js = detectLoop(c.history, c.current, c.step, c.params);
      if (js.finding) findings++;
      // The case name in the message says which one to replay.
      expect({ name: c.name, decision: lua[i] }).toStrictEqual({ name: c.name, decision: js });
    });
    // The generator must exercise every rule, or agreement proves little.
    const types = new Set(cases.map((c) => detectLoop(c.history, c.current, c.step, c.params).finding?.loopType));
    expect([...types].sort()).toEqual(['cycle', 'exact_repeat', 'near_repeat', 'normalized_repeat', 'tool_call_repeat', undefined].sort());
    expect(findings).toBeGreaterThan(300);
  });
});
