// SPEC section 5, behaviours 1–7: request sequences through fingerprintRequest + detectLoop, window kept like the store.
import { DEFAULT_LOOP_PARAMS, detectLoop, fingerprintRequest, type WindowEntry } from '../../src/loop/index.js';
import { asst, calls, growing, req, result, runTrace, sys, user } from './helpers.js';

describe('SPEC 5: loop detection', () => {
  it('1. the same request sent again is an exact repeat at the 2nd request', () => {
    const body = req(sys('You are a helpful assistant.'), user('Analyze this data: [1,2,3,4,5]'));
    const out = runTrace([body, structuredClone(body)]);
    expect(out.caughtAt).toBe(2);
    expect(out.finding).toEqual({ loopType: 'exact_repeat', confidence: 1, matchedStep: 1, repeats: 2 });
  });

  it('2. the same prompt differing only in case, whitespace or trailing punctuation is a normalized repeat', () => {
    const out = runTrace([req(user('Analyze this data: [1,2,3,4,5]')), req(user('  analyze THIS data:\n\n[1,2,3,4,5]!? '))]);
    expect(out.caughtAt).toBe(2);
    expect(out.finding).toMatchObject({ loopType: 'normalized_repeat', confidence: 0.95, matchedStep: 1 });
  });

  it('3. a cycle A, B, A is caught at the 3rd request', () => {
    const a = req(user('List the open pull requests of the payments repository.'));
    const b = req(user('Which of them touch the refund code?'));
    const out = runTrace([a, b, a]);
    expect(out.caughtAt).toBe(3);
    expect(out.finding).toEqual({ loopType: 'cycle', confidence: 0.9, matchedStep: 1, repeats: 2 });
  });

  it('3. …within the last 10 steps only', () => {
    const a = req(user('List the open pull requests of the payments repository.'));
    const others = Array.from({ length: 10 }, (_, i) => req(user(`Summarize pull request number ${i + 100} in two sentences.`)));
    expect(runTrace([a, ...others.slice(0, 9), a]).caughtAt).toBe(11);
    expect(runTrace([a, ...others, a]).caughtAt).toBeNull();
  });

  it("4. the guide's Step 1 → Step 2 (a growing conversation) is never a loop", () => {
    const step1 = [user('Analyze this data: [1,2,3,4,5]')];
    const answer = asst('The data is the sequence 1 to 5: mean 3, median 3, standard deviation about 1.41, and it rises linearly.');
    const bodies = growing(step1, [answer, user('Now generate a solution')]);
    expect(runTrace(bodies).caughtAt).toBeNull();
  });

  it('5. the same tool call with the same arguments and result is caught at the 3rd repetition', () => {
    const exchange = [calls({ name: 'get_order_status', args: '{"order_id":"A-1001"}' }), result('{"status":"processing"}')];
    const first = [sys('You track orders.'), user('Is order A-1001 shipped yet?')];
    // A stateful client: each request carries every earlier exchange.
    const stateful = growing([...first, ...exchange], exchange, exchange, exchange);
    const out = runTrace(stateful);
    expect(out.caughtAt).toBe(3);
    expect(out.finding).toMatchObject({ loopType: 'tool_call_repeat', repeats: 3, matchedStep: 2 });
    expect(out.finding!.confidence).toBeGreaterThanOrEqual(0.9);
    // A client that sends only the latest exchange each time.
    const stateless = [req(...first, ...exchange), req(...first, ...exchange), req(...first, ...exchange)];
    expect(runTrace(stateless)).toMatchObject({ caughtAt: 3, finding: { loopType: 'tool_call_repeat' } });
  });

  it('5. …but not when the result differs each time', () => {
    const poll = (status: string) => [calls({ name: 'get_order_status', args: '{"order_id":"A-1001"}' }), result(status)];
    const bodies = growing([user('Tell me when order A-1001 ships.'), ...poll('queued')], poll('picking'), poll('packing'), poll('label printed'), poll('shipped'));
    expect(runTrace(bodies).caughtAt).toBeNull();
  });

  it('6. "continue" turns after different replies are not a loop', () => {
    const bodies = growing(
      [user('Write a long adventure story about a lighthouse keeper.')],
      [asst('Mara had kept the light on Gull Rock for eleven winters, and she knew every sound the sea could make.'), user('continue')],
      [asst('That night the fog came in thick as wool, and a bell she had never heard began to ring beneath the waves.'), user('continue')],
      [asst('She rowed out at dawn, following the sound, until the hull of a sunken ferry rose under her oars.'), user('continue')],
      [asst('Inside the wheelhouse, a brass logbook lay dry in a sealed tin, its last entry dated forty years ago.'), user('continue')],
    );
    expect(runTrace(bodies).caughtAt).toBeNull();
  });

  it('7. near repeats are caught when they repeat 3 times in a row; a single paraphrase is not', () => {
    const ask = (n: number, verb: string) =>
      req(user(`Please ${verb} whether the nightly build of the payments service has finished and report its final status (attempt ${n})`));
    expect(runTrace([ask(1, 'check'), ask(2, 'verify')]).caughtAt).toBeNull();
    const out = runTrace([ask(1, 'check'), ask(2, 'verify'), ask(3, 'confirm')]);
    expect(out.caughtAt).toBe(3);
    expect(out.finding).toMatchObject({ loopType: 'near_repeat', matchedStep: 2, repeats: 3 });
    expect(out.finding!.confidence).toBeGreaterThanOrEqual(0.9);
    expect(out.finding!.confidence).toBeLessThan(1);
  });

  it('computes the window entry whether or not the step is a loop', () => {
    const history: WindowEntry[] = [];
    const fp = fingerprintRequest(req(user('Analyze this data: [1,2,3,4,5]')));
    const first = detectLoop(history, fp, 1, DEFAULT_LOOP_PARAMS);
    expect(first).toEqual({ entry: { ...fp, step: 1, nearRun: 1, toolRun: 0 } });
    const again = detectLoop([first.entry], fp, 2, DEFAULT_LOOP_PARAMS);
    expect(again.finding?.loopType).toBe('exact_repeat');
    expect(again.entry).toEqual({ ...fp, step: 2, nearRun: 2, toolRun: 0 });
  });
});
