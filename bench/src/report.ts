// Renders a run as the Markdown table and the JSON file under results/.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchConfig } from './config.js';
import type { Scenario } from './scenarios.js';
import type { ContenderRun, Summary } from './summary.js';
import type { TargetResult } from './targets.js';

/** A finished run, as written to latest.json. */
export interface BenchReport {
  startedAt: string;
  elapsedS: number;
  machine: { node: string; cpus: string; cores: number; platform: string; memoryGiB: number };
  /** The commit measured, and whether packages/ had uncommitted changes (the built dist is what ran). */
  code: string;
  /** Share of the machine's CPU time used by processes outside the bench during the run (NaN: unknown). */
  foreignCpu: number;
  config: Pick<BenchConfig, 'quick' | 'rounds' | 'durationS' | 'warmupS' | 'connections' | 'seqRequests'>;
  scenarios: Array<{ scenario: Scenario; summaries: Summary[]; runs: ContenderRun[] }>;
  targets: TargetResult[];
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** True when some package's src/ changed after its dist/ was built: then the numbers are not the source's. */
function distIsStale(repoRoot: string): boolean {
  const packages = path.join(repoRoot, 'packages');
  return readdirSync(packages).some((name) => {
    const dist = path.join(packages, name, 'dist', 'index.js');
    return existsSync(dist) && newestMtime(path.join(packages, name, 'src')) > statSync(dist).mtimeMs;
  });
}

/** The commit under test; packages/ may carry work in progress, and the dist built from it is what ran. */
export function codeState(repoRoot: string): string {
  const stale = distIsStale(repoRoot) ? '; **a packages/*/dist is older than its src: rebuild before trusting these numbers**' : '';
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
    const changed = git('status', '--porcelain', '--', 'packages').split('\n').filter((l) => l.trim() !== '').length;
    return `${git('rev-parse', '--short', 'HEAD')}${changed > 0 ? ` with ${changed} uncommitted changes in packages/` : ''}${stale}`;
  } catch {
    return `unknown (no git)${stale}`;
  }
}

