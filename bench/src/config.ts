// Benchmark settings read once from BENCH_* environment variables, with the quick-run presets.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Everything a run needs to know, resolved from the environment. */
export interface BenchConfig {
  quick: boolean;
  profile: boolean;
  rounds: number;
  durationS: number;
  warmupS: number;
  connections: number;
  /** Requests per sequential (one connection) measurement; fewer behind a delayed upstream, where each takes the delay. */
  seqRequests: number;
  profileDurationS: number;
  /** Contender and scenario ids to run; empty means all. */
  onlyContenders: string[];
  onlyScenarios: string[];
  /** An existing Redis for the Redis-store contender; otherwise the bench starts redis-server itself. */
  redisUrl: string | undefined;
  /** bench/ (the package root), so paths work from the compiled copy too. */
  benchDir: string;
  /** Where the compiled scripts live; child processes run from here. */
  buildDir: string;
  resultsDir: string;
}

function numberFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new TypeError(`${name} must be a number >= ${min}, got "${raw}"`);
  return value;
}

function listFromEnv(env: NodeJS.ProcessEnv, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Finds bench/ by walking up from this file, which runs both from src/ and from the compiled copy. */
function findBenchDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (path.basename(dir) !== 'bench' && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** Reads the configuration; throws `TypeError` naming a bad variable. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const quick = env['BENCH_QUICK'] === '1';
  const benchDir = findBenchDir();
  return {
    quick,
    profile: env['BENCH_PROFILE'] === '1',
    rounds: numberFromEnv(env, 'BENCH_ROUNDS', quick ? 2 : 3, 1),
    durationS: numberFromEnv(env, 'BENCH_DURATION_S', quick ? 1 : 5, 0.5),
    warmupS: numberFromEnv(env, 'BENCH_WARMUP_S', quick ? 0.5 : 1.5, 0),
    connections: numberFromEnv(env, 'BENCH_CONNECTIONS', 50, 1),
    seqRequests: numberFromEnv(env, 'BENCH_SEQ_REQUESTS', quick ? 50 : 200, 1),
    profileDurationS: numberFromEnv(env, 'BENCH_PROFILE_DURATION_S', quick ? 3 : 15, 1),
    onlyContenders: listFromEnv(env, 'BENCH_CONTENDERS'),
    onlyScenarios: listFromEnv(env, 'BENCH_SCENARIOS'),
    redisUrl: env['BENCH_REDIS_URL'] || undefined,
    benchDir,
    buildDir: path.join(benchDir, 'node_modules', '.cache', 'agentwall-bench'),
    resultsDir: path.join(benchDir, 'results'),
  };
}
