// The performance targets of issue 21, each adapter against its own framework's floor, evaluated from a run's raw rounds.
import type { ContenderRun } from './summary.js';
import { median, pairedMedian } from './stats.js';

export interface TargetResult {
  target: string;
  measured: string;
  status: 'met' | 'not met' | 'not evaluated';
}

/** One contender measured against a reference contender of the same scenario. */
interface Target {
  target: string;
  scenario: string;
  contender: string;
  reference: string;
  /** The compared value from the two rows (NaN: not measurable here). */
  value: (run: ContenderRun, ref: ContenderRun) => number;
  pass: (v: number) => boolean;
  format: (v: number, run: ContenderRun, ref: ContenderRun) => string;
}

const MIB = 2 ** 20;
const ratio = (a: number, b: number): number => a / b;
const diff = (a: number, b: number): number => a - b;

/** req/s over the reference's in the same round, median over rounds: a noisy round moves both alike. */
function rpsRatio(min: number): Pick<Target, 'value' | 'pass' | 'format'> {
  return {
    value: (run, ref) =>
      pairedMedian(
        run.rounds.map((r) => r.rps),
        ref.rounds.map((r) => r.rps),
        ratio,
      ),
    pass: (v) => v >= min,
    format: (v, run, ref) => `${v.toFixed(2)}× (${median(run.rounds.map((r) => r.rps)).toFixed(0)} against ${median(ref.rounds.map((r) => r.rps)).toFixed(0)} req/s)`,
  };
}

/** Milliseconds added one request at a time (no queueing), whole response or first byte, paired per round. */
function addedMs(pick: 'p50' | 'ttfbP50', max: number): Pick<Target, 'value' | 'pass' | 'format'> {
  return {
    value: (run, ref) =>
      pairedMedian(
        run.sequential.map((s) => s[pick]),
        ref.sequential.map((s) => s[pick]),
        diff,
      ),
    pass: (v) => v <= max,
    format: (v, run, ref) => `${v >= 0 ? '+' : ''}${v.toFixed(3)} ms (${median(run.sequential.map((s) => s[pick])).toFixed(3)} against ${median(ref.sequential.map((s) => s[pick])).toFixed(3)} ms)`,
  };
}

/**
 * Peak RSS "store memory aside": what the contender holds after a GC beyond what its floor holds is the
 * MemoryStore's runs (every request is a new run here), so it is taken off the peak before comparing.
 */
function storeAside(run: ContenderRun, ref: ContenderRun): number {
  const peak = run.peakRssBytes ?? Number.NaN;
  const store = Math.max(0, (run.liveHeapBytes ?? Number.NaN) - (ref.liveHeapBytes ?? Number.NaN));
  return Number.isFinite(store) ? peak - store : Number.NaN;
}

const rssRatio: Pick<Target, 'value' | 'pass' | 'format'> = {
  value: (run, ref) => storeAside(run, ref) / (ref.peakRssBytes ?? Number.NaN),
  pass: (v) => v <= 1.3,
  format: (v, run, ref) =>
    `${v.toFixed(2)}× (${(storeAside(run, ref) / MIB).toFixed(0)} MiB store aside, ${((run.peakRssBytes ?? Number.NaN) / MIB).toFixed(0)} MiB with it, against ${((ref.peakRssBytes ?? Number.NaN) / MIB).toFixed(0)} MiB)`,
};

