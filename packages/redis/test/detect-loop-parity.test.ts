// The Lua port of detectLoop against detectLoop itself: core's reference vectors, then thousands of random windows.
import { Redis } from 'ioredis';
import { DEFAULT_LOOP_PARAMS, detectLoop, type LoopDecision, type LoopParams, type StepFingerprint, type WindowEntry } from '@agentwall/core';
import { DETECT_LOOP_PROBE_LUA } from '../src/lua/detect-loop.js';
import { findingFrom } from '../src/replies.js';
import { REDIS_URL, describeWithRedis } from './redis-available.js';
import { prng } from '../../core/test/support/prng.js';

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

// The vectors of packages/core/test/loop/detect.test.ts, case for case (that file keeps them inline).
const P = DEFAULT_LOOP_PARAMS;
const fp = (over: Partial<StepFingerprint>): StepFingerprint => ({ exact: 'e0', normalized: 'n0', simhash: '', tool: '', toolRepeatsInRequest: 0, ...over });
const at = (step: number, over: Partial<WindowEntry>): WindowEntry => ({ ...fp({}), step, nearRun: 0, toolRun: 0, ...over });
const sketch = '0000000000000000';
const one = at(1, { exact: 'x', tool: 't', toolRun: 1 });
const second = { ...fp({ exact: 'x', tool: 't', toolRepeatsInRequest: 1 }), step: 2, nearRun: 0, toolRun: 2 };
const cycleHistory = [at(1, { exact: 'a' }), at(2, { exact: 'x', normalized: 'na' }), at(3, { exact: 'b', normalized: 'nb' })];
const nearHistory = [
  at(1, { exact: 'a', normalized: 'na', simhash: '0000000000000000', nearRun: 1 }),
  at(2, { exact: 'b', normalized: 'nb', simhash: '000000000000000f', nearRun: 2 }),
];
const twelve = Array.from({ length: 12 }, (_, i) => at(i + 1, { exact: `s${i + 1}`, normalized: `m${i + 1}` }));

const VECTORS: Case[] = [
  { name: 'first step with a sketch', history: [], current: fp({ simhash: '00000000000000ff' }), step: 1, params: P },
  { name: 'first step without a sketch', history: [], current: fp({}), step: 1, params: P },
  { name: 'exact vs previous', history: [at(4, { exact: 'e1', normalized: 'n1' })], current: fp({ exact: 'e1', normalized: 'n1' }), step: 5, params: P },
  { name: 'normalized vs previous', history: [at(4, { exact: 'e1', normalized: 'n1' })], current: fp({ exact: 'e2', normalized: 'n1' }), step: 5, params: P },
  { name: 'cycle, most recent match first', history: cycleHistory, current: fp({ exact: 'a', normalized: 'na' }), step: 4, params: P },
  { name: 'cycle outside a narrow window', history: cycleHistory, current: fp({ exact: 'a' }), step: 4, params: { ...P, window: 2 } },
  { name: 'repeats counted over the window', history: [at(1, { exact: 'a' }), at(2, { exact: 'a' }), at(3, { exact: 'a' })], current: fp({ exact: 'a' }), step: 4, params: P },
  { name: 'near chain flagged', history: nearHistory, current: fp({ exact: 'c', normalized: 'nc', simhash: '00000000000000ff' }), step: 3, params: P },
  { name: 'near chain broken by distance', history: nearHistory, current: fp({ exact: 'c', normalized: 'nc', simhash: '0000000000007fff' }), step: 3, params: P },
  {
    name: 'near chain not through a tool step',
    history: [at(1, { simhash: sketch, nearRun: 2, exact: 'a' }), at(2, { tool: 't', exact: 'b', toolRun: 1 })],
    current: fp({ exact: 'c', simhash: sketch }),
    step: 3,
    params: P,
  },
  {
    name: 'near chain not through a sketch-less step',
    history: [at(1, { simhash: sketch, nearRun: 2, exact: 'a' }), at(2, { simhash: '', exact: 'b' })],
    current: fp({ exact: 'c', simhash: sketch }),
    step: 3,
    params: P,
  },
  { name: 'tool step twice is fine', history: [one], current: fp({ exact: 'x', tool: 't', toolRepeatsInRequest: 1 }), step: 2, params: P },
  { name: 'tool step thrice is a loop', history: [one, second], current: fp({ exact: 'x', tool: 't', toolRepeatsInRequest: 1 }), step: 3, params: P },
  { name: 'another tool exchange restarts', history: [one, second], current: fp({ exact: 'y', tool: 'u', toolRepeatsInRequest: 1 }), step: 3, params: P },
  { name: "the request's own repeats", history: [], current: fp({ tool: 't', toolRepeatsInRequest: 4 }), step: 1, params: P },
  { name: 'beyond the window: no finding', history: twelve, current: fp({ exact: 's2' }), step: 13, params: P },
  { name: 'beyond the window: cycle inside it', history: twelve, current: fp({ exact: 's3' }), step: 13, params: P },
];

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
  const print = (): StepFingerprint => {
    const isTool = rnd() < 0.3;
    return {
      exact: pick(['a', 'b', 'c', 'd', 'e', 'f']),
      normalized: pick(['na', 'nb', 'nc', 'nd']),
      simhash: isTool ? '' : simhash(),
      tool: isTool ? pick(['t1', 't2']) : '',
      toolRepeatsInRequest: isTool ? pick([0, 1, 1, 1, 2, 3, 5]) : 0,
    };
  };
  return Array.from({ length: count }, (_, i) => {
    const params: LoopParams = { window: 2 + int(12), nearMaxDistance: int(16), nearRepeats: 2 + int(4), toolRepeats: 2 + int(4) };
    const n = int(16);
    const history = Array.from({ length: n }, (_, j) => ({ ...print(), step: j + 1, nearRun: int(5), toolRun: int(5) }));
    return { name: `random #${i} (seed ${seed})`, history, current: print(), step: n + 1, params };
  });
}

describeWithRedis('detect_loop (Lua) equals detectLoop', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(() => redis.quit());

  it.each(VECTORS.map((c) => [c.name, c] as const))('core vector: %s', async (_name, c) => {
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
