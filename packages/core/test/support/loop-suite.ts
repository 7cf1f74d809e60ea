// Loop detection through real HTTP (SPEC section 5), run by every adapter on each store: each behaviour is its own test.
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import request from 'supertest';
import type { AgentWallOptions } from '@agentwall/core';
import type { MockLlm } from '@agentwall/mock-llm';
import { RedisStore } from '@agentwall/redis';
import { REDIS_URL, deletePrefix, describeWithRedis, quiet, uniquePrefix } from '../../../redis/test/redis-available.js';
import { KEY_A, KEY_B, appPool, startMock, type AppFactory, type RunningApp } from './harness.js';

type Msg = Record<string, unknown>;
const user = (content: string): Msg => ({ role: 'user', content });
const assistant = (content: string): Msg => ({ role: 'assistant', content });
const toolCall = (id: string, name: string, args: unknown): Msg => ({
  role: 'assistant',
  content: null,
  tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }],
});
const toolResult = (id: string, content: string): Msg => ({ role: 'tool', tool_call_id: id, content });
/** A text agent's turn: a thought, then one fenced bash command; and what its environment answers. */
const agentTurn = (thought: string, command: string): Msg => assistant(`THOUGHT: ${thought}\n\n\`\`\`bash\n${command}\n\`\`\``);
const output = (text: string): Msg => user(`<returncode>0</returncode>\n<output>\n${text}\n</output>`);

/** The real trajectories beside the SPEC (never copied into the repository): `../shared` from the repository root. */
const TRACES = path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'traces', 'real-agent-traces.jsonl.gz');
interface Trajectory {
  id: string;
  group: string;
  model: string;
  messages: Msg[];
  cuts: number[];
  stats: { repeats_within_10: number };
}
/** Per group, the shortest trajectory that re-runs an earlier command with the same output within 10 steps (a single recurrence). */
function sampleTrajectories(): Trajectory[] {
  const all = gunzipSync(fs.readFileSync(TRACES))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Trajectory);
  const picked = new Map<string, Trajectory>();
  for (const t of all) {
    if (t.stats.repeats_within_10 === 0) continue;
    const best = picked.get(t.group);
    if (!best || t.cuts.length < best.cuts.length) picked.set(t.group, t);
  }
  return [...picked.values()];
}

/**
 * The loop suite on the memory store and, when a Redis is reachable (required in CI), on the Redis store:
 * the decision runs in TypeScript in one, in the Lua port inside the admit script in the other.
 */
export function loopSuite(factory: AppFactory): void {
  loopSuiteOn(factory, 'memory store', describe, () => ({}));
  const prefix = uniquePrefix('loop-suite');
  // A store per app, as the memory store is: apps of one suite must not share runs. AgentWall does not
  // close a store it was given, so the suite does.
  const stores: RedisStore[] = [];
  const redisStore = (): Partial<AgentWallOptions> => {
    const store = new RedisStore({ url: REDIS_URL, prefix: `${prefix}${stores.length + 1}:`, logger: quiet });
    stores.push(store);
    return { store };
  };
  loopSuiteOn(factory, 'Redis store', describeWithRedis, redisStore, async () => {
    for (const store of stores.splice(0)) await store.close();
    await deletePrefix(prefix);
  });
}

