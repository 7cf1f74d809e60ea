// Turns raw rounds into the numbers of the table: medians across rounds, paired with the same round's baselines.
import type { Contender } from './contenders.js';
import type { LoadResult, SequentialResult } from './driver.js';
import { median, pairedMedian } from './stats.js';

/** Everything measured for one contender in one scenario. */
export interface ContenderRun {
  contender: Contender;
  /** Set when the contender did not run, with why. */
  skipped?: string;
  notes: string[];
  rounds: LoadResult[];
  sequential: SequentialResult[];
  peakRssBytes?: number;
  liveHeapBytes?: number;
}

/** One row of the table. NaN marks a number that does not apply or could not be measured. */
export interface Summary {
  id: string;
  label: string;
  skipped?: string;
  notes: string[];
  reference: boolean;
  baseline: string;
  rps: number;
  rpsVsBaseline: number;
  /** The contender's own framework floor (`frameworkFloor`, else the baseline) and req/s against it, paired per round. */
  ownFloor: string;
  rpsVsOwnFloor: number;
  p50: number;
  p99: number;
  p50AddedVsBaseline: number;
  p99AddedVsBaseline: number;
  p50AddedVsDirect: number;
  /** One connection, one request at a time: what a request costs without queueing. */
  seqP50: number;
  seqAddedVsBaseline: number;
  ttfbP50: number;
  ttfbAddedVsBaseline: number;
  /** The contender process's CPU time per request under load, and what it adds over the baseline's. */
  cpuUsPerRequest: number;
  cpuAddedVsBaseline: number;
  /** The Redis row on the bench's own redis-server: that server's CPU and commands per request (NaN elsewhere). */
  redisCpuUsPerRequest: number;
  redisCommandsPerRequest: number;
  peakRssBytes: number;
  rssVsBaseline: number;
  liveHeapBytes: number;
  /** Responses that were not 2xx, and connection errors, over all rounds: anything but 0 invalidates the row. */
  failures: number;
}

const ratio = (a: number, b: number): number => a / b;
const diff = (a: number, b: number): number => a - b;

/** Summarises every contender of a scenario against its baseline and the direct call. */
export function summarise(runs: ContenderRun[]): Summary[] {
  const byId = new Map(runs.map((r) => [r.contender.id, r]));
  const direct = byId.get('direct');
  return runs.map((run) => {
    const c = run.contender;
    const base = byId.get(c.baseline);
    const ownFloorId = c.frameworkFloor ?? c.baseline;
    const own = byId.get(ownFloorId);
    const baseOk = base !== undefined && !base.skipped;
    // The direct call carries the small prompt only, so it is no reference for the 32 KiB rows.
    const directOk = direct !== undefined && !direct.skipped && c.prompt === direct.contender.prompt;
    const load = (r: ContenderRun | undefined, pick: (l: LoadResult) => number): number[] => (r ? r.rounds.map(pick) : []);
    const seq = (r: ContenderRun | undefined, pick: (s: SequentialResult) => number): number[] => (r ? r.sequential.map(pick) : []);
    const vsBase = (a: number[], b: number[], f: (x: number, y: number) => number): number => (baseOk ? pairedMedian(a, b, f) : Number.NaN);
    const peak = run.peakRssBytes ?? Number.NaN;
    return {
      id: c.id,
      label: c.label,
      ...(run.skipped !== undefined ? { skipped: run.skipped } : {}),
      notes: run.notes,
      reference: c.reference === true,
      baseline: c.baseline,
      rps: median(load(run, (l) => l.rps)),
      rpsVsBaseline: vsBase(load(run, (l) => l.rps), load(base, (l) => l.rps), ratio),
      ownFloor: ownFloorId,
      rpsVsOwnFloor: own !== undefined && !own.skipped ? pairedMedian(load(run, (l) => l.rps), load(own, (l) => l.rps), ratio) : Number.NaN,
      p50: median(load(run, (l) => l.p50)),
      p99: median(load(run, (l) => l.p99)),
      p50AddedVsBaseline: vsBase(load(run, (l) => l.p50), load(base, (l) => l.p50), diff),
      p99AddedVsBaseline: vsBase(load(run, (l) => l.p99), load(base, (l) => l.p99), diff),
      p50AddedVsDirect: directOk ? pairedMedian(load(run, (l) => l.p50), load(direct, (l) => l.p50), diff) : Number.NaN,
      seqP50: median(seq(run, (s) => s.p50)),
      seqAddedVsBaseline: vsBase(seq(run, (s) => s.p50), seq(base, (s) => s.p50), diff),
      ttfbP50: median(seq(run, (s) => s.ttfbP50)),
      ttfbAddedVsBaseline: vsBase(seq(run, (s) => s.ttfbP50), seq(base, (s) => s.ttfbP50), diff),
      cpuUsPerRequest: median(load(run, (l) => l.cpuUsPerRequest ?? Number.NaN)),
      cpuAddedVsBaseline: vsBase(load(run, (l) => l.cpuUsPerRequest ?? Number.NaN), load(base, (l) => l.cpuUsPerRequest ?? Number.NaN), diff),
      redisCpuUsPerRequest: median(load(run, (l) => l.redisCpuUsPerRequest ?? Number.NaN)),
      redisCommandsPerRequest: median(load(run, (l) => l.redisCommandsPerRequest ?? Number.NaN)),
      peakRssBytes: peak,
      rssVsBaseline: baseOk && base.peakRssBytes ? peak / base.peakRssBytes : Number.NaN,
      liveHeapBytes: run.liveHeapBytes ?? Number.NaN,
      failures: run.rounds.reduce((n, r) => n + r.non2xx + r.errors, 0) + run.sequential.reduce((n, s) => n + s.failures, 0),
    };
  });
}
