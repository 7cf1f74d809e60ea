// RedisStore and MemoryStore fed the same random operations: every verdict, run and usage figure must be equal.
import {
  DEFAULT_LOOP_PARAMS,
  MemoryStore,
  utcDay,
  utcMonth,
  type AdmitRequest,
  type LoopCheck,
  type RunKey,
  type StepRecord,
  type Store,
} from '@agentwall/core';
import { RedisStore } from '@agentwall/redis';
import { asst, calls, fingerprintChat, req, result, user } from '../../core/test/loop/helpers.js';
import { REDIS_URL, deletePrefix, describeWithRedis, quiet, uniquePrefix } from './redis-available.js';
import { prng } from '../../core/test/support/prng.js';

const prefix = uniquePrefix('parity');

// A small pool, so exact, normalized, cycle, near and tool repeats all happen by chance.
const REPORT = 'Summarize the quarterly sales report for the board meeting and list the three largest risks';
const BODIES = [
  req(user('hello there, how are you today')),
  req(user('Hello there,   how are you TODAY?')),
  req(user('What is the capital of France and what is its population')),
  req(user(REPORT)),
  req(user(`${REPORT} please`)),
  req(user(`${REPORT} now`)),
  req(user('Write a haiku about autumn leaves falling slowly')),
  req(user('go'), calls({ name: 'get_status', args: '{"job":"b-42"}' }), result('running')),
  req(user('go'), calls({ name: 'get_status', args: '{"job":"b-42"}' }), result('running'), calls({ name: 'get_status', args: '{"job":"b-42"}', id: 'c2' }), result('running', 'c2')),
  req(user('continue'), asst('Here is part one'), user('continue')),
  req(user('continue'), asst('Here is part two'), user('continue')),
];

describeWithRedis('RedisStore behaves as MemoryStore', () => {
  const seen = new Set<string>();
  afterAll(() => deletePrefix(prefix));

  it.each([1, 2, 3, 4])('on 600 random operations (seed %i)', async (seed) => {
    const rnd = prng(seed);
    const int = (n: number): number => Math.floor(rnd() * n);
    const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
    const memory: Store = new MemoryStore();
    const redis: Store = new RedisStore({ url: REDIS_URL, prefix: `${prefix}${seed}:`, logger: quiet });
    const both = async <T>(op: (s: Store) => Promise<T>): Promise<[T, T]> => [await op(memory), await op(redis)];
    const keyIds = ['alpha', 'bravo'];
    const runs: RunKey[] = keyIds.flatMap((keyId) => ['r1', 'r2', 'r3', 'r4'].map((runId) => ({ keyId, runId })));
    const days = ['2026-11-24', '2026-11-25'];
    const TTL = 60_000;
    let now = 1_790_000_000_000;
    try {
      for (let i = 0; i < 600; i++) {
        now += int(300);
        const run = pick(runs);
        const r = rnd();
        if (r < 0.75) {
          const mode = rnd() < 0.04 ? 'kill' : pick(['block', 'warn'] as const);
          const loop: LoopCheck | undefined = rnd() < 0.9 ? { mode, params: { ...DEFAULT_LOOP_PARAMS }, fingerprint: fingerprintChat(pick(BODIES)) } : undefined;
          const day = pick(days);
          const request: AdmitRequest = {
            run,
            now,
            ttlMs: TTL,
            maxSteps: pick([0, 0, 12]),
            ...(rnd() < 0.3 ? { agentId: pick(['planner', 'coder', '']) } : {}),
            ...(rnd() < 0.2 ? { metadata: { n: i, tags: ['a', 'b'], nested: { ok: true } } } : {}),
            ...(rnd() < 0.5 ? { dlp: pick<Record<string, number>>([{}, { email: 1 }, { email: 2, jwt: 1 }, { openai_key: 0 }]) } : {}),
            ...(rnd() < 0.2 ? { maxDurationMs: 20_000 } : {}),
            ...(rnd() < 0.7
              ? {
                  budget: {
                    micros: int(400),
                    day,
                    month: day.slice(0, 7),
                    ...(rnd() < 0.8 ? { runLimitMicros: 2_000 } : {}),
                    ...(rnd() < 0.6 ? { dailyLimitMicros: 6_000 } : {}),
                    ...(rnd() < 0.4 ? { monthlyLimitMicros: 9_000 } : {}),
                  },
                }
              : {}),
            ...(loop ? { loop } : {}),
          };
          const [m, v] = await both((s) => s.admit(request));
          expect({ i, verdict: v }).toStrictEqual({ i, verdict: m });
          seen.add(m.admitted ? (m.loop ? `warned:${m.loop.loopType}` : 'admitted') : m.block === 'loop_detected' ? `${m.block}:${m.finding.loopType}` : m.block);
          if (m.admitted && rnd() < 0.85) {
            const status = pick(['ok', 'ok', 'ok', 'error', 'aborted'] as const);
            const held = request.budget?.micros ?? 0;
            const record: StepRecord = { step: m.step, model: 'gpt-4o-mini', status, stream: rnd() < 0.5, costMicros: int(held + 1), estimated: false, latencyMs: 12.5, at: now };
            const reservation = request.budget ? { micros: held, day: request.budget.day, month: request.budget.month } : undefined;
            const [ms, vs] = await both((s) => s.settle({ run, now: now + 1, ttlMs: TTL, record, ...(reservation ? { reservation } : {}) }));
            expect({ i, settled: vs }).toStrictEqual({ i, settled: ms });
          }
        } else if (r < 0.85) {
          const [m, v] = await both((s) => s.recordBlocked(run, { at: now, type: 'dlp_blocked' }, now, TTL));
          expect(v).toStrictEqual(m);
        } else if (r < 0.87) {
          const target = { ...run, runId: pick([run.runId, 'never-seen']) };
          const [m, v] = await both((s) => s.killRun(target, 'stopped by test', now, TTL));
          expect({ i, killed: v }).toStrictEqual({ i, killed: m });
        } else {
          const [m, v] = await both((s) => s.getRun(run));
          expect({ i, run: v }).toStrictEqual({ i, run: m });
        }
      }
      for (const run of runs) {
        const [m, v] = await both((s) => s.getRun(run));
        expect(v).toStrictEqual(m);
      }
      for (const keyId of keyIds) {
        for (const day of [...days, utcDay(now)]) {
          const [m, v] = await both((s) => s.getUsage(keyId, day, utcMonth(Date.parse(day))));
          expect(v).toStrictEqual(m);
        }
      }
    } finally {
      await memory.close();
      await redis.close();
    }
  });

  it('reached every branch of admit (agreement proves little otherwise)', () => {
    expect([...seen].filter((s) => !s.includes(':')).sort()).toEqual(['admitted', 'budget_exceeded', 'run_duration_exceeded', 'run_killed', 'step_limit_exceeded']);
    for (const loopType of ['exact_repeat', 'normalized_repeat', 'cycle', 'near_repeat', 'tool_call_repeat']) expect(seen).toContain(`loop_detected:${loopType}`);
    expect([...seen].some((s) => s.startsWith('warned:'))).toBe(true);
  });
});