function loopSuiteOn(
  factory: AppFactory,
  storeName: string,
  describeOn: (name: string, fn: () => void) => void,
  storeOptions: () => Partial<AgentWallOptions>,
  cleanup: () => Promise<void> = async () => undefined,
): void {
  describeOn(`${factory.name}, ${storeName}: loop detection`, () => {
    let mock: MockLlm;
    let app: RunningApp;
    const pool = appPool(factory, () => mock);
    const make = (extra: Partial<AgentWallOptions> = {}) => pool.make({ ...storeOptions(), ...extra });
    const closeAll = async () => {
      await pool.closeAll();
      await cleanup();
    };
    const send = (runId: string, messages: Msg[], key = KEY_A, on: RunningApp = app) =>
      request(on.server).post('/v1/chat/completions').set('Authorization', `Bearer ${key}`).send({ model: 'gpt-4o-mini', messages, agentwall_run_id: runId });
    const forwarded = () => mock.requests.filter((r) => r.path.endsWith('/chat/completions')).length;

    beforeAll(async () => {
      mock = await startMock();
      app = await make();
    });
    afterEach(() => mock.reset());
    afterAll(async () => {
      await closeAll();
      await mock.close();
    });

    it('1. blocks the same request sent again at the 2nd request, with the SPEC 429 body', async () => {
      expect((await send('exact', [user('Hello')])).status).toBe(200);
      const before = forwarded();
      const res = await send('exact', [user('Hello')]);
      expect(res.status).toBe(429);
      expect(res.headers['x-should-retry']).toBe('false');
      const E = { type: 'loop_detected', code: 'loop_detected', param: null, run_id: 'exact', step: 2, steps: 1, loop_type: 'exact_repeat', confidence: 1, matched_step: 1 };
      expect(res.body.error).toMatchObject(E);
      expect(res.body.detail.error).toEqual(res.body.error);
      expect(forwarded()).toBe(before);
    });

    it('2. blocks a repeat that differs only in case, whitespace or trailing punctuation', async () => {
      expect((await send('norm', [user('Summarize the quarterly report.')])).status).toBe(200);
      const res = await send('norm', [user('  summarize   the QUARTERLY report!! ')]);
      expect(res.status).toBe(429);
      expect(res.body.error).toMatchObject({ loop_type: 'normalized_repeat', matched_step: 1 });
    });

    it('3. blocks a cycle A, B, A, B at the 4th request; A, B, A passes', async () => {
      expect((await send('cycle', [user('Check the build status')])).status).toBe(200);
      expect((await send('cycle', [user('Open the deployment log')])).status).toBe(200);
      expect((await send('cycle', [user('Check the build status')])).status).toBe(200);
      const res = await send('cycle', [user('Open the deployment log')]);
      expect(res.status).toBe(429);
      expect(res.body.error).toMatchObject({ loop_type: 'cycle', matched_step: 2, step: 4, steps: 3, repeats: 2 });
    });

    it('3. blocks a tool-call cycle (book, think, book, think) at its 4th step', async () => {
      const book = (i: number) => [toolCall(`b${i}`, 'book_reservation', { flight: 'HAT170', payment: 'gift_card_7' }), toolResult(`b${i}`, 'Error: payment amount does not add up')];
      const think = (i: number) => [toolCall(`t${i}`, 'think', { thought: 'The total must match; book again.' }), toolResult(`t${i}`, '')];
      let history: Msg[] = [user('Book HAT170 for me.')];
      for (const turn of [book(1), think(1), book(2)]) {
        history = [...history, ...turn];
        expect((await send('book', history)).status).toBe(200);
      }
      const res = await send('book', [...history, ...think(2)]);
      expect(res.status).toBe(429);
      expect(res.body.error).toMatchObject({ loop_type: 'cycle', step: 4, matched_step: 2 });
    });

    it('3. never blocks a single recurrence: run the script, edit, run it again with the same output', async () => {
      const run = [agentTurn('Run the reproduction script.', 'python reproduce.py'), output('AssertionError: expected 3, got 2')];
      const steps = [run, [agentTurn('Add a debug print.', "sed -i '12a print(n)' counter.py"), output('')], run, [agentTurn('Restore.', 'git checkout counter.py'), output('')], run];
      let history: Msg[] = [user('Fix the off-by-one in counter.py.')];
      for (const turn of steps) {
        history = [...history, ...turn];
        expect((await send('recur', history)).status).toBe(200);
      }
    });

    it("4. never blocks a growing conversation (the guide's Step 1 then Step 2)", async () => {
      const step1 = [user('Analyze this data: [1,2,3,4,5]')];
      const r1 = await send('grow', step1);
      expect(r1.status).toBe(200);
      const r2 = await send('grow', [...step1, assistant(r1.body.choices[0].message.content), user('Now generate a solution')]);
      expect(r2.status).toBe(200);
      expect(r2.body.agentwall).toMatchObject({ step: 2, loop_detected: false });
    });

    it('5. blocks a tool loop (same call, same arguments, same result) at the 3rd repetition', async () => {
      const base: Msg[] = [user('Find the open invoices for ACME')];
      const ex = (i: number) => [toolCall(`c${i}`, 'search_invoices', { customer: 'ACME', status: 'open' }), toolResult(`c${i}`, '[]')];
      expect((await send('tool', [...base, ...ex(1)])).status).toBe(200);
      expect((await send('tool', [...base, ...ex(1), ...ex(2)])).status).toBe(200);
      const res = await send('tool', [...base, ...ex(1), ...ex(2), ...ex(3)]);
      expect(res.status).toBe(429);
      expect(res.body.error).toMatchObject({ loop_type: 'tool_call_repeat', step: 3 });
      // The same call with a different result each time is work, not a loop.
      const poll = (i: number) => [toolCall(`p${i}`, 'job_status', { id: 7 }), toolResult(`p${i}`, `{"progress": ${i * 30}}`)];
      let history: Msg[] = [user('Wait for job 7')];
      for (let i = 1; i <= 4; i++) {
        history = [...history, ...poll(i)];
        expect((await send('poll', history)).status).toBe(200);
      }
    });

    it('5. blocks a text agent re-sending the same fenced command with the same output at the 3rd, whatever its thought', async () => {
      const thoughts = ['Replace the import.', 'The output is empty; apply it again.', 'I am making the same mistake again.'];
      let history: Msg[] = [user('Fix the import in src/app.py.')];
      const results: number[] = [];
      for (const thought of thoughts) {
        history = [...history, agentTurn(thought, "sed -i 's/^import foo$/import bar/' src/app.py"), output('')];
        const res = await send('sed', history);
        results.push(res.status);
        if (res.status === 429) expect(res.body.error).toMatchObject({ loop_type: 'tool_call_repeat', step: 3, repeats: 3 });
      }
      expect(results).toEqual([200, 200, 429]);
    });

    it('6. does not block "continue" turns whose previous assistant reply differs', async () => {
      let history: Msg[] = [user('Write a long story about a lighthouse keeper')];
      for (let i = 1; i <= 4; i++) {
        const r = await send('continue', history);
        expect(r.status).toBe(200);
        history = [...history, assistant(`Part ${i}: the keeper climbs the ${i * 10} stairs and sees ship number ${i}.`), user('continue')];
      }
    });

    it('7. blocks near repeats on the 3rd in a row; a single paraphrase passes', async () => {
      const a = 'Please review the pull request for the payment service and list every security problem you can find in the diff';
      const b = 'Please review the pull request for the payment service and list every security issue you can find in the diff';
      const c = 'Please review the pull request for the payment service and list all security problems you can find in the diff';
      expect((await send('near', [user(a)])).status).toBe(200);
      expect((await send('near', [user(b)])).status).toBe(200);
      const res = await send('near', [user(c)]);
      expect(res.status).toBe(429);
      expect(res.body.error).toMatchObject({ loop_type: 'near_repeat', matched_step: 2 });
      expect(res.body.error.confidence).toBeGreaterThanOrEqual(0.9);
    });

    it('7. never blocks an agent applying one edit to sibling files, each with an empty output', async () => {
      let history: Msg[] = [user('Rename the argument in every writer.')];
      for (const file of ['rst.py', 'fixedwidth.py', 'basic.py', 'html.py']) {
        history = [...history, agentTurn(`Apply the same rename to ${file}.`, `sed -i 's/header_rows=None/header_rows=rows/' astropy/io/ascii/${file}`), output('')];
        expect((await send('siblings', history)).status).toBe(200);
      }
    });

    const trajectories = fs.existsSync(TRACES) ? sampleTrajectories() : [];
    const itWithTraces = trajectories.length > 0 ? it : it.skip;
    itWithTraces(`10. passes real healthy trajectories request by request (${trajectories.map((t) => t.id).join(', ') || `skipped: ${TRACES} is absent`})`, async () => {
      expect(trajectories.map((t) => t.group).sort()).toEqual(['deepseek-mini', 'gemini-mini', 'tau-bench']);
      // Coding agents run past the default step limit of 50; only loops are under test here.
      const unlimited = await make({ maxSteps: 0 });
      for (const t of trajectories) {
        for (let k = 0; k < t.cuts.length; k++) {
          const res = await request(unlimited.server)
            .post('/v1/chat/completions')
            .set('Authorization', `Bearer ${KEY_A}`)
            .send({ model: t.model, messages: t.messages.slice(0, t.cuts[k]), agentwall_run_id: `real-${t.id}`.slice(0, 128).replace(/[^A-Za-z0-9._:-]/g, '_') });
          expect({ id: t.id, request: k + 1, status: res.status, error: res.body.error }).toEqual({ id: t.id, request: k + 1, status: 200, error: undefined });
        }
      }
    });

    it('8. runs and keys never interfere; a blocked request is not forwarded, costs nothing and is recorded', async () => {
      expect((await send('iso-1', [user('Same prompt everywhere')])).status).toBe(200);
      expect((await send('iso-2', [user('Same prompt everywhere')])).status).toBe(200);
      expect((await send('iso-1', [user('Same prompt everywhere')], KEY_B)).status).toBe(200);
      const before = forwarded();
      const blocked = await send('iso-1', [user('Same prompt everywhere')]);
      expect(blocked.status).toBe(429);
      expect(forwarded()).toBe(before);
      const summary = await request(app.server).get('/agentwall/runs/iso-1').set('Authorization', `Bearer ${KEY_A}`);
      expect(summary.body).toMatchObject({ steps: 1, blocked_attempts: 1, reserved_usd: 0 });
      expect(summary.body.cost_usd).toBe(summary.body.step_details[0].cost_usd);
      expect(summary.body.blocked[0]).toMatchObject({ type: 'loop_detected', loop_type: 'exact_repeat' });
    });

    it('9. of 20 identical requests arriving at once in one run, exactly one is forwarded', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, () => send('burst', [user('Do the thing now')])));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 429 && r.body.error.type === 'loop_detected')).toHaveLength(19);
      expect(forwarded()).toBe(1);
    });

    it('lets a retry after an upstream error through', async () => {
      mock.fail({ kind: 'status', status: 503 });
      expect((await send('retry', [user('Fetch the weather')])).status).toBe(503);
      expect((await send('retry', [user('Fetch the weather')])).status).toBe(200);
    });

    it('warn mode forwards, and reports the loop in the metadata and X-AgentWall-Loop', async () => {
      const warn = await make({ loop: { mode: 'warn' } });
      await send('warn', [user('Hello again')], KEY_A, warn);
      const res = await send('warn', [user('Hello again')], KEY_A, warn);
      expect(res.status).toBe(200);
      expect(res.body.agentwall).toMatchObject({ loop_detected: true, loop: { loop_type: 'exact_repeat', matched_step: 1, confidence: 1 } });
      expect(res.headers['x-agentwall-loop']).toBe('exact_repeat; confidence=1; matched_step=1');
    });

    it('kill mode blocks and kills the run', async () => {
      const kill = await make({ loop: { mode: 'kill' } });
      await send('kill', [user('Hello there')], KEY_A, kill);
      expect((await send('kill', [user('Hello there')], KEY_A, kill)).status).toBe(429);
      const next = await send('kill', [user('Something different entirely')], KEY_A, kill);
      expect(next.status).toBe(403);
      expect(next.body.error).toMatchObject({ type: 'run_killed', reason: 'loop detected (exact_repeat)' });
    });

    it('thresholds are options, overridable per key', async () => {
      const tuned = await make({
        loop: { toolRepeats: 5 },
        keys: [
          { key: KEY_A, name: 'alpha' },
          { key: KEY_B, name: 'bravo', loop: { mode: 'warn' } },
        ],
      });
      const ex = (i: number) => [toolCall(`c${i}`, 'ls', { dir: '/' }), toolResult(`c${i}`, 'a b c')];
      let history: Msg[] = [user('List the root')];
      for (let i = 1; i <= 4; i++) {
        history = [...history, ...ex(i)];
        expect((await send('tuned', history, KEY_A, tuned)).status).toBe(200);
      }
      history = [...history, ...ex(5)];
      expect((await send('tuned', history, KEY_A, tuned)).status).toBe(429);
      await send('tuned-b', [user('Hi')], KEY_B, tuned);
      expect((await send('tuned-b', [user('Hi')], KEY_B, tuned)).body.agentwall.loop_detected).toBe(true);
    });
  });
}
