// What AgentWall's core costs per request in CPU, in one process: no sockets, no other process, no framework.
//
// The upstream is a Dispatcher that replays the answer the mock LLM gave once per scenario, so the loop measures
// AgentWall's own work (auth, parsing, guards, the store, the upstream call's bookkeeping, the answer's usage and
// metadata, the stream relay) and nothing of the kernel's. Each round runs AgentWall and, beside it, a harness-only
// loop (the same request objects, the body read, the canned answer returned), whose cost is subtracted. Rounds are
// interleaved, medians reported. CPU time, not wall time: another process on the machine slows the loop down
// but barely moves its CPU per request, which is what this number is for (A/B of one change at a time).
//
// Run: npx --yes pnpm@10 --filter @agentwall/bench core-cost   (CORE_COST_ROUNDS, CORE_COST_REQUESTS, CORE_COST_SCENARIOS,
// CORE_COST_PROFILE=1 to profile the AgentWall loops alone with --cpu-prof: see the script in package.json)
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { createAgentWall, type CoreRequest, type CoreResponse } from '@agentwall/core/node';
import { startMockLlm } from '@agentwall/mock-llm';
import { Dispatcher } from 'undici';
import { agentwallOptionsFor } from './contenders/agentwall-options.js';
import { SCENARIOS, requestBody, requestHeaders, type Scenario } from './scenarios.js';
import { median } from './stats.js';

const AGENT_KEY = 'aw-core-cost-agent-key';
const UPSTREAM = 'http://upstream.core-cost';

interface Canned {
  status: number;
  rawHeaders: Buffer[];
  /** The answer as the mock wrote it; streams are replayed one SSE event per chunk, as a socket would deliver them. */
  chunks: Buffer[];
}

/** Replays one canned answer per upstream path, asynchronously, as the legacy handler API undici's `request()` uses expects. */
class CannedUpstream extends Dispatcher {
  constructor(private readonly answers: Map<string, Canned>) {
    super();
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const answer = this.answers.get(opts.path.replace(/^\/v1/, ''));
    const h = handler as unknown as {
      onConnect(abort: (err?: Error) => void): void;
      onHeaders(status: number, raw: Buffer[], resume: () => void, text: string): boolean;
      onData(chunk: Buffer): boolean;
      onComplete(trailers: Buffer[]): void;
      onError(err: Error): void;
    };
    let aborted = false;
    h.onConnect(() => {
      aborted = true;
    });
    setImmediate(() => {
      if (aborted) return;
      if (!answer) return h.onError(new Error(`no canned answer for ${opts.path}`));
      h.onHeaders(answer.status, answer.rawHeaders, () => undefined, 'OK');
      for (const chunk of answer.chunks) h.onData(chunk);
      h.onComplete([]);
    });
    return true;
  }

  override close(): Promise<void> {
    return Promise.resolve();
  }

  override destroy(): Promise<void> {
    return Promise.resolve();
  }
}

/** Asks the mock LLM once per scenario and keeps its answer. */
async function cannedAnswers(scenarios: Scenario[]): Promise<Map<string, Map<string, Canned>>> {
  const byScenario = new Map<string, Map<string, Canned>>();
  for (const s of scenarios) {
    const mock = await startMockLlm({ port: 0, host: '127.0.0.1', streamChunks: s.upstream.streamChunks, answer: s.upstream.answer });
    try {
      const res = await fetch(`http://127.0.0.1:${mock.port}${s.path}`, { method: 'POST', headers: requestHeaders(s, 'sk-x'), body: requestBody('small', s) });
      const text = Buffer.from(await res.arrayBuffer());
      const rawHeaders: Buffer[] = [];
      res.headers.forEach((v, k) => {
        if (k === 'content-length' || k === 'transfer-encoding' || k === 'connection' || k === 'keep-alive') return;
        rawHeaders.push(Buffer.from(k), Buffer.from(v));
      });
      const chunks = s.stream ? splitEvents(text) : [text];
      byScenario.set(s.id, new Map([[s.path.replace(/^\/v1/, ''), { status: res.status, rawHeaders, chunks }]]));
    } finally {
      await mock.close();
    }
  }
  return byScenario;
}

function splitEvents(text: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (let at = text.indexOf('\n\n'); at !== -1; at = text.indexOf('\n\n', from)) {
    out.push(text.subarray(from, at + 2));
    from = at + 2;
  }
  if (from < text.length) out.push(text.subarray(from));
  return out;
}

