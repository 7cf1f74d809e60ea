// What both the benchmark and the profiler do: start the mock and a contender, build load jobs, run the driver.
import path from 'node:path';
import type { BenchConfig } from './config.js';
import type { Contender } from './contenders.js';
import type { LoadJob, SequentialJob } from './driver.js';
import { runJson, startChild, type Child, type StartOutcome } from './processes.js';
import { requestBody, requestHeaders, type Scenario } from './scenarios.js';

export const AGENT_KEY = 'aw-bench-agent-key';
export const UPSTREAM_KEY = 'sk-bench-upstream';

/** Starts the mock LLM of a scenario; it needs tsx because the mock package ships its TypeScript source. */
export async function startUpstream(cfg: BenchConfig, scenario: Scenario): Promise<Child> {
  const u = scenario.upstream;
  const started = await startChild('upstream', ['--import', 'tsx', path.join(cfg.buildDir, 'upstream.js')], {
    cwd: cfg.benchDir,
    env: { MOCK_DELAY_MS: String(u.delayMs), MOCK_CHUNK_DELAY_MS: String(u.chunkDelayMs), MOCK_STREAM_CHUNKS: String(u.streamChunks), MOCK_ANSWER: u.answer },
  });
  if (!started.ready) throw new Error(`the mock LLM did not start: ${started.reason}`);
  return started.child;
}

/** Starts one contender process against the upstream; `nodeArgs` lets the profiler add --cpu-prof. */
export function startContender(cfg: BenchConfig, c: Contender, upstream: Child, redisUrl: string | undefined, nodeArgs: string[] = []): Promise<StartOutcome> {
  // --expose-gc only lets the contender collect before reporting its heap; it changes nothing on the hot path.
  // BENCH_NODE_ARGS: extra node flags for every contender (V8 tracing, heap settings), for investigations.
  const extra = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
  return startChild(c.id, ['--expose-gc', ...extra, ...nodeArgs, path.join(cfg.buildDir, 'contenders', c.script!)], {
    cwd: cfg.benchDir,
    env: {
      BENCH_UPSTREAM_URL: `http://127.0.0.1:${upstream.port}/v1`,
      BENCH_UPSTREAM_KEY: UPSTREAM_KEY,
      BENCH_AGENT_KEY: AGENT_KEY,
      ...(redisUrl ? { BENCH_REDIS_URL: redisUrl } : {}),
      ...(c.options ? { BENCH_AGENTWALL_OPTIONS: JSON.stringify(c.options) } : {}),
    },
  });
}

/** The load job of a contender in a scenario. */
export function loadJob(cfg: BenchConfig, scenario: Scenario, c: Contender, port: number, durationS: number): LoadJob {
  return {
    mode: 'load',
    url: `http://127.0.0.1:${port}${scenario.path}`,
    body: requestBody(c.prompt, scenario),
    headers: requestHeaders(scenario, AGENT_KEY),
    connections: cfg.connections,
    durationS,
  };
}

/** Runs the driver process on a job and returns its result. */
export function drive<T>(cfg: BenchConfig, job: LoadJob | SequentialJob): Promise<T> {
  return runJson<T>('driver', [path.join(cfg.buildDir, 'driver.js'), JSON.stringify(job)], cfg.benchDir);
}

