// Measures what fingerprinting costs per request on long histories (50 turns; tool, text and chat agents), now and, given an older tree, before.
//
//   npx tsx packages/core/test/loop/fingerprint-cost.ts
//   git archive <commit> packages/core/src | tar -x -C /tmp/old
//   npx tsx packages/core/test/loop/fingerprint-cost.ts /tmp/old/packages/core/src/loop/index.ts
//
// The second form also times that tree's `fingerprintRequest(body)` (the API before the protocol-neutral
// view) on the same bodies, round for round with the current code. A measurement, not a test: numbers depend on the machine, so nothing asserts them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { fingerprintView } from '../../src/loop/index.js';
import { chatLoopView } from '../../src/protocols/openai-chat/loop-view.js';

type Body = { model: string; messages: Array<Record<string, unknown>> };

// Run by tsx as an ES module (the package's type), so no __dirname.
const HERE = path.dirname(fileURLToPath(import.meta.url));
const TRACES = path.resolve(HERE, '..', '..', '..', '..', '..', 'shared', 'traces', 'real-agent-traces.jsonl.gz');
const TURNS = 50;

/** Deterministic filler text: `n` words from a small vocabulary, as code and shell output look. */
function words(seed: number, n: number): string {
  const vocab = ['the', 'parser', 'returns', 'None', 'when', 'header', 'rows', 'are', 'missing', 'so', 'I', 'will', 'check', 'file', 'line', 'class', 'def', 'self', 'value', 'error', 'test', 'output', 'table', 'write', 'format', 'column', 'width', 'import', 'from', 'astropy'];
  let x = seed >>> 0;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out.push(vocab[x % vocab.length]! + (x % 7 === 0 ? String(x % 1000) : ''));
  }
  return out.join(' ');
}

const SYSTEM = { role: 'system', content: `You are a helpful assistant that can interact with a computer shell to solve programming tasks. ${words(1, 80)}` };
const TASK = { role: 'user', content: `<pr_description>\n${words(2, 350)}\n</pr_description>` };

/** A tool-calling coding agent: a short thought, one bash call and a 250-word output per turn. */
function toolAgent(): Body {
  const messages: Array<Record<string, unknown>> = [SYSTEM, TASK];
  for (let t = 0; t < TURNS; t++) {
    const id = `call_${t}_abcdefghijklmnop`;
    const command = `grep -n "${words(200 + t, 2)}" astropy/io/ascii/core.py | head -40`;
    messages.push({ role: 'assistant', content: `Let me look at the next part. ${words(100 + t, 30)}`, tool_calls: [{ id, type: 'function', function: { name: 'bash', arguments: JSON.stringify({ command }) } }] });
    messages.push({ role: 'tool', tool_call_id: id, content: `<returncode>0</returncode>\n<output>\n${words(300 + t, 250)}\n</output>` });
  }
  return { model: 'deepseek-chat', messages };
}

/** A ReAct text agent: a 60-word thought and a fenced bash command per turn, the output as a user message. */
function textAgent(): Body {
  const messages: Array<Record<string, unknown>> = [SYSTEM, TASK];
  for (let t = 0; t < TURNS; t++) {
    messages.push({ role: 'assistant', content: `THOUGHT: ${words(100 + t, 60)}\n\n\`\`\`bash\nsed -n '${t * 10},${t * 10 + 40}p' astropy/io/ascii/core.py\n\`\`\`` });
    messages.push({ role: 'user', content: `<returncode>0</returncode>\n<output>\n${words(300 + t, 250)}\n</output>` });
  }
  return { model: 'gemini-3-pro', messages };
}

/** A conversation in prose: a 120-word reply and a 40-word question per turn. */
function chat(): Body {
  const messages: Array<Record<string, unknown>> = [SYSTEM, TASK];
  for (let t = 0; t < TURNS; t++) {
    messages.push({ role: 'assistant', content: words(100 + t, 120) });
    messages.push({ role: 'user', content: words(300 + t, 40) });
  }
  return { model: 'gpt-4o', messages };
}

/** CPU time (user and system) of this process in µs: on a shared machine, time spent waiting for a core is not counted. */
function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** CPU µs per call over one round of at least 20 ms. */
function round(fn: () => unknown): number {
  let calls = 0;
  const start = cpuMicros();
  let elapsed = 0;
  while (elapsed < 20_000) {
    for (let i = 0; i < 50; i++) fn();
    calls += 50;
    elapsed = cpuMicros() - start;
  }
  return elapsed / calls;
}

/** CPU µs per request of one pass over every request of every real trajectory (each replayed as sent). */
function pass(fn: (body: Body) => unknown, bodies: readonly Body[]): number {
  const start = cpuMicros();
  for (const b of bodies) fn(b);
  return (cpuMicros() - start) / bodies.length;
}

/** Bodies as a server gets them: parsed from JSON, so strings and objects are what `JSON.parse` makes. */
const parsed = (body: Body): Body => JSON.parse(JSON.stringify(body)) as Body;

function realBodies(): Body[] | undefined {
  if (!fs.existsSync(TRACES)) return undefined;
  const trajectories = gunzipSync(fs.readFileSync(TRACES)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Body & { cuts: number[] });
  return trajectories.flatMap((t) => t.cuts.map((cut) => ({ model: t.model, messages: t.messages.slice(0, cut) })));
}

const stats = (xs: number[]): string => {
  const sorted = [...xs].sort((a, b) => a - b);
  return `${sorted[0]!.toFixed(2)} µs (median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)})`;
};

/**
 * Each contender's rounds alternate with the other's, so that both meet the same load on a shared machine;
 * the fastest round is the closest to the code's own cost (other work only ever adds time), the median says
 * how steady it was. CPU time, not wall time: time spent waiting for a core is not counted.
 */
async function main(): Promise<void> {
  const contenders: Array<[string, (body: Body) => unknown]> = [['now: fingerprintView(chatLoopView(body))', (body) => fingerprintView(chatLoopView(body))]];
  const before = process.argv[2];
  if (before !== undefined) {
    const old = (await import(path.resolve(before))) as { fingerprintRequest: (body: Body) => unknown };
    contenders.unshift([`before: fingerprintRequest(body) from ${before}`, (body) => old.fingerprintRequest(body)]);
  }
  const workloads: Array<[string, Body]> = [
    ['tool agent, 50 turns', parsed(toolAgent())],
    ['text agent, 50 turns', parsed(textAgent())],
    ['chat in prose, 50 turns', parsed(chat())],
  ];
  const ROUNDS = 25;
  for (const [name, body] of workloads) {
    console.log(`${name} (${JSON.stringify(body).length} bytes of JSON, ${body.messages.length} messages)`);
    const results = contenders.map((): number[] => []);
    for (const [, fn] of contenders) for (let i = 0; i < 3000; i++) fn(body);
    for (let r = 0; r < ROUNDS; r++) contenders.forEach(([, fn], i) => results[i]!.push(round(() => fn(body))));
    contenders.forEach(([label], i) => console.log(`  ${label.padEnd(60)} ${stats(results[i]!)}`));
  }
  const real = realBodies();
  if (real === undefined) {
    console.log(`real trajectories: skipped, ${TRACES} is absent`);
    return;
  }
  console.log(`real trajectories: every request of all of them (${real.length}), mean per request`);
  const results = contenders.map((): number[] => []);
  for (const [, fn] of contenders) pass(fn, real);
  for (let r = 0; r < 7; r++) contenders.forEach(([, fn], i) => results[i]!.push(pass(fn, real)));
  contenders.forEach(([label], i) => console.log(`  ${label.padEnd(60)} ${stats(results[i]!)}`));
}

void main();
