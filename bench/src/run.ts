// The benchmark: every scenario against every contender, each in its own process, interleaved over rounds; writes results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readConfig, type BenchConfig } from './config.js';
import { CONTENDERS, type Contender } from './contenders.js';
import type { LoadJob, LoadResult, SequentialResult } from './driver.js';
import { drive, loadJob, startContender, startUpstream } from './harness.js';
import { runProfile } from './profile.js';
import type { Child } from './processes.js';
import { startRedis, type BenchRedis } from './redis-server.js';
import { watchCpuNoise } from './cpu-noise.js';
import { codeState, machine, toMarkdown, type BenchReport } from './report.js';
import { checkAnswer, SCENARIOS, type Scenario } from './scenarios.js';
import { summarise, type ContenderRun } from './summary.js';
import { evaluateTargets } from './targets.js';

/** One request through the contender, checked, so a misconfigured contender fails loudly instead of measuring errors. */
async function sanityCheck(scenario: Scenario, c: Contender, job: LoadJob): Promise<string | undefined> {
  const res = await fetch(job.url, { method: 'POST', headers: job.headers, body: job.body });
  const text = await res.text();
  if (res.status !== 200) return `answered ${res.status}: ${text.slice(0, 200)}`;
  const problem = checkAnswer(scenario, text);
  if (problem) return problem;
  // Chat JSON answers carry AgentWall's metadata in the body; the other protocols keep their bodies as the provider's.
  if (!scenario.stream && scenario.protocol.startsWith('chat') && !c.reference && (JSON.parse(text) as { agentwall?: unknown }).agentwall === undefined) {
    return 'no agentwall metadata in the answer';
  }
  return undefined;
}

async function runScenario(cfg: BenchConfig, scenario: Scenario, contenders: Contender[], unavailable: Map<string, string>, redisUrl: string | undefined, redis: BenchRedis | undefined): Promise<ContenderRun[]> {
  const upstream = await startUpstream(cfg, scenario);
  const runs: ContenderRun[] = [];
  const active: Array<{ run: ContenderRun; child?: Child; port: number }> = [];
  try {
    for (const c of contenders) {
      const run: ContenderRun = { contender: c, notes: [], rounds: [], sequential: [] };
      runs.push(run);
      if (unavailable.has(c.id)) {
        run.skipped = unavailable.get(c.id)!;
        continue;
      }
      if (!c.script) {
        run.notes.push('no proxy: the load goes straight to the mock LLM');
        active.push({ run, port: upstream.port });
        continue;
      }
      const started = await startContender(cfg, c, upstream, redisUrl);
      if (!started.ready) {
        run.skipped = started.reason;
        continue;
      }
      run.notes.push(...started.child.notes);
      active.push({ run, child: started.child, port: started.child.port });
    }
    for (const a of [...active]) {
      const problem = await sanityCheck(scenario, a.run.contender, loadJob(cfg, scenario, a.run.contender, a.port, 0));
      if (!problem) continue;
      a.run.skipped = `failed its sanity check: ${problem}`;
      await a.child?.stop();
      active.splice(active.indexOf(a), 1);
    }
    if (cfg.warmupS > 0) {
      for (const a of active) await drive<LoadResult>(cfg, loadJob(cfg, scenario, a.run.contender, a.port, cfg.warmupS));
    }
    for (let round = 0; round < cfg.rounds; round += 1) {
      // Rotating the order keeps any contender from always running first or last in a round.
      const order = active.map((_, i) => active[(i + round) % active.length]!);
      for (const a of order) {
        const c = a.run.contender;
        const job = loadJob(cfg, scenario, c, a.port, cfg.durationS);
        const onRedis = c.redis === true ? redis : undefined;
        const redisBefore = onRedis ? { cpu: onRedis.cpuUs(), commands: await onRedis.commands() } : undefined;
        const cpuBefore = a.child?.cpuUs();
        const load = await drive<LoadResult>(cfg, job);
        const cpuAfter = a.child?.cpuUs();
        // The contender's own CPU per answered request: what a request costs it, whatever the machine's other load.
        load.cpuUsPerRequest = cpuBefore !== undefined && cpuAfter !== undefined && load.responses > 0 ? (cpuAfter - cpuBefore) / load.responses : Number.NaN;
        if (onRedis && redisBefore && load.responses > 0) {
          // Redis runs on the same two cores, so its CPU is part of what a request costs the machine.
          const cpu = onRedis.cpuUs();
          load.redisCpuUsPerRequest = cpu !== undefined && redisBefore.cpu !== undefined ? (cpu - redisBefore.cpu) / load.responses : Number.NaN;
          load.redisCommandsPerRequest = ((await onRedis.commands()) - redisBefore.commands) / load.responses;
        }
        a.run.rounds.push(load);
        let line = `[${scenario.id} ${round + 1}/${cfg.rounds}] ${c.id.padEnd(16)} ${load.rps.toFixed(0).padStart(6)} req/s  p50 ${load.p50.toFixed(2)} ms  p99 ${load.p99.toFixed(2)} ms  CPU ${load.cpuUsPerRequest.toFixed(0)} µs/req`;
        if (load.non2xx + load.errors > 0) line += `  (${load.non2xx} non-2xx, ${load.errors} errors)`;
        // Behind a delayed upstream each request takes the delay, so fewer keep the run short.
        const count = scenario.upstream.delayMs > 0 ? Math.min(cfg.seqRequests, 50) : cfg.seqRequests;
        const seq = await drive<SequentialResult>(cfg, { mode: 'sequential', url: job.url, body: job.body, headers: job.headers, count });
        a.run.sequential.push(seq);
        line += `  1-conn p50 ${seq.p50.toFixed(3)} ms  TTFB ${seq.ttfbP50.toFixed(3)} ms`;
        if (load.redisCommandsPerRequest !== undefined) line += `  Redis ${(load.redisCpuUsPerRequest ?? Number.NaN).toFixed(0)} µs/req, ${load.redisCommandsPerRequest.toFixed(1)} commands/req`;
        console.log(line);
      }
    }
    for (const a of active) {
      const peak = a.child?.peakRss();
      if (peak !== undefined) a.run.peakRssBytes = peak;
      const heap = await a.child?.liveHeap();
      if (heap !== undefined) a.run.liveHeapBytes = heap;
    }
  } finally {
    for (const a of active) await a.child?.stop();
    await upstream.stop();
  }
  return runs;
}

