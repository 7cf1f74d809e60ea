// BENCH_PROFILE=1: runs AgentWall Express under load with --cpu-prof and prints where its CPU time goes.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchConfig } from './config.js';
import { CONTENDERS } from './contenders.js';
import type { LoadResult } from './driver.js';
import { drive, loadJob, startContender, startUpstream } from './harness.js';
import { summarizeProfile } from './profile-top.js';
import { startRedis } from './redis-server.js';
import { SCENARIOS } from './scenarios.js';

/** Profiles each chosen contender (default: AgentWall Express) in the fast and stream scenarios. */
export async function runProfile(cfg: BenchConfig): Promise<void> {
  const dir = path.join(cfg.resultsDir, 'profiles');
  mkdirSync(dir, { recursive: true });
  const ids = cfg.onlyContenders.length > 0 ? cfg.onlyContenders : ['express'];
  const scenarioIds = cfg.onlyScenarios.length > 0 ? cfg.onlyScenarios : ['fast', 'stream'];
  // The Redis contender gets a throwaway redis-server, as in a benchmark run, unless BENCH_REDIS_URL names one.
  const needsRedis = !cfg.redisUrl && ids.some((id) => CONTENDERS.some((c) => c.id === id && c.redis));
  const redis = needsRedis ? await startRedis() : undefined;
  const redisUrl = redis?.url ?? cfg.redisUrl;
  try {
    await profileEach(cfg, dir, ids, scenarioIds, redisUrl);
  } finally {
    redis?.stop();
  }
}

async function profileEach(cfg: BenchConfig, dir: string, ids: string[], scenarioIds: string[], redisUrl: string | undefined): Promise<void> {
  for (const id of ids) {
    const contender = CONTENDERS.find((c) => c.id === id && c.script);
    if (!contender) throw new TypeError(`cannot profile "${id}": not a contender with its own process`);
    for (const scenarioId of scenarioIds) {
      const scenario = SCENARIOS.find((s) => s.id === scenarioId);
      if (!scenario) throw new TypeError(`unknown scenario "${scenarioId}"`);
      const name = `${id}-${scenario.id}.cpuprofile`;
      const upstream = await startUpstream(cfg, scenario);
      // 250 µs sampling: fine enough for functions of a few µs per request, cheap enough not to move the result much.
      const started = await startContender(cfg, contender, upstream, redisUrl, ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`, '--cpu-prof-interval=250']);
      if (!started.ready) {
        await upstream.stop();
        throw new Error(`${id} did not start: ${started.reason}`);
      }
      try {
        if (cfg.warmupS > 0) await drive<LoadResult>(cfg, loadJob(cfg, scenario, contender, started.child.port, cfg.warmupS));
        const load = await drive<LoadResult>(cfg, loadJob(cfg, scenario, contender, started.child.port, cfg.profileDurationS));
        console.log(`[profile ${id} ${scenario.id}] ${load.rps.toFixed(0)} req/s p50 ${load.p50.toFixed(2)} ms under the profiler`);
      } finally {
        await started.child.stop();
        await upstream.stop();
      }
      const summary = summarizeProfile(path.join(dir, name));
      writeFileSync(path.join(dir, `${id}-${scenario.id}.top.txt`), summary);
      console.log(`\n${summary}`);
    }
  }
}
