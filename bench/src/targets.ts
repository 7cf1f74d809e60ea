// The performance targets of the benchmark issue, evaluated against a run's summaries.
import type { Summary } from './summary.js';

export interface TargetResult {
  target: string;
  measured: string;
  status: 'met' | 'not met' | 'not evaluated';
}

interface Target {
  target: string;
  scenario: string;
  contender: string;
  value: (s: Summary) => number;
  pass: (v: number) => boolean;
  format: (v: number) => string;
  /** Context printed after the measured value. */
  detail?: (s: Summary) => string;
}

const pct = (v: number): string => `${(v * 100).toFixed(0)}% of floor`;
const ms = (v: number): string => `${v >= 0 ? '+' : ''}${v.toFixed(2)} ms`;

/** Stated for 2 cores, 50 connections and an upstream without delay. */
const TARGETS: Target[] = [
  { target: 'AgentWall Express (memory) ≥ 60% of floor req/s', scenario: 'fast', contender: 'express', value: (s) => s.rpsVsBaseline, pass: (v) => v >= 0.6, format: pct },
  {
    target: 'AgentWall Express p50 added over floor ≤ 1 ms',
    scenario: 'fast',
    contender: 'express',
    value: (s) => s.p50AddedVsBaseline,
    pass: (v) => v <= 1,
    format: ms,
    // Under 50 saturating connections p50 is mostly queueing (≈ connections / req/s); one at a time it is the request's own cost.
    detail: (s) => `one request at a time: ${ms(s.seqAddedVsBaseline)}`,
  },
  { target: 'AgentWall Express streaming TTFB within 1 ms of floor', scenario: 'stream', contender: 'express', value: (s) => s.ttfbAddedVsBaseline, pass: (v) => v <= 1, format: ms },
  { target: 'AgentWall Express on Redis ≥ 40% of floor req/s', scenario: 'fast', contender: 'express-redis', value: (s) => s.rpsVsBaseline, pass: (v) => v >= 0.4, format: pct },
];

/** Evaluates every target; one whose scenario or contender did not run, or failed requests, is not evaluated. */
export function evaluateTargets(summaries: Map<string, Summary[]>): TargetResult[] {
  return TARGETS.map((t) => {
    const s = summaries.get(t.scenario)?.find((x) => x.id === t.contender);
    if (!s) return { target: t.target, measured: `${t.contender} not run in ${t.scenario}`, status: 'not evaluated' };
    if (s.skipped) return { target: t.target, measured: `skipped: ${s.skipped}`, status: 'not evaluated' };
    if (s.failures > 0) return { target: t.target, measured: `${s.failures} failed requests`, status: 'not evaluated' };
    const v = t.value(s);
    if (!Number.isFinite(v)) return { target: t.target, measured: 'no baseline in this run', status: 'not evaluated' };
    return { target: t.target, measured: `${t.format(v)}${t.detail ? ` (${t.detail(s)})` : ''}`, status: t.pass(v) ? 'met' : 'not met' };
  });
}