/** Issue 21: stated for 2 cores, 50 connections and an upstream without delay. */
export const TARGETS: Target[] = [
  { target: "AgentWall Express ≥ 0.90 × (b') Express 5 with the floor's handler, req/s", scenario: 'fast', contender: 'express', reference: 'express-floor', ...rpsRatio(0.9) },
  { target: "the example server as `pnpm start` runs it ≥ 0.90 × (b'), req/s", scenario: 'fast', contender: 'example-express', reference: 'express-floor', ...rpsRatio(0.9) },
  { target: "AgentWall Koa ≥ 0.85 × (b'') Koa with the floor's handler, req/s", scenario: 'fast', contender: 'koa', reference: 'koa-floor', ...rpsRatio(0.85) },
  { target: 'AgentWall on bare node:http ≥ 0.85 × the floor, req/s', scenario: 'fast', contender: 'node', reference: 'floor', ...rpsRatio(0.85) },
  { target: 'Redis store ≥ 0.75 × the memory store, both in Express, req/s', scenario: 'fast', contender: 'express-redis', reference: 'express', ...rpsRatio(0.75) },
  { target: "Express: added latency one request at a time ≤ 0.15 ms over (b'), JSON", scenario: 'fast', contender: 'express', reference: 'express-floor', ...addedMs('p50', 0.15) },
  { target: "Express: added time to first byte one request at a time ≤ 0.15 ms over (b'), streamed", scenario: 'stream', contender: 'express', reference: 'express-floor', ...addedMs('ttfbP50', 0.15) },
  { target: "Koa: added latency one request at a time ≤ 0.15 ms over (b''), JSON", scenario: 'fast', contender: 'koa', reference: 'koa-floor', ...addedMs('p50', 0.15) },
  { target: "Koa: added time to first byte one request at a time ≤ 0.15 ms over (b''), streamed", scenario: 'stream', contender: 'koa', reference: 'koa-floor', ...addedMs('ttfbP50', 0.15) },
  { target: 'bare node:http: added latency one request at a time ≤ 0.15 ms over the floor, JSON', scenario: 'fast', contender: 'node', reference: 'floor', ...addedMs('p50', 0.15) },
  { target: 'bare node:http: added time to first byte one request at a time ≤ 0.15 ms over the floor, streamed', scenario: 'stream', contender: 'node', reference: 'floor', ...addedMs('ttfbP50', 0.15) },
  { target: "Express: peak RSS under load ≤ 1.3 × (b')'s, store memory aside", scenario: 'fast', contender: 'express', reference: 'express-floor', ...rssRatio },
  { target: "Koa: peak RSS under load ≤ 1.3 × (b'')'s, store memory aside", scenario: 'fast', contender: 'koa', reference: 'koa-floor', ...rssRatio },
  { target: "bare node:http: peak RSS under load ≤ 1.3 × the floor's, store memory aside", scenario: 'fast', contender: 'node', reference: 'floor', ...rssRatio },
];

function unusable(run: ContenderRun | undefined, id: string, scenario: string): string | undefined {
  if (!run) return `${id} not run in ${scenario}`;
  if (run.skipped) return `${id} skipped: ${run.skipped}`;
  const failures = run.rounds.reduce((n, r) => n + r.non2xx + r.errors, 0) + run.sequential.reduce((n, s) => n + s.failures, 0);
  return failures > 0 ? `${id}: ${failures} failed requests` : undefined;
}

/**
 * Evaluates every target from the raw rounds of each scenario; one whose rows did not run, were skipped
 * or had failed requests is not evaluated.
 *
 * @example
 * evaluateTargets(new Map([['fast', runs]])) // [{ target: 'AgentWall Express ≥ 0.90 × …', measured: '0.86× (…)', status: 'not met' }, …]
 */
export function evaluateTargets(runsByScenario: Map<string, ContenderRun[]>): TargetResult[] {
  return TARGETS.map((t) => {
    const runs = runsByScenario.get(t.scenario) ?? [];
    const run = runs.find((r) => r.contender.id === t.contender);
    const ref = runs.find((r) => r.contender.id === t.reference);
    const problem = unusable(run, t.contender, t.scenario) ?? unusable(ref, t.reference, t.scenario);
    if (problem || !run || !ref) return { target: t.target, measured: problem ?? 'not run', status: 'not evaluated' };
    const v = t.value(run, ref);
    if (!Number.isFinite(v)) return { target: t.target, measured: 'not measurable in this run', status: 'not evaluated' };
    return { target: t.target, measured: t.format(v, run, ref), status: t.pass(v) ? 'met' : 'not met' };
  });
}