/** Contenders whose package cannot be resolved are skipped up front, so nothing is started for them. */
function unavailableContenders(contenders: Contender[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of contenders) {
    if (!c.requires) continue;
    try {
      import.meta.resolve(c.requires);
    } catch {
      out.set(c.id, `${c.requires} is not installed yet`);
    }
  }
  return out;
}

function pick<T extends { id: string }>(all: T[], only: string[], what: string): T[] {
  const unknown = only.filter((id) => !all.some((x) => x.id === id));
  if (unknown.length > 0) throw new TypeError(`unknown ${what}: ${unknown.join(', ')} (known: ${all.map((x) => x.id).join(', ')})`);
  return only.length === 0 ? all : all.filter((x) => only.includes(x.id));
}

async function main(): Promise<void> {
  const cfg = readConfig();
  if (cfg.profile) return runProfile(cfg);
  const scenarios = pick(SCENARIOS, cfg.onlyScenarios, 'scenario');
  const contenders = pick(CONTENDERS, cfg.onlyContenders, 'contender');
  const started = Date.now();
  const foreignCpu = watchCpuNoise();
  const unavailable = unavailableContenders(contenders);

  let redis: BenchRedis | undefined;
  let redisUrl = cfg.redisUrl;
  if (!redisUrl && contenders.some((c) => c.redis && !unavailable.has(c.id))) {
    try {
      redis = await startRedis();
      redisUrl = redis.url;
    } catch (err) {
      for (const c of contenders) if (c.redis) unavailable.set(c.id, `no Redis: ${String(err)}`);
    }
  }

  const report: BenchReport = {
    startedAt: new Date(started).toISOString(),
    elapsedS: 0,
    machine: machine(),
    code: codeState(path.dirname(cfg.benchDir)),
    foreignCpu: Number.NaN,
    config: { quick: cfg.quick, rounds: cfg.rounds, durationS: cfg.durationS, warmupS: cfg.warmupS, connections: cfg.connections, seqRequests: cfg.seqRequests },
    scenarios: [],
    targets: [],
  };
  const runsByScenario = new Map<string, ContenderRun[]>();
  try {
    for (const scenario of scenarios) {
      console.log(`\n== ${scenario.id}: ${scenario.title}`);
      const here = contenders.filter((c) => !c.scenarios || c.scenarios.includes(scenario.id));
      const runs = await runScenario(cfg, scenario, here, unavailable, redisUrl, redis);
      const s = summarise(runs);
      runsByScenario.set(scenario.id, runs);
      report.scenarios.push({ scenario, summaries: s, runs });
    }
  } finally {
    redis?.stop();
  }
  report.targets = evaluateTargets(runsByScenario);
  report.elapsedS = (Date.now() - started) / 1000;
  report.foreignCpu = foreignCpu();

  const name = cfg.quick ? 'quick' : 'latest';
  mkdirSync(cfg.resultsDir, { recursive: true });
  const markdown = toMarkdown(report);
  writeFileSync(path.join(cfg.resultsDir, `${name}.md`), markdown);
  writeFileSync(path.join(cfg.resultsDir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n${markdown}\nwritten: results/${name}.md, results/${name}.json`);
}

await main();
