// SPEC 5, behaviour 10: the real healthy trajectories beside the SPEC, replayed offline through the detector, are never blocked.
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { StepKind } from '../../src/loop/index.js';
import type { ChatRequest } from '../../src/protocols/openai-chat/request.js';
import { fingerprintChat, runTrace } from './helpers.js';

/** Kept beside the repository, never in it: `../shared` from the repository root. */
const TRACES = path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'traces', 'real-agent-traces.jsonl.gz');

type Message = ChatRequest['messages'][number];

/** One trajectory (see traces/README.md): request k is `messages.slice(0, cuts[k - 1])`. */
interface Trajectory {
  id: string;
  group: string;
  format: 'tools' | 'text';
  model: string;
  messages: Message[];
  cuts: number[];
  label: { verdict: string };
}

function load(): Trajectory[] {
  return gunzipSync(fs.readFileSync(TRACES))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Trajectory);
}

/** The requests the agent sent, in order, as the README says to replay them. */
const requests = (t: Trajectory, upTo = t.cuts.length): ChatRequest[] => t.cuts.slice(0, upTo).map((cut) => ({ model: t.model, messages: t.messages.slice(0, cut) }));

/** The same assistant turn with a new thought around its action: the calls or command blocks are untouched. */
function rethought(m: Message, n: number): Message {
  const said = typeof m.content === 'string' ? m.content : '';
  return { ...m, content: `Let me try that once more (attempt ${n}); I am not sure it worked.\n\n${said}` };
}

/** Index (in `cuts`) of the last request whose newest step is an action, or -1. */
function lastAction(t: Trajectory): number {
  for (let k = t.cuts.length - 1; k > 0; k--) if (fingerprintChat({ model: t.model, messages: t.messages.slice(0, t.cuts[k]) }).kind === 'action') return k;
  return -1;
}

/** The messages of the exchange ending request k: its last assistant message and what came back. */
function exchangeOf(t: Trajectory, k: number): Message[] {
  const end = t.cuts[k]!;
  let start = end - 1;
  while (start > 0 && t.messages[start]!.role !== 'assistant') start--;
  return t.messages.slice(start, end);
}

const present = fs.existsSync(TRACES);
if (!present) console.warn(`Skipping the real-trajectory guard: ${TRACES} is not there (it lives in ../shared beside the repository).`);
const describeIfPresent = present ? describe : describe.skip;

describeIfPresent('real agent trajectories (traces/real-agent-traces.jsonl.gz)', () => {
  let trajectories: Trajectory[] = [];
  beforeAll(() => {
    trajectories = load();
  });

  it('holds the 424 healthy trajectories its README describes', () => {
    const groups: Record<string, number> = {};
    for (const t of trajectories) groups[t.group] = (groups[t.group] ?? 0) + 1;
    expect(trajectories).toHaveLength(424);
    expect(groups).toEqual({ 'gemini-mini': 221, 'deepseek-mini': 120, 'tau-bench': 83 });
    expect(trajectories.every((t) => t.label.verdict === 'healthy')).toBe(true);
  });

  it('blocks none of them, at any request', () => {
    const blocked: string[] = [];
    let replayed = 0;
    for (const t of trajectories) {
      const bodies = requests(t);
      replayed += bodies.length;
      const out = runTrace(bodies);
      if (out.caughtAt !== null) blocked.push(`${t.id} at request ${out.caughtAt}/${bodies.length}: ${JSON.stringify(out.finding)}`);
    }
    expect(blocked).toEqual([]);
    expect(replayed).toBeGreaterThan(18_000);
  });

  it("reads each agent's steps as what they are: text agents' fenced commands and tool calls as actions", () => {
    const kinds: Record<string, Record<StepKind, number>> = {};
    for (const t of trajectories) {
      const counts = (kinds[t.group] ??= { prompt: 0, text: 0, action: 0 });
      for (const body of requests(t)) counts[fingerprintChat(body).kind]++;
    }
    // Every trajectory starts with a prompt; the coding agents act at (almost) every later step, by tool call
    // or by a fenced bash block; the airline agent mixes tool calls with talk to the customer.
    for (const [group, n] of Object.entries({ 'gemini-mini': 221, 'deepseek-mini': 120, 'tau-bench': 83 })) expect(kinds[group]!.prompt).toBe(n);
    expect(kinds['gemini-mini']!.action / (kinds['gemini-mini']!.action + kinds['gemini-mini']!.text)).toBeGreaterThan(0.99);
    expect(kinds['deepseek-mini']!.text).toBe(0);
    expect(kinds['tau-bench']!.text).toBeGreaterThan(100);
    expect(kinds['tau-bench']!.action).toBeGreaterThan(100);
  });

  // The guard must be able to fail: the same trajectories with a loop spliced in are caught.
  it('catches each of them once it re-sends its last action with the same observation under new thoughts', () => {
    const missed: string[] = [];
    let tried = 0;
    for (const t of trajectories) {
      const k = lastAction(t);
      // A few airline conversations are talk only: nothing to re-send.
      if (k < 0) continue;
      tried++;
      const exchange = exchangeOf(t, k);
      const history = t.messages.slice(0, t.cuts[k]);
      const again = [...history, rethought(exchange[0]!, 2), ...exchange.slice(1)];
      const thrice = [...again, rethought(exchange[0]!, 3), ...exchange.slice(1)];
      const bodies = [...requests(t, k + 1), { model: t.model, messages: again }, { model: t.model, messages: thrice }];
      const out = runTrace(bodies);
      // The 3rd in a row: the second spliced request, or the first when the agent had already repeated it once.
      if (out.caughtAt === null || out.caughtAt <= k + 1 || out.finding?.loopType !== 'tool_call_repeat') missed.push(`${t.id}: ${JSON.stringify(out)}`);
    }
    expect(missed).toEqual([]);
    expect(tried).toBeGreaterThan(400);
  });

  it('catches each of them once its last two actions repeat whole (A, B, A, B)', () => {
    const missed: string[] = [];
    let tried = 0;
    for (const t of trajectories) {
      const k = lastAction(t);
      if (k < 2 || fingerprintChat({ model: t.model, messages: t.messages.slice(0, t.cuts[k - 1]) }).kind !== 'action') continue;
      const a = exchangeOf(t, k - 1);
      const b = exchangeOf(t, k);
      if (fingerprintChat({ model: t.model, messages: [...a] }).exchange === fingerprintChat({ model: t.model, messages: [...b] }).exchange) continue;
      tried++;
      const history = t.messages.slice(0, t.cuts[k]);
      const plusA = [...history, rethought(a[0]!, 2), ...a.slice(1)];
      const plusB = [...plusA, rethought(b[0]!, 2), ...b.slice(1)];
      const out = runTrace([...requests(t, k + 1), { model: t.model, messages: plusA }, { model: t.model, messages: plusB }]);
      if (out.caughtAt === null || out.caughtAt <= k + 1 || out.finding?.loopType !== 'cycle') missed.push(`${t.id}: ${JSON.stringify(out)}`);
    }
    expect(missed).toEqual([]);
    expect(tried).toBeGreaterThan(350);
  });
});
