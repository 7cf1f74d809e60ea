// One measurement in its own process, so the load generator never shares a CPU queue with a contender: prints JSON.
import http from 'node:http';
import autocannon from 'autocannon';
import { percentile } from './stats.js';

/** A load run with autocannon: fixed connections for a fixed time. */
export interface LoadJob {
  mode: 'load';
  url: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
  durationS: number;
}

/** Requests one at a time on one kept-alive socket: latency without queueing, and time to first body byte. */
export interface SequentialJob {
  mode: 'sequential';
  url: string;
  body: string;
  headers: Record<string, string>;
  count: number;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Every response of the run, the first 0.5 s included: what the contender's CPU time is divided by. */
  responses: number;
  /** The contender's CPU time (user + system) over the run divided by `responses`, in µs; set by the orchestrator, NaN where unknown. */
  cpuUsPerRequest?: number;
  /** The Redis-store contender only, on a redis-server the bench started: the server's CPU and commands per request. */
  redisCpuUsPerRequest?: number;
  redisCommandsPerRequest?: number;
}

export interface SequentialResult {
  /** Whole response, request write to last byte. */
  p50: number;
  p90: number;
  /** Request write to first body byte. */
  ttfbP50: number;
  ttfbP90: number;
  ok: number;
  failures: number;
}

async function load(job: LoadJob): Promise<LoadResult> {
  // autocannon's own histogram keeps whole milliseconds; sub-millisecond differences are the point here.
  const latencies: number[] = [];
  let responses = 0;
  // Each run opens fresh connections; their set-up would otherwise be the p99 of short runs.
  const skipMs = Math.min(500, job.durationS * 200);
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url: job.url, method: 'POST', headers: job.headers, body: job.body, connections: job.connections, duration: job.durationS, timeout: 10 },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      responses += 1;
      if (statusCode >= 200 && statusCode < 300 && performance.now() - started >= skipMs) latencies.push(responseTime);
    });
  });
  const mean = latencies.reduce((a, b) => a + b, 0) / (latencies.length || 1);
  return {
    rps: latencies.length / (job.durationS - skipMs / 1000),
    p50: percentile(latencies, 0.5),
    p90: percentile(latencies, 0.9),
    p99: percentile(latencies, 0.99),
    mean,
    ok: latencies.length,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    responses,
  };
}

/** One request on a kept-alive socket; resolves ms from write to first body byte and to the end, or NaN. */
function timed(url: URL, job: SequentialJob, agent: http.Agent): Promise<{ first: number; total: number }> {
  const failed = { first: Number.NaN, total: Number.NaN };
  return new Promise((resolve) => {
    let started = 0;
    let first = Number.NaN;
    const req = http.request(url, { method: 'POST', headers: { ...job.headers, 'content-length': Buffer.byteLength(job.body) }, agent }, (res) => {
      res.once('data', () => {
        first = performance.now() - started;
      });
      res.on('end', () => resolve(res.statusCode === 200 ? { first, total: performance.now() - started } : failed));
      res.on('error', () => resolve(failed));
      res.resume();
    });
    req.once('error', () => resolve(failed));
    started = performance.now();
    req.end(job.body);
  });
}

async function sequential(job: SequentialJob): Promise<SequentialResult> {
  const url = new URL(job.url);
  // One socket, reused: connection set-up would otherwise be most of what is measured.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < 5; i += 1) await timed(url, job, agent);
  const firsts: number[] = [];
  const totals: number[] = [];
  let failures = 0;
  for (let i = 0; i < job.count; i += 1) {
    const t = await timed(url, job, agent);
    if (Number.isNaN(t.total)) {
      failures += 1;
      continue;
    }
    firsts.push(t.first);
    totals.push(t.total);
  }
  agent.destroy();
  return {
    p50: percentile(totals, 0.5),
    p90: percentile(totals, 0.9),
    ttfbP50: percentile(firsts, 0.5),
    ttfbP90: percentile(firsts, 0.9),
    ok: totals.length,
    failures,
  };
}

const job = JSON.parse(process.argv[2] ?? '{}') as LoadJob | SequentialJob;
const out = job.mode === 'load' ? await load(job) : await sequential(job);
process.stdout.write(`result ${JSON.stringify(out)}\n`);
