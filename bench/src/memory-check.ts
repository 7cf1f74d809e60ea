// Store-level memory check: a million distinct runs through the default MemoryStore must leave the heap flat past its bound.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_LOOP_PARAMS, chatLoopView, fingerprintView, MemoryStore, type AdmitRequest, type StepRecord } from '@agentwall/express';
import { readConfig } from './config.js';

const TOTAL_RUNS = 1_000_000;
const SAMPLE_EVERY = 100_000;
/** MemoryStore's documented default bound. */
const MAX_RUNS = 100_000;
/** What one run holding one step may cost in heap, LRU bookkeeping included; generous, so only a leak fails it. */
const BUDGET_PER_RUN = 2048;
/** How much the heap may move once every slot has been reused: V8's own bookkeeping, nothing that scales with runs. */
const FLAT_SLACK = 4 * 2 ** 20;
const TTL_MS = 86_400_000;

interface Sample {
  pushed: number;
  held: number;
  heapUsed: number;
  rss: number;
}

/** One way of pushing runs through the store. */
interface Pass {
  title: string;
  admit(i: number, now: number): AdmitRequest;
  record(now: number): StepRecord;
}

const PASSES: Pass[] = [
  {
    title: 'The store API as the benchmark issue states it: no loop fingerprint, a minimal step record',
    admit: (i, now) => ({ run: { keyId: 'k', runId: `r${i}` }, now, ttlMs: TTL_MS, maxSteps: 0 }),
    record: (now) => ({ step: 1, model: 'gpt-4o-mini', status: 'ok', stream: false, costMicros: 10, estimated: false, latencyMs: 1, at: now }),
  },
  {
    // What handleChatCompletion hands the store for a one-step run with the defaults (loop detection on, DLP on).
    title: 'As the chat pipeline admits with the defaults: loop fingerprint, DLP counts, token usage',
    admit: (i, now) => ({
      run: { keyId: 'k', runId: `run_${i.toString(16).padStart(32, '0')}` },
      now,
      ttlMs: TTL_MS,
      maxSteps: 0,
      dlp: {},
      loop: {
        fingerprint: fingerprintView(chatLoopView({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Plan step ${i} of the migration` }] })),
        params: DEFAULT_LOOP_PARAMS,
        mode: 'block',
      },
    }),
    record: (now) => ({
      step: 1,
      model: 'gpt-4o-mini',
      status: 'ok',
      httpStatus: 200,
      stream: false,
      promptTokens: 12,
      completionTokens: 17,
      cachedTokens: 0,
      reasoningTokens: 0,
      costMicros: 12,
      estimated: false,
      latencyMs: 3.2,
      at: now,
    }),
  },
];

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (pnpm --filter @agentwall/bench memory does)');

function sample(pushed: number, held: number): Sample {
  // Twice, so objects freed by the first collection's finalisers are gone too.
  gc!();
  gc!();
  const m = process.memoryUsage();
  return { pushed, held, heapUsed: m.heapUsed, rss: m.rss };
}

const mib = (b: number): string => (b / 2 ** 20).toFixed(1);
// Rounded first, so a few stray bytes do not print as "-0.0".
const signedMib = (b: number): string => {
  const v = Number((b / 2 ** 20).toFixed(1));
  return `${v > 0 ? '+' : ''}${v === 0 ? '0.0' : v.toFixed(1)}`;
};

async function runPass(pass: Pass): Promise<{ lines: string[]; ok: boolean }> {
  const store = new MemoryStore();
  const baseline = sample(0, 0);
  const samples: Sample[] = [];
  const started = Date.now();
  for (let i = 1; i <= TOTAL_RUNS; i += 1) {
    const now = Date.now();
    const admit = pass.admit(i, now);
    await store.admit(admit);
    await store.settle({ run: admit.run, now, ttlMs: TTL_MS, record: pass.record(now) });
    if (i % SAMPLE_EVERY === 0) samples.push(sample(i, store.size));
  }
  const elapsedS = (Date.now() - started) / 1000;
  await store.close();

  const full = samples.find((s) => s.pushed >= MAX_RUNS)!;
  // The first eviction cycle grows the LRU's own tables once; flatness is judged from when every slot has been reused.
  const turned = samples.find((s) => s.pushed >= 2 * MAX_RUNS)!;
  const bound = baseline.heapUsed + MAX_RUNS * BUDGET_PER_RUN;
  const peakHeap = Math.max(...samples.map((s) => s.heapUsed));
  const drift = Math.max(...samples.filter((s) => s.pushed > turned.pushed).map((s) => s.heapUsed)) - turned.heapUsed;
  const withinBound = peakHeap <= bound;
  const flat = drift <= FLAT_SLACK;
  const heldCapped = samples.every((s) => s.held === Math.min(s.pushed, MAX_RUNS));
  const perRun = (full.heapUsed - baseline.heapUsed) / MAX_RUNS;

  const lines = [
    `## ${pass.title}`,
    '',
    `${TOTAL_RUNS.toLocaleString('en')} runs in ${elapsedS.toFixed(1)} s.`,
    '',
    '| runs pushed | runs held | heapUsed MiB | Δ heap vs previous sample | RSS MiB |',
    '|---:|---:|---:|---:|---:|',
    `| 0 | 0 | ${mib(baseline.heapUsed)} | | ${mib(baseline.rss)} |`,
    ...samples.map((s, i) => {
      const delta = s.heapUsed - (samples[i - 1] ?? baseline).heapUsed;
      return `| ${s.pushed.toLocaleString('en')} | ${s.held.toLocaleString('en')} | ${mib(s.heapUsed)} | ${signedMib(delta)} | ${mib(s.rss)} |`;
    }),
    '',
    `- Heap per held run (store full): ${perRun.toFixed(0)} bytes.`,
    `- Bound: baseline + ${MAX_RUNS.toLocaleString('en')} runs × ${BUDGET_PER_RUN} bytes = ${mib(bound)} MiB; peak heap ${mib(peakHeap)} MiB: ${withinBound ? 'within' : '**exceeded**'}.`,
    `- Runs held never exceed the bound: ${heldCapped ? 'yes' : '**no**'}.`,
    `- First eviction cycle (${full.pushed.toLocaleString('en')} to ${turned.pushed.toLocaleString('en')} runs): heap ${signedMib(turned.heapUsed - full.heapUsed)} MiB, once.`,
    `- Heap drift from ${turned.pushed.toLocaleString('en')} to ${TOTAL_RUNS.toLocaleString('en')} runs: ${signedMib(drift)} MiB (allowed ${mib(FLAT_SLACK)} MiB): ${flat ? '**flat**' : '**not flat**'}.`,
  ];
  return { lines, ok: withinBound && flat && heldCapped };
}

const lines = [
  '# MemoryStore memory check',
  '',
  `${new Date().toISOString()}, Node ${process.version}. ${TOTAL_RUNS.toLocaleString('en')} distinct runs (one admit and one settle each) ` +
    `through \`new MemoryStore()\` (default bound ${MAX_RUNS.toLocaleString('en')} runs), twice; heap and RSS sampled after a full GC every ` +
    `${SAMPLE_EVERY.toLocaleString('en')} runs. RSS is for information only: V8 keeps heap pages it once grew into, so RSS does not fall back after collections.`,
];
let ok = true;
for (const pass of PASSES) {
  const result = await runPass(pass);
  lines.push('', ...result.lines);
  ok &&= result.ok;
}
lines.push('', `Verdict: ${ok ? '**flat and within bound**' : '**not flat or over bound**'}.`);
const markdown = `${lines.join('\n')}\n`;
const { resultsDir } = readConfig();
mkdirSync(resultsDir, { recursive: true });
writeFileSync(path.join(resultsDir, 'memory.md'), markdown);
console.log(`${markdown}\nwritten: results/memory.md`);
if (!ok) process.exitCode = 1;