/** The client-gone signal of a request whose client never leaves. */
class Gone extends EventEmitter {
  aborted = false;
}

function coreRequest(s: Scenario, body: Buffer, headers: Record<string, string>): CoreRequest {
  return { method: 'POST', path: s.path, query: '', headers: { ...headers, 'content-length': String(body.length) }, body: { kind: 'stream', stream: Readable.from([body]) }, signal: new Gone() };
}

function drain(r: CoreResponse | undefined): Promise<void> {
  const stream = r?.stream;
  if (!stream) return Promise.resolve();
  return new Promise((resolve, reject) => {
    stream.on('data', () => undefined);
    stream.once('end', resolve);
    stream.once('error', reject);
  });
}

/** The harness alone: the body read as AgentWall reads it, the canned answer returned. */
async function harnessOnly(req: CoreRequest, answer: Canned): Promise<void> {
  const stream = (req.body as { stream: Readable }).stream;
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  JSON.parse(Buffer.concat(parts).toString('utf8'));
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (answer.chunks.length > 1) await drain({ status: 200, headers: {}, stream: Readable.from(answer.chunks) });
}

async function loop(count: number, concurrency: number, one: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  let left = count;
  const worker = async (): Promise<void> => {
    while (left-- > 0) await one();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

const env = process.env;
const rounds = Number(env['CORE_COST_ROUNDS'] ?? 5);
const requests = Number(env['CORE_COST_REQUESTS'] ?? 4000);
const profileOnly = env['CORE_COST_PROFILE'] === '1';
// AgentWall options over the contenders' shared ones, e.g. {"dlp":false} to see what a guard costs.
const extraOptions = JSON.parse(env['CORE_COST_OPTIONS'] || '{}') as Record<string, unknown>;
const wanted = (env['CORE_COST_SCENARIOS'] ?? 'fast,stream,chat-long,responses,responses-stream,messages-stream,embeddings').split(',');
const scenarios = wanted.map((id) => {
  const s = SCENARIOS.find((x) => x.id === id);
  if (!s) throw new TypeError(`unknown scenario "${id}"; known: ${SCENARIOS.map((x) => x.id).join(', ')}`);
  return s;
});

const canned = await cannedAnswers(scenarios);
/** Per scenario: one request through AgentWall, one through the harness alone, and the rounds' CPU per request of each. */
const loops = new Map<string, { send: () => Promise<void>; harness: () => Promise<void>; aw: number[]; bare: number[] }>();
for (const s of scenarios) {
  const answers = canned.get(s.id)!;
  const answer = [...answers.values()][0]!;
  const aw = createAgentWall(agentwallOptionsFor({ agentKey: AGENT_KEY, upstreamUrl: `${UPSTREAM}/v1`, upstreamKey: 'sk-core-cost', dispatcher: new CannedUpstream(answers), ...extraOptions }));
  const body = Buffer.from(requestBody('small', s));
  const headers = requestHeaders(s, AGENT_KEY);
  const send = async (): Promise<void> => {
    const r = await aw.handle(coreRequest(s, body, headers));
    if (!r || r.status !== 200) throw new Error(`${s.id}: AgentWall answered ${r?.status}: ${String(r?.body)}`);
    await drain(r);
  };
  const harness = (): Promise<void> => harnessOnly(coreRequest(s, body, headers), answer);
  // Warm-up: the JIT and the store's caches settle before anything is counted.
  await loop(Math.min(requests, 2000), 16, send);
  await loop(Math.min(requests, 2000), 16, harness);
  loops.set(s.id, { send, harness, aw: [], bare: [] });
}

for (let r = 0; r < rounds; r++) {
  for (const l of loops.values()) {
    l.aw.push(await loop(requests, 16, l.send));
    if (!profileOnly) l.bare.push(await loop(requests, 16, l.harness));
  }
}

console.log(`core cost per request, CPU µs (median of ${rounds} rounds × ${requests} requests, 16 in flight; harness subtracted)`);
console.log('| scenario | AgentWall + harness | harness | AgentWall |');
console.log('|---|---:|---:|---:|');
const out: Record<string, number> = {};
for (const [id, l] of loops) {
  const a = median(l.aw);
  const h = profileOnly ? 0 : median(l.bare);
  out[id] = a - h;
  console.log(`| ${id} | ${a.toFixed(1)} | ${h.toFixed(1)} | ${(a - h).toFixed(1)} |`);
}
if (env['CORE_COST_JSON']) console.log(JSON.stringify(out));
process.exit(0);