/** The machine the numbers belong to. */
export function machine(): BenchReport['machine'] {
  const cpus = os.cpus();
  return {
    node: process.version,
    cpus: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    platform: `${os.platform()} ${os.release()}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

const dash = '—';
const num = (v: number, digits: number): string => (Number.isFinite(v) ? v.toFixed(digits) : dash);
const signed = (v: number): string => (Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${v.toFixed(2)}` : dash);
const times = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}×` : dash);
const mb = (bytes: number): string => (Number.isFinite(bytes) ? (bytes / 2 ** 20).toFixed(1) : dash);

interface Column {
  head: string;
  cell: (s: Summary) => string;
}

function columns(ttfb: boolean): Column[] {
  return [
    { head: 'req/s', cell: (s) => num(s.rps, 0) },
    { head: '× floor', cell: (s) => times(s.rpsVsBaseline) },
    { head: '× own floor', cell: (s) => (s.ownFloor !== s.baseline ? `${times(s.rpsVsOwnFloor)} (${s.ownFloor})` : dash) },
    { head: 'p50 ms', cell: (s) => num(s.p50, 2) },
    { head: 'p99 ms', cell: (s) => num(s.p99, 2) },
    { head: '+p50 vs floor', cell: (s) => signed(s.p50AddedVsBaseline) },
    { head: '+p99 vs floor', cell: (s) => signed(s.p99AddedVsBaseline) },
    { head: '+p50 vs direct', cell: (s) => signed(s.p50AddedVsDirect) },
    { head: '1-conn p50 ms', cell: (s) => num(s.seqP50, 2) },
    { head: '+1-conn vs floor', cell: (s) => signed(s.seqAddedVsBaseline) },
    ...(ttfb
      ? [
          { head: 'TTFB p50 ms', cell: (s: Summary) => num(s.ttfbP50, 2) },
          { head: '+TTFB vs floor', cell: (s: Summary) => signed(s.ttfbAddedVsBaseline) },
        ]
      : []),
    { head: 'CPU µs/req', cell: (s) => num(s.cpuUsPerRequest, 0) },
    { head: '+CPU vs floor', cell: (s) => (Number.isFinite(s.cpuAddedVsBaseline) ? `${s.cpuAddedVsBaseline >= 0 ? '+' : ''}${s.cpuAddedVsBaseline.toFixed(0)}` : dash) },
    { head: 'peak RSS MiB', cell: (s) => (Number.isFinite(s.rssVsBaseline) && s.id !== s.baseline ? `${mb(s.peakRssBytes)} (${times(s.rssVsBaseline)})` : mb(s.peakRssBytes)) },
    { head: 'heap after GC MiB', cell: (s) => mb(s.liveHeapBytes) },
  ];
}

function table(summaries: Summary[], ttfb: boolean): string[] {
  const cols = columns(ttfb);
  const lines = [`| contender | ${cols.map((c) => c.head).join(' | ')} | notes |`, `|---|${'---:|'.repeat(cols.length)}---|`];
  for (const s of summaries) {
    if (s.skipped) {
      lines.push(`| ${s.label} | ${cols.map(() => dash).join(' | ')} | skipped: ${s.skipped} |`);
      continue;
    }
    const redis = Number.isFinite(s.redisCommandsPerRequest)
      ? [`redis-server: ${num(s.redisCpuUsPerRequest, 0)} µs CPU and ${s.redisCommandsPerRequest.toFixed(1)} commands per request, on the same cores, not in the CPU column`]
      : [];
    const notes = [...(s.failures > 0 ? [`**${s.failures} failed requests: row invalid**`] : []), ...s.notes, ...redis];
    lines.push(`| ${s.label} | ${cols.map((c) => c.cell(s)).join(' | ')} | ${notes.join('; ')} |`);
  }
  return lines;
}

/** The report as Markdown: one table per scenario, then the targets. */
export function toMarkdown(r: BenchReport): string {
  const m = r.machine;
  const c = r.config;
  const lines = [
    `# AgentWall benchmark${c.quick ? ' (quick smoke run: numbers are indicative only)' : ''}`,
    '',
    `${r.startedAt}, ${r.elapsedS.toFixed(0)} s. Node ${m.node} on ${m.cores} × ${m.cpus} (${m.platform}, ${m.memoryGiB} GiB). Code: ${r.code}.`,
    `${c.rounds} rounds × ${c.durationS} s per contender and scenario, interleaved, after ${c.warmupS} s of warm-up each; ` +
      `${c.connections} connections; then ${c.seqRequests} requests one at a time on one connection per round (50 behind the delayed upstream). ` +
      'The first 0.5 s of each run (connection set-up) is not counted. ' +
      'Every number is the median over rounds; "vs floor" numbers are paired per round with the floor at the same prompt size.',
    '',
    'Columns: req/s; × floor = req/s ratio to the floor; × own floor = req/s ratio to the floor of the row\'s own framework (the floor\'s handler in Express or Koa), paired per round; p50/p99 latency in ms under load; +p50/+p99 = ms added over the floor; ' +
      '+p50 vs direct = ms added over calling the upstream directly; 1-conn = the same request sent one at a time (no queueing); ' +
      'TTFB = request write to first body byte, one at a time; ' +
      'CPU µs/req = the contender process\'s CPU time (user + system, from /proc) during the load run divided by the responses it gave, and +CPU = what that adds over the floor\'s ' +
      '(it does not depend on how much CPU the other processes got, though a throttled machine raises it too); peak RSS in MiB (VmHWM, garbage included, × the floor\'s); ' +
      'heap after GC = what the process holds at the end of the scenario (AgentWall: every run in its store).',
    ...(Number.isFinite(r.foreignCpu)
      ? [
          `Other processes used ${(r.foreignCpu * 100).toFixed(1)}% of the machine's CPU during the run` +
            (r.foreignCpu > 0.05 ? ': **the machine was not quiet; treat these numbers with suspicion and run again**.' : '.'),
        ]
      : []),
    'AgentWall rows run AgentWall\'s defaults except `maxSteps: 0` and `maxRunCostUsd: null`; their notes say whether DLP and loop detection were on.',
  ];
  for (const { scenario, summaries } of r.scenarios) {
    lines.push('', `## ${scenario.id}: ${scenario.title}`, '', ...table(summaries, scenario.showTtfb));
  }
  lines.push('', '## Targets', '');
  if (c.connections !== 50) lines.push(`The targets are stated for 50 connections; this run used ${c.connections}.`, '');
  lines.push('| target | measured | status |', '|---|---|---|');
  for (const t of r.targets) lines.push(`| ${t.target} | ${t.measured} | ${t.status === 'met' ? 'met' : `**${t.status}**`} |`);
  return `${lines.join('\n')}\n`;
}
